import net from 'node:net';

/**
 * A TCP proxy in front of a server that a test can cut (dropping every open
 * connection and refusing new ones) and restore, and that records the HTTP
 * request lines passing through it.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const open = new Set<net.Socket>();
  const requests: string[] = [];
  let refusing = false;
  const server = net.createServer(client => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    client.on('data', chunk => {
      for (const m of chunk
        .toString('latin1')
        .matchAll(/^(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1$/gm)) {
        requests.push(`${m[1]} ${m[2]}`);
      }
    });
    client.pipe(upstream).pipe(client);
    const drop = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cut() {
      refusing = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore() {
      refusing = false;
    },
    close() {
      this.cut();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
