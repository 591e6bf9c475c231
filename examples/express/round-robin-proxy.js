'use strict';
// A small round-robin HTTP proxy for `npm run start:cluster`: each request goes to the next instance, as a load
// balancer without sticky sessions would send it. Not for production (use your load balancer); just enough to
// show that any instance can serve any request of a signed-in user.
const http = require('node:http');

/**
 * Starts the proxy on `host:port` (0: a free port). `targets()` returns the instances' ports; requests arriving
 * before there are any get a 503.
 * @param {{ host: string, port: number, targets: () => number[] }} options
 * @returns {Promise<import('node:http').Server>}
 */
function startRoundRobinProxy({ host, port, targets }) {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const ports = targets();
    if (ports.length === 0) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The instances are starting.');
      return;
    }
    const target = ports[next++ % ports.length];
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: req.url,
        agent,
        timeout: 30_000,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'http' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    const fail = () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('That instance did not answer.');
      else res.destroy();
    };
    upstream.on('timeout', () => upstream.destroy());
    upstream.on('error', fail);
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

module.exports = { startRoundRobinProxy };
