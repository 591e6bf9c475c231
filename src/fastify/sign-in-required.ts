import { RobloxSignInRequiredError } from '../errors';
import type { FastifySignInRequiredOptions, RobloxFastifyReply, RobloxFastifyRequest } from './types';

/** The q-value an Accept header gives a media type (`type/sub`), through exact, `type/*` and `*\/*` ranges. */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = -1;
  let bestSpecificity = -1;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity < bestSpecificity || specificity < 0) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    best = Number.isFinite(value) ? value : 0;
    bestSpecificity = specificity;
  }
  return best;
}

/** As Express's `req.accepts(['json', 'text']) === 'text'`: JSON unless the client prefers plain text. */
export function prefersText(accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false;
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header.trim() === '') return false;
  const json = quality(header, 'application/json');
  const text = quality(header, 'text/plain');
  return text > 0 && text > json;
}

/**
 * Ends a Fastify request whose user must sign in with Roblox again, exactly as the Express middleware's outcome:
 * the app's handler, a redirect, or a 401 in JSON or text. Returns true when the reply was sent.
 *
 * @example
 * ```ts
 * if (await fastifySignInRequired(options, 'Sign in with Roblox again: …', request, reply)) return reply;
 * ```
 */
export async function fastifySignInRequired(
  options: FastifySignInRequiredOptions,
  message: string,
  request: RobloxFastifyRequest,
  reply: RobloxFastifyReply,
  cause?: unknown,
): Promise<boolean> {
  const err = new RobloxSignInRequiredError(message, cause === undefined ? undefined : { cause });
  if (options.onSignInRequired) {
    await options.onSignInRequired(err, request, reply);
    return reply.sent;
  }
  if (reply.sent) throw err;
  reply.header('cache-control', 'no-store');
  if (options.redirectTo) {
    reply.code(request.method === 'GET' || request.method === 'HEAD' ? 302 : 303).header('location', options.redirectTo).send();
    return true;
  }
  reply.code(401);
  if (prefersText(request.headers.accept)) {
    reply.type('text/plain; charset=utf-8').send(`${message} (${err.code})\n`);
  } else {
    reply.send({ error: 'sign_in_required', code: err.code, message });
  }
  return true;
}
