// Child processes spoken to over IPC: request/response messages with ids.
import { fork } from 'node:child_process';
import { once } from 'node:events';

/**
 * Forks `modulePath` and waits for its `{ type: 'ready', ... }` message.
 * Returns { child, info, call(method, ...args), stop() }.
 */
export async function startChild(modulePath, { env = {}, execArgv = [], name = modulePath, readyTimeout = 20_000 } = {}) {
  const child = fork(modulePath, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  child.on('message', (msg) => {
    if (!msg || msg.id === undefined) return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error) waiter.reject(new Error(`${name}: ${msg.error}`));
    else waiter.resolve(msg.result);
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const w of pending.values()) w.reject(new Error(`${name} exited (${signal ?? code})`));
    pending.clear();
  });

  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready within ${readyTimeout} ms`)), readyTimeout);
    const onMessage = (msg) => {
      if (msg && msg.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(msg);
      } else if (msg && msg.type === 'fatal') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start: ${msg.error}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
    });
  });

  const call = (method, ...args) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${name} is not running`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, method, args });
    });

  /** Asks the child to exit cleanly (so that --cpu-prof writes its profile); kills it if it does not. */
  const stop = async (timeout = 10_000) => {
    if (exited) return;
    const done = once(child, 'exit');
    try {
      child.send({ type: 'exit' });
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    await done;
    clearTimeout(timer);
  };

  return { child, pid: child.pid, info, call, stop };
}
