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
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes on a second connection; resolves once subscribed. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<{ close(): Promise<void> }>;
}

/** The shape of a node-redis (v4, v5) client that this module uses. */
interface NodeRedisLike {
  isOpen: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): NodeRedisLike & {
    connect(): Promise<unknown>;
    subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
    on(event: 'error', listener: (err: unknown) => void): unknown;
    quit?(): Promise<unknown>;
    disconnect?(): Promise<unknown>;
    close?(): Promise<unknown>;
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
  };
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
  const bounded = <T>(what: string, run: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RobloxCoordinationError(`${owner}: Redis did not answer ${what} within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
      let started: Promise<T>;
      try {
        started = run();
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

  let send: (args: (string | number)[]) => Promise<unknown>;
  let subscribe: RedisOps['subscribe'];
  if (isIoRedis(client)) {
    send = ([command, ...args]) => client.call(String(command), ...args);
    subscribe = async (channel, onMessage) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined); // reconnects on its own; waiters fall back to polling meanwhile
      sub.on('message', (ch, message) => {
        if (ch === channel) onMessage(message);
      });
      // A client made with lazyConnect hands its duplicate the same setting: connect it ourselves.
      if (sub.status === 'wait') await sub.connect();
      await sub.subscribe(channel);
      return { close: async () => void (await sub.quit().catch(() => undefined)) };
    };
  } else if (isNodeRedis(client)) {
    send = (args) => client.sendCommand(args.map(String));
    subscribe = async (channel, onMessage) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined);
      await sub.connect();
      await sub.subscribe(channel, onMessage);
      const end = sub.close ?? sub.quit ?? sub.disconnect;
      return { close: async () => void (await end?.call(sub).catch(() => undefined)) };
    };
  } else {
    throw new RobloxConfigurationError(`${owner} redis option must be a connected node-redis (v4, v5) or ioredis client`);
  }

  return {
    get: (key) => bounded('GET', async () => {
      const value = await send(['GET', key]);
      return typeof value === 'string' ? value : value == null ? null : String(value);
    }),
    setIfAbsent: (key, value, ttlMs) => bounded('SET NX', async () => (await send(['SET', key, value, 'NX', 'PX', String(Math.ceil(ttlMs))])) !== null),
    set: (key, value, ttlMs) => bounded('SET', async () => void (await send(['SET', key, value, 'PX', String(Math.ceil(ttlMs))]))),
    deleteIfEquals: (key, value) => bounded('EVAL', async () => void (await send(['EVAL', RELEASE, '1', key, value]))),
    publish: (channel, message) => bounded('PUBLISH', async () => void (await send(['PUBLISH', channel, message]))),
    subscribe: (channel, onMessage) => bounded('SUBSCRIBE', () => subscribe(channel, onMessage)),
  };
}
