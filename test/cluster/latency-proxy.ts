// A TCP proxy that adds latency in both directions: "Redis is 2 × delayMs away". Bytes keep their order (each
// chunk waits the same delay). Listens on 127.0.0.1 and a free port; close() ends it and every connection.
import net from 'node:net';

export interface LatencyProxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startLatencyProxy(target: { host?: string; port: number }, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host ?? '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => setTimeout(() => (to.destroyed ? undefined : to.write(chunk)), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
      from.on('close', () => setTimeout(() => to.destroy(), delayMs));
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        url: `redis://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
