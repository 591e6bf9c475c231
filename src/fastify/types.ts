import type { RobloxSignInRequiredError } from '../errors';
import type { RobloxRequestFields } from '../middleware/request';

/**
 * What the Fastify hooks use of a request (a `FastifyRequest` with @fastify/passport and a session plugin): the
 * same object is what a TokenStore and `subject` receive, in place of Express's `req`.
 *
 * @example
 * ```ts
 * const subject = (request: RobloxFastifyRequest) => (request.user as { id: string } | undefined)?.id;
 * ```
 */
export interface RobloxFastifyRequest extends RobloxRequestFields {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  session?: unknown;
  user?: unknown;
}

/**
 * What the Fastify hooks use of a reply; Fastify 4's and 5's `FastifyReply` both fit.
 *
 * @example
 * ```ts
 * const toLogin = (_err: Error, _request: RobloxFastifyRequest, reply: RobloxFastifyReply) => reply.code(303).header('location', '/login').send();
 * ```
 */
export interface RobloxFastifyReply {
  /** Sets the response status. */
  code(statusCode: number): RobloxFastifyReply;
  /** Sets a response header. */
  header(name: string, value: string): RobloxFastifyReply;
  /** Sets the content type. */
  type(contentType: string): RobloxFastifyReply;
  /** Sends the response. */
  send(payload?: unknown): unknown;
  readonly sent: boolean;
}

/**
 * Handles the "sign in again" outcome yourself in a Fastify hook: answer with `reply`, or return without sending to
 * let the request go on (e.g. optional sign-in). Errors thrown or rejected go to Fastify's error handler.
 *
 * @example
 * ```ts
 * const onSignInRequired: FastifySignInRequiredHandler = (err, request, reply) => reply.code(401).send({ reason: err.code });
 * ```
 */
export type FastifySignInRequiredHandler = (
  err: RobloxSignInRequiredError,
  request: RobloxFastifyRequest,
  reply: RobloxFastifyReply,
) => unknown;

/**
 * What happens in a Fastify hook when a request has no usable Roblox tokens; the same defaults as the Express
 * middleware: a 401 with `{ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', message }` (plain text
 * for clients that prefer it), `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * const outcome: FastifySignInRequiredOptions = { redirectTo: '/auth/roblox' };
 * ```
 */
export interface FastifySignInRequiredOptions {
  /** Redirect there instead of answering 401 (302 for GET and HEAD, 303 otherwise). */
  redirectTo?: string;
  /** Full control over the outcome; wins over `redirectTo`. */
  onSignInRequired?: FastifySignInRequiredHandler;
}

/** A Fastify `preHandler` (or `onRequest` after the session plugin) hook made by this package. */
export type RobloxFastifyHook = (request: RobloxFastifyRequest, reply: RobloxFastifyReply) => Promise<unknown>;
