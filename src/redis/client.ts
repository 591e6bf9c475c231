import { RobloxConfigurationError, RobloxCoordinationError } from '../errors';

/**
 * The Redis commands the coordinator needs, over either client library. Every call is bounded by a timeout
 * and fails with {@link RobloxCoordinationError}: Redis trouble never turns into an untyped error.
 */
export interface RedisOps {
  get(key: string): Promise<string | null>;
  /** `SET key value NX PX ms`: true when this call took the key. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** `SET key value PX ms`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes `key` only if it still holds `value` (a lock released only by its holder). */
  deleteIfEquals(key: string, value: string): Promise<void>;
  /** `DEL key`. */
  del(key: string): Promise<void>;
  /** Runs a Lua script (`EVAL`) and returns its integer answer. */
  evalInt(script: string, keys: string[], args: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes on a second connection; resolves once subscribed. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<{ close(): Promise<void> }>;
}

/** The shape of a node-redis (v4, v5) client that this module uses. */
interface NodeRedisLike {
  isOpen: boolean;
  sendCommand(args: string[], options?: { abortSignal: AbortSignal; signal: AbortSignal }): Promise<unknown>;
  duplicate(): NodeRedisLike & {
    connect(): Promise<unknown>;
    subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
    on(event: 'error', listener: (err: unknown) => void): unknown;
    quit?(): Promise<unknown>;
    disconnect?(): Promise<unknown>;
    destroy?(): void;
  };
}

/** The shape of an ioredis client that this module uses. */
interface IoRedisLike {
  status: string;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  duplicate(): IoRedisLike & {
    connect(): Promise<unknown>;
    subscribe(channel: string): Promise<unknown>;
    on(event: 'message', listener: (channel: string, message: string) => void): unknown;
    on(event: 'error', listener: (err: unknown) => void): unknown;
    quit(): Promise<unknown>;
    disconnect?(): void;
  };
}

/**
 * Waits for a subscription to be made; if it fails or takes longer than `timeoutMs`, its connection is closed,
 * so that no second connection is left reconnecting in the background.
 */
function settleOrClose(ready: Promise<void>, close: () => Promise<void>, timeoutMs = 2_000): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      void close();
      reject(new Error('subscription timed out'));
    }, timeoutMs);
    ready.then(
      () => {
        clearTimeout(timer);
        if (done) return;
        done = true;
        resolve({ close });
      },
      (err: unknown) => {
        clearTimeout(timer);
        void close();
        if (!done) reject(err);
        done = true;
      },
    );
  });
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function isIoRedis(client: unknown): client is IoRedisLike {
  const c = client as Record<string, unknown>;
  return typeof c.call === 'function' && typeof c.status === 'string' && typeof c.duplicate === 'function';
}

function isNodeRedis(client: unknown): client is NodeRedisLike {
  const c = client as Record<string, unknown>;
  return typeof c.sendCommand === 'function' && typeof c.isOpen === 'boolean' && typeof c.duplicate === 'function';
}

/**
 * Adapts a connected node-redis (v4, v5) or ioredis client. `commandTimeoutMs` bounds every command.
 * Throws RobloxConfigurationError for anything else.
 */
export function redisOps(client: unknown, owner: string, commandTimeoutMs: number): RedisOps {
  // A command that timed out is also withdrawn (node-redis: abort signal) when the client still holds it
  // unsent, e.g. in its offline queue while reconnecting: a login or refresh reported as failed must not be
  // written later. ioredis cannot withdraw a command: create its client with `enableOfflineQueue: false`.
  const bounded = <T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const abort = new AbortController();
      const timer = setTimeout(() => {
        abort.abort();
        reject(new RobloxCoordinationError(`${owner}: Redis did not answer ${what} within ${commandTimeoutMs} ms`));
      }, commandTimeoutMs);
      let started: Promise<T>;
      try {
        started = run(abort.signal);
      } catch (cause) {
        started = Promise.reject(cause);
      }
      started.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (cause: unknown) => {
          clearTimeout(timer);
          // The client's message may name the server; it never holds a token (keys are HMACs, values encrypted).
          reject(new RobloxCoordinationError(`${owner}: Redis ${what} failed`, { cause }));
        },
      );
    });

  let send: (args: (string | number)[], signal: AbortSignal) => Promise<unknown>;
  let subscribe: (channel: string, onMessage: (message: string) => void, timeoutMs: number) => Promise<{ close(): Promise<void> }>;
  if (isIoRedis(client)) {
    send = ([command, ...args]) => client.call(String(command), ...args);
    subscribe = (channel, onMessage, timeoutMs) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined); // reconnects on its own; waiters fall back to polling meanwhile
      sub.on('message', (ch, message) => {
        if (ch === channel) onMessage(message);
      });
      const close = async () => {
        await sub.quit().catch(() => undefined);
        sub.disconnect?.();
      };
      // A client made with lazyConnect hands its duplicate the same setting: connect it ourselves.
      return settleOrClose(
        (async () => {
          if (sub.status === 'wait') await sub.connect();
          await sub.subscribe(channel);
        })(),
        close,
        timeoutMs,
      );
    };
  } else if (isNodeRedis(client)) {
    // v5 reads `abortSignal`, v4 `signal`.
    send = (args, signal) => client.sendCommand(args.map(String), { abortSignal: signal, signal });
    subscribe = (channel, onMessage, timeoutMs) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined);
      // destroy()/disconnect() end the connection and its reconnect attempts at once, also while connecting.
      const close = async () => {
        if (typeof sub.destroy === 'function') sub.destroy();
        else await (sub.disconnect ?? sub.quit)?.call(sub).catch(() => undefined);
      };
      return settleOrClose(
        (async () => {
          await sub.connect();
          await sub.subscribe(channel, onMessage);
        })(),
        close,
        timeoutMs,
      );
    };
  } else {
    throw new RobloxConfigurationError(`${owner} redis option must be a connected node-redis (v4, v5) or ioredis client`);
  }

  return {
    get: (key) => bounded('GET', async (signal) => {
      const value = await send(['GET', key], signal);
      return typeof value === 'string' ? value : value == null ? null : String(value);
    }),
    setIfAbsent: (key, value, ttlMs) => bounded('SET NX', async (signal) => (await send(['SET', key, value, 'NX', 'PX', String(Math.ceil(ttlMs))], signal)) !== null),
    set: (key, value, ttlMs) => bounded('SET', async (signal) => void (await send(['SET', key, value, 'PX', String(Math.ceil(ttlMs))], signal))),
    deleteIfEquals: (key, value) => bounded('EVAL', async (signal) => void (await send(['EVAL', RELEASE, '1', key, value], signal))),
    del: (key) => bounded('DEL', async (signal) => void (await send(['DEL', key], signal))),
    evalInt: (script, keys, args) => bounded('EVAL', async (signal) => Number(await send(['EVAL', script, String(keys.length), ...keys, ...args], signal))),
    publish: (channel, message) => bounded('PUBLISH', async (signal) => void (await send(['PUBLISH', channel, message], signal))),
    // Bounded too: a subscription that cannot be made in time is closed (no connection left retrying).
    subscribe: (channel, onMessage) => bounded('SUBSCRIBE', () => subscribe(channel, onMessage, commandTimeoutMs)),
  };
}
