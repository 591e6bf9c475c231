// Type-checked by `npm run typecheck` (strict, Fastify 5's own types): the hooks fit Fastify's route options as
// written in the docs, and request.robloxTokens is typed. Run here over real HTTP (127.0.0.1, any free port).
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { RobloxClient } from '../../src';
import { refreshTokens, MemoryTokenStore, type FastifySignInRequiredHandler } from '../../src/fastify';

it('the Fastify hooks type-check as preHandler options and answer a signed-out request with 401', async () => {
  const client = new RobloxClient({ clientID: 'id', clientSecret: 'secret', issuer: 'http://127.0.0.1:9/oauth/', timeout: 500 });
  const store = new MemoryTokenStore();
  const optional: FastifySignInRequiredHandler = () => undefined;
  const app = Fastify();
  app.get('/api', { preHandler: refreshTokens({ client, store }) }, async (request: FastifyRequest) => ({
    expiresAt: request.robloxTokens?.expiresAt ?? null,
  }));
  app.get('/optional', { preHandler: [refreshTokens({ client, store, onSignInRequired: optional })] },
    async (request: FastifyRequest, reply: FastifyReply) => reply.send({ signedIn: request.robloxTokens !== undefined }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const api = await fetch(`${base}/api`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    const optionalRes = await fetch(`${base}/optional`);
    expect(await optionalRes.json()).toEqual({ signedIn: false });
  } finally {
    await app.close();
  }
});
