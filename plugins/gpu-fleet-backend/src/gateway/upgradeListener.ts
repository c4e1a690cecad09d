import { Server } from 'node:http';
import { RequestHandler } from 'express';
import { AgentGateway } from './AgentGateway';

/**
 * Backstage gives plugins no handle on the HTTP server, yet WebSocket
 * upgrades arrive only as the server's 'upgrade' event. The first request
 * that reaches this router (the plugin pings itself at startup) lends us the
 * server, and the gateway then listens for upgrades on it.
 */
export function upgradeListener(gateway: AgentGateway): RequestHandler {
  const servers = new WeakSet<Server>();
  return (req, _res, next) => {
    const server = (req.socket as any)?.server as Server | undefined;
    if (server && !servers.has(server)) {
      servers.add(server);
      server.on('upgrade', (request, socket, head) =>
        gateway.handleUpgrade(request, socket, head),
      );
    }
    next();
  };
}
