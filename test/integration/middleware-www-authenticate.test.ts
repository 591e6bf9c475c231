// Issue 14, defect 3: a 401 whose error is only in WWW-Authenticate (RFC 6750 §3, no JSON body) means the token
// is refused: the user is asked to sign in again, not told of an outage (502) with the dead tokens kept.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { authorizedResources, type TokenSet } from '../../src';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';

const emu = useEmulator();

async function startChallenger(status: number, challenge: string | undefined) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, challenge === undefined ? {} : { 'www-authenticate': challenge });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/token/resources`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function resourcesAnswer(status: number, challenge: string | undefined) {
  const challenger = await startChallenger(status, challenge);
  try {
    const app = createTestApp({
      emulator: emu(),
      strategyOptions: { resourcesURL: challenger.url },
      routes: (app, { strategy }) => {
        app.get('/resources', authorizedResources({ client: strategy.client }), (req, res) => res.json(req.robloxResources));
        app.get('/test/tokens', (req, res) => res.json((req.session as unknown as { robloxTokens?: TokenSet }).robloxTokens ?? null));
      },
    });
    const agent = request.agent(app);
    expect((await login(agent, emu())).location).toBe('/');
    const res = await agent.get('/resources');
    const tokens = (await agent.get('/test/tokens')).body as TokenSet | null;
    return { res, tokens, errors: app.errors };
  } finally {
    await challenger.close();
  }
}

describe('authorizedResources() and a 401 with the error in WWW-Authenticate only', () => {
  it.each([
    ['Bearer error="invalid_token"', 'the RFC 6750 form'],
    ['Bearer realm="roblox", error="invalid_token", error_description="The access token expired"', 'with realm and description'],
    ['Bearer', 'a bare Bearer challenge (no usable credentials)'],
    ['bearer error=invalid_token', 'lower case, unquoted'],
  ])('%p (%s): sign in again, tokens cleared', async (challenge) => {
    const { res, tokens, errors } = await resourcesAnswer(401, challenge);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    expect(errors).toEqual([]);
    expect(tokens).toBeNull();
  });

  it('a 401 with a Basic challenge (client authentication) or none at all stays a provider fault: 502, tokens kept', async () => {
    for (const challenge of ['Basic realm="roblox"', undefined]) {
      const { res, tokens, errors } = await resourcesAnswer(401, challenge);
      expect(res.status).toBe(502);
      expect(errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE' })]);
      expect(tokens).not.toBeNull();
    }
  });
});
