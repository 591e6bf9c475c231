import { SignInWithRobloxError } from './errors';

/** The part of an HTTP answer the sign-in helpers read (a supertest `Response` has it). */
export interface SignInResponse {
  /** The HTTP status. */
  status: number;
  /** The headers, names in lower case (`location` is read). */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What the sign-in helpers need of an agent: a `get(path)` that sends and keeps the app's cookies, such as
 * supertest's `request.agent(app)`. Any object with that method works (e.g. a fetch-based cookie jar).
 */
export interface SignInAgent {
  /** Sends `GET path` to the app with the agent's cookies and keeps the cookies the app sets. */
  get(path: string): PromiseLike<SignInResponse>;
}

/**
 * The supertest agent {@link signInWithRoblox} makes when given an app, typed without depending on
 * `@types/supertest`: each method starts a request (chain `.set()`, `.send()`, `.expect()` as with supertest).
 */
export interface SupertestAgentLike {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  /** Starts a GET request with the agent's cookies. */
  get(url: string): any;
  /** Starts a POST request with the agent's cookies. */
  post(url: string): any;
  /** Starts a PUT request with the agent's cookies. */
  put(url: string): any;
  /** Starts a PATCH request with the agent's cookies. */
  patch(url: string): any;
  /** Starts a DELETE request with the agent's cookies. */
  delete(url: string): any;
  /** Starts a HEAD request with the agent's cookies. */
  head(url: string): any;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Whatever supertest accepts as an app: an Express app or any `(req, res)` listener, or an `http.Server`. */
export type SignInApp = ((req: never, res: never) => unknown) | ServerLike;

/** An `http.Server` (or anything supertest takes for one). */
export interface ServerLike {
  /** The address it listens on, if it does. */
  address(): unknown;
  /** Starts listening. */
  listen(...args: never[]): unknown;
}

/** Whether `target` is an agent already (has `get` and is not a request listener). */
export function isAgent(target: unknown): target is SignInAgent {
  return typeof target === 'object' && target !== null && typeof (target as { get?: unknown }).get === 'function' &&
    typeof (target as { address?: unknown }).address !== 'function';
}

/** A supertest agent for an app; supertest is an optional peer dependency, loaded only here. */
export function supertestAgentFor(app: SignInApp): SignInAgent {
  let supertest: { agent(app: unknown): SignInAgent };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    supertest = require('supertest') as typeof supertest;
  } catch (err) {
    throw new SignInWithRobloxError('login', 0, 'pass an agent, or install supertest (npm install --save-dev supertest) to pass an app', { cause: err });
  }
  return supertest.agent(app);
}

/** A response header as one string (the first value if it was sent more than once). */
export function header(res: SignInResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
