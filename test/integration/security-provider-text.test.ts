// Issue 9, rule 1: our messages are ours. A hostile provider that echoes our request back (in error_description,
// in a WWW-Authenticate challenge, in a token header) must not get the client secret, the code, the PKCE verifier
// or a token into any message, `util.inspect(err)`, `JSON.stringify(err)` or `err.cause`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import request from 'supertest';
import { RobloxClient, RobloxOAuthError, RobloxError } from '../../src';
import { createTestApp } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';

const emu = useEmulator();

interface Echo {
  url: string;
  /** Every request body and authorization header the echo server received. */
  seen: string[];
  close: () => Promise<void>;
}

/** A hostile endpoint: answers every request with `status` and the request itself echoed in `error_description`. */
async function startEcho(status: number, answer: 'json' | 'challenge' = 'json'): Promise<Echo> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = `body=${Buffer.concat(chunks).toString('utf8')} authorization=${req.headers.authorization ?? ''}\r\nX-Forged: line`;
      seen.push(echo);
      if (answer === 'challenge') {
        res.writeHead(status, { 'www-authenticate': `Bearer error="invalid_token", error_description="${echo.replace(/["\\\r\n]/g, ' ')}"` });
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: echo }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Everything an app could log about an error. */
function everythingAbout(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  return [e.message, inspect(e, { depth: 5 }), JSON.stringify(e), inspect(e.cause, { depth: 5 })].join('\n');
}

function expectNone(text: string, secrets: string[]) {
  for (const s of secrets) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(encodeURIComponent(s));
  }
}

describe.each(['client_secret_basic', 'client_secret_post'] as const)('a token endpoint that echoes the request (%s)', (authMethod) => {
  let echo: Echo;
  beforeEach(async () => {
    echo = await startEcho(400);
  });
  afterEach(() => echo.close());

  it('code exchange: the secret, code and verifier stay out of the error, its inspection and JSON', async () => {
    const client = new RobloxClient({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, authMethod, issuer: emu().issuer, tokenURL: echo.url, timeout: 2000 });
    const code = 'c0de-from-the-callback-0123456789';
    const codeVerifier = 'v3rifier-0123456789-abcdefghijklmnopqrstuvwxyz';
    const err = await client.exchangeCode({ code, codeVerifier, redirectUri: 'http://127.0.0.1:3000/cb' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxOAuthError);
    // The echo really carried them: the check below is not vacuous.
    expect(echo.seen.join()).toContain(code);
    const text = everythingAbout(err);
    expectNone(text, [CLIENT_SECRET, code, codeVerifier, Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')]);
    expect((err as RobloxOAuthError).message).toBe('Roblox answered invalid_request (HTTP 400)');
    expect((err as RobloxOAuthError).errorDescription).toContain('[redacted]');
    expect((err as RobloxOAuthError).errorDescription).not.toMatch(/[\r\n]/);
  });

  it('refresh: the refresh token and the secret stay out of the error', async () => {
    const client = new RobloxClient({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, authMethod, issuer: emu().issuer, tokenURL: echo.url, timeout: 2000 });
    const refreshToken = 'r3fresh-token-0123456789-abcdefghijklmnop';
    const err = await client.refresh(refreshToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxError);
    expect(echo.seen.join()).toContain(refreshToken);
    expectNone(everythingAbout(err), [CLIENT_SECRET, refreshToken]);
  });
});

it('revoke and introspect: the token sent stays out of the error', async () => {
  const echo = await startEcho(400);
  try {
    const client = new RobloxClient({
      clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: emu().issuer, revocationURL: echo.url, introspectionURL: echo.url, timeout: 2000,
    });
    const token = 'some-t0ken-0123456789-abcdefghijklmnop';
    for (const call of [() => client.revoke(token), () => client.introspect(token)]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RobloxOAuthError);
      expectNone(everythingAbout(err), [CLIENT_SECRET, token]);
    }
  } finally {
    await echo.close();
  }
});

it('a 401 challenge (RFC 6750, no JSON body) is read from WWW-Authenticate, with the bearer token redacted', async () => {
  const echo = await startEcho(401, 'challenge');
  try {
    const client = new RobloxClient({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: emu().issuer, userInfoURL: echo.url, timeout: 2000 });
    const accessToken = 'acc3ss-token-0123456789-abcdefghijklmnop';
    const err = await client.userinfo(accessToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxOAuthError);
    expect(err).toMatchObject({ error: 'invalid_token', providerStatus: 401, status: 401 });
    expect(echo.seen.join()).toContain(accessToken);
    expectNone(everythingAbout(err), [accessToken]);
  } finally {
    await echo.close();
  }
});

it('a login against an echoing token endpoint errors with our message only, and the app sees no secret', async () => {
  const echo = await startEcho(400);
  try {
    const app = createTestApp({ emulator: emu(), strategyOptions: { tokenURL: echo.url } });
    const agent = request.agent(app);
    const result = await login(agent, emu());
    expect(result.callback?.status).toBe(502);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_OAUTH', message: 'Roblox answered invalid_request (HTTP 400)' })]);
    const everything = JSON.stringify(app.errors) + JSON.stringify(result.callback?.body) + (result.callback?.text ?? '');
    const verifier = /code_verifier=([^&\s]+)/.exec(echo.seen.join())?.[1];
    expect(verifier).toBeDefined();
    expectNone(everything, [CLIENT_SECRET, result.code as string, decodeURIComponent(verifier as string)]);
  } finally {
    await echo.close();
  }
});

it('an ID token whose rejection jose would explain with provider text (a crit header) fails with our words only', async () => {
  const forged = '<img src=x onerror=alert(1)>\r\n[info] admin signed in';
  const app = createTestApp({ emulator: emu() });
  const agent = request.agent(app);
  emu().nextIdToken({ header: { crit: [forged], [forged]: true } });
  const result = await login(agent, emu());
  expect(result.location).toBe('/login-failed');
  const messages = (await agent.get('/login-failed')).body.messages as string[];
  expect(messages).toEqual(['The ID token from Roblox could not be verified (the token uses an unsupported algorithm or header).']);
  expect(app.errors).toEqual([]);
});
