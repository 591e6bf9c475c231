'use strict';
// A throwaway redis-server (Debian's) on a free loopback port, for tests, the benchmark and the cluster demo.
// It keeps nothing on disk, and whoever starts it stops it by its own PID.
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** A clear message when Debian's redis-server is not installed. */
const MISSING = `redis-server was not found (${BINARY}): install it with "apt-get install redis-server" (.ci/run does this)`;

/** True when a redis-server binary can be run. */
function hasRedisServer() {
  const probe = spawnSync(BINARY, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port and answers PING with PONG. */
function waitForPong(port, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      socket.setTimeout(500);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        answer += chunk.toString('latin1');
        if (answer.includes('+PONG')) {
          socket.destroy();
          resolve();
        }
      });
      const retry = () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not answer on port ${port}`));
        else setTimeout(attempt, 25);
      };
      socket.on('error', retry);
      socket.on('timeout', retry);
    };
    attempt();
  });
}

/**
 * @typedef {object} RedisServer
 * @property {number} port
 * @property {string} url        redis://127.0.0.1:PORT
 * @property {() => number | undefined} pid  the running process's PID (undefined while stopped)
 * @property {() => Promise<void>} stop      SIGTERM, then SIGKILL after 5 s; idempotent
 * @property {() => Promise<void>} kill      SIGKILL at once (a crash)
 * @property {() => Promise<void>} restart   stop, then start again on the same port (data is lost, as after a crash)
 * @property {() => Promise<void>} start     start again on the same port after stop or kill
 */

/**
 * Starts redis-server on 127.0.0.1 and a free port (or `options.port`), without persistence.
 * @param {{ port?: number, args?: string[] }} [options]
 * @returns {Promise<RedisServer>}
 */
async function startRedisServer(options = {}) {
  if (!hasRedisServer()) throw new Error(MISSING);
  let port = options.port ?? (await freePort());
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let exited;

  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning', ...(options.args ?? [])];
    let stderr = '';
    const proc = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr.on('data', (c) => { stderr += c; });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const died = exited.then(() => { throw new Error(`redis-server exited at start on port ${port}: ${stderr.trim()}`); });
    await Promise.race([waitForPong(port, Date.now() + 10_000), died]);
  };

  const signal = async (sig) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) { child = undefined; return; }
    const done = exited;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
    child = undefined;
  };

  // A port taken between freePort() and the launch: try another (unless the caller fixed the port).
  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      await signal('SIGKILL');
      if (options.port !== undefined || attempt >= 4) throw err;
      port = await freePort();
    }
  }

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start: () => (child ? Promise.resolve() : launch()),
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
  };
}

module.exports = { startRedisServer, hasRedisServer, freePort, REDIS_SERVER_MISSING: MISSING };
