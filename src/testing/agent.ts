import { SignInWithRobloxError } from './errors';

/** The part of an HTTP answer the sign-in helpers read (a supertest `Response` has it). */
export interface SignInResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What the sign-in helpers need of an agent: a `get(path)` that sends and keeps the app's cookies, such as
 * supertest's `request.agent(app)`. Any object with that method works (e.g. a fetch-based cookie jar).
 */
export interface SignInAgent {
  get(path: string): PromiseLike<SignInResponse>;
}

/**
 * The supertest agent {@link signInWithRoblox} makes when given an app, typed without depending on
 * `@types/supertest`: each method starts a request (chain `.set()`, `.send()`, `.expect()` as with supertest).
 */
export interface SupertestAgentLike {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  get(url: string): any;
  post(url: string): any;
  put(url: string): any;
  patch(url: string): any;
  delete(url: string): any;
  head(url: string): any;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Whatever supertest accepts as an app: an Express app or any `(req, res)` listener, or an `http.Server`. */
export type SignInApp = ((req: never, res: never) => unknown) | { address(): unknown; listen(...args: never[]): unknown };

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
