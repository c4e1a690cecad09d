import { Server } from 'node:http';
import { Request, RequestHandler } from 'express';
import { AgentGateway } from './AgentGateway';

function isWebSocketUpgrade(req: Request): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/**
 * Takes the agents' WebSocket upgrades inside the plugin's router. Node hands
 * an upgrade to Express only while the server has no 'upgrade' listener, so
 * adding one of our own would starve every other plugin's WebSockets
 * (signals, the Kubernetes tab's exec). Should another plugin add such a
 * listener (signals does after its first connection), upgrades stop reaching
 * any router, and only then does the gateway listen beside it, for its own
 * path alone.
 */
export function agentUpgradeRoute(gateway: AgentGateway): RequestHandler {
  const watched = new WeakSet<Server>();
  const listenBeside = (server: Server) => {
    if (watched.has(server)) return;
    watched.add(server);
    let listening = false;
    const join = () => {
      if (listening) return;
      listening = true;
      server.on('upgrade', (request, socket, head) =>
        gateway.handleUpgrade(request, socket, head),
      );
    };
    if (server.listenerCount('upgrade') > 0) join();
    else {
      server.on('newListener', event => {
        if (event === 'upgrade') setImmediate(join);
      });
    }
  };

  return (req, res, next) => {
    const server = (req.socket as any)?.server as Server | undefined;
    if (server) listenBeside(server);
    if (!isWebSocketUpgrade(req)) {
      next();
      return;
    }
    if (!gateway.handleUpgrade(req, req.socket, Buffer.alloc(0))) {
      res.status(404).json({
        error: {
          name: 'NotFoundError',
          message: `no WebSocket at ${req.path}`,
        },
      });
    }
  };
}
