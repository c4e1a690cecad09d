import { Socket } from 'node:net';

// Node's own handlers on a server socket; a WebSocket taken over inside a
// router must drop exactly these, and leave anyone else's listeners alone.
const HTTP_SERVER_LISTENERS: Record<string, string[]> = {
  data: ['bound socketOnData'],
  end: ['bound socketOnEnd'],
  close: ['bound socketOnClose'],
  drain: ['bound socketOnDrain'],
  error: ['socketOnError'],
  timeout: ['socketOnTimeout'],
};

/**
 * Hands a socket upgraded from inside an Express route over to its new
 * owner the way Node does for an 'upgrade' listener. Left attached, Node's
 * HTTP parser still counts the socket as a request whose headers never
 * ended, and its periodic timeout check writes "HTTP/1.1 408" into the
 * WebSocket about 90 seconds later, which the peer reads as a broken frame.
 */
export function detachFromHttpServer(socket: Socket): void {
  const parser = (socket as { parser?: unknown }).parser;
  if (!parser) return;
  for (const [event, names] of Object.entries(HTTP_SERVER_LISTENERS)) {
    for (const listener of socket.listeners(event)) {
      if (names.includes(listener.name)) {
        socket.removeListener(event, listener as (...args: any[]) => void);
      }
    }
  }
  // Unconsumes the parser from the socket's handle and takes it off the
  // server's connection list, which is what the timeout check walks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { freeParser } = require('node:_http_common') as {
    freeParser(parser: unknown, req: unknown, socket: Socket): void;
  };
  freeParser(parser, undefined, socket);
}
