// src/provider/http.ts on its own, against throwaway node:http servers on 127.0.0.1: what the integration tests
// cannot reach through the emulator (a header value Node refuses, a protocol we do not speak, a body cut short,
// a body of exactly the limit, connection reuse) and the pure helpers' edge cases. Each test was written against a
// surviving mutant of `npm run test:mutation -- http` (docs/testing.md) and seen to fail with that mutant applied.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { RobloxConfigurationError, RobloxNetworkError, RobloxOAuthError, RobloxResponseError, RobloxTimeoutError } from '../../src/errors';
import { checkStatus, describeURL, encodeForm, getJson, isLoopbackHost, postForm, request, withClientAuth, type HttpResponse } from '../../src/provider/http';
import { REDACTED } from '../../src/provider/provider-text';

interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server that records what it received and answers with `answer`; counts TCP connections. */
async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const response = (status: number, body: string, headers: http.IncomingHttpHeaders = {}, secrets: string[] = []): HttpResponse =>
  ({ status, headers, body, where: () => 'POST https://provider.example/token', secrets });

let servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const track = <T extends { close(): Promise<void> }>(s: T): T => {
  servers.push(s);
  return s;
};

describe('request()', () => {
  it('reuses one connection for consecutive calls to the same host (keep-alive agent)', async () => {
    const s = track(await serve(json(200, { ok: true })));
    for (let i = 0; i < 3; i++) await request(`${s.url}/x`, { method: 'GET', timeout: 2000 });
    expect(s.seen).toHaveLength(3);
    expect(s.connections()).toBe(1);
  });

  it('asks for JSON, sends the body with its byte length, and keeps no secrets unless told', async () => {
    const s = track(await serve(json(200, {})));
    const body = 'name=Ünïcødé ✓';
    const res = await request(new URL(`${s.url}/form`), { method: 'POST', timeout: 2000, body });
    expect(s.seen[0]).toMatchObject({ method: 'POST', body });
    expect(s.seen[0]!.headers.accept).toBe('application/json');
    expect(s.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(s.seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(res.secrets).toEqual([]);
    expect(res.where()).toBe(`POST ${s.url}/form`);
  });

  it('refuses a protocol other than http and https without sending anything', async () => {
    const attempt = request('ftp://127.0.0.1/keys', { method: 'GET', timeout: 2000 });
    await expect(attempt).rejects.toBeInstanceOf(RobloxNetworkError);
    await expect(attempt).rejects.toThrow('Unsupported protocol for GET ftp://127.0.0.1/keys');
  });

  it('speaks TLS to an https URL: a server that hangs up mid-handshake is a network failure', async () => {
    // No trusted certificate exists here, so the https path is checked up to the handshake (plain http sent to
    // this port would be refused by Node before sending, as a configuration error).
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    const err = (await request(url, { method: 'GET', timeout: 2000 }).catch((e: unknown) => e)) as RobloxNetworkError;
    expect(err).toBeInstanceOf(RobloxNetworkError);
    expect(err.message).toMatch(new RegExp(`^GET ${url} failed: E[A-Z]+$`));
  });

  it('refuses a header value HTTP forbids (a stored token with a newline) without quoting it', async () => {
    const s = track(await serve(json(200, {})));
    const token = 'abc\r\nX-Injected: yes';
    const attempt = request(`${s.url}/userinfo`, { method: 'GET', timeout: 2000, headers: { authorization: `Bearer ${token}` } });
    await expect(attempt).rejects.toBeInstanceOf(RobloxConfigurationError);
    const err = (await attempt.catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`GET ${s.url}/userinfo was not sent: a token or credential contains characters that cannot go into an HTTP header`);
    expect(err.message).not.toContain('Injected');
    expect(s.seen).toHaveLength(0);
  });

  it('keeps the cause of a network failure (its code is in the message)', async () => {
    const s = await serve(json(200, {}));
    await s.close();
    const err = (await request(`${s.url}/gone`, { method: 'GET', timeout: 2000 }).catch((e: unknown) => e)) as RobloxNetworkError;
    expect(err).toBeInstanceOf(RobloxNetworkError);
    expect(err.message).toBe(`GET ${s.url}/gone failed: ECONNREFUSED`);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('accepts a body of exactly maxBytes, refuses one byte more with the answer\'s status', async () => {
    const s = track(await serve((_req, res) => {
      res.writeHead(203);
      res.end('x'.repeat(100));
    }));
    const ok = await request(`${s.url}/big`, { method: 'GET', timeout: 2000, maxBytes: 100 });
    expect(ok.body).toHaveLength(100);
    const err = (await request(`${s.url}/big`, { method: 'GET', timeout: 2000, maxBytes: 99 }).catch((e: unknown) => e)) as RobloxResponseError;
    expect(err).toBeInstanceOf(RobloxResponseError);
    expect(err.message).toBe(`GET ${s.url}/big answered more than 99 bytes`);
    expect(err.providerStatus).toBe(203);
  });

  it('reports a response cut off mid-body as a network failure, with its cause', async () => {
    const s = track(await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    }));
    const err = (await request(`${s.url}/cut`, { method: 'GET', timeout: 5000 }).catch((e: unknown) => e)) as RobloxNetworkError;
    expect(err).toBeInstanceOf(RobloxNetworkError);
    expect(err.message).toBe(`GET ${s.url}/cut failed while reading the response`);
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });
});

describe('getJson() and postForm()', () => {
  it('getJson sends a GET (named in its messages) and the bearer token', async () => {
    const s = track(await serve(() => undefined)); // never answers
    const err = (await getJson(`${s.url}/userinfo`, 100, 'access-token-1234').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RobloxTimeoutError);
    expect(err.message).toBe(`GET ${s.url}/userinfo did not answer within 100 ms`);
    expect(s.seen[0]).toMatchObject({ method: 'GET' });
    expect(s.seen[0]!.headers.authorization).toBe('Bearer access-token-1234');
  });

  it('redacts the bare client secret and the Basic credential\'s decoded form from echoed provider text', async () => {
    const credentials = { clientID: 'client-1234', clientSecret: 's3cret value/+' };
    const s = track(await serve((req, res) => {
      const decoded = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString('utf8');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: `secret ${credentials.clientSecret} pair ${decoded}` }));
    }));
    const err = (await postForm(`${s.url}/token`, credentials, { grant_type: 'client_credentials' }, 2000).catch((e: unknown) => e)) as RobloxOAuthError;
    expect(err).toBeInstanceOf(RobloxOAuthError);
    expect(err.errorDescription).toBe(`secret ${REDACTED} pair ${REDACTED}`);
  });

  it('redacts codes and tokens but keeps the public fields an echo repeats', async () => {
    const fields = {
      grant_type: 'authorization_code',
      code: 'the-code-1234',
      code_verifier: 'the-verifier-5678',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      scope: 'openid profile',
      token_type_hint: 'refresh_token',
      unused: undefined,
    };
    const s = track(await serve((_req, res, body) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: [...new URLSearchParams(body).values()].join(' | ') }));
    }));
    const err = (await postForm(`${s.url}/token`, { clientID: 'client-1234', clientSecret: 'secret-9876', authMethod: 'client_secret_post' }, fields, 2000)
      .catch((e: unknown) => e)) as RobloxOAuthError;
    expect(err.errorDescription).toBe(
      `authorization_code | ${REDACTED} | ${REDACTED} | http://127.0.0.1:3000/cb | openid profile | refresh_token | client-1234 | ${REDACTED}`,
    );
  });
});

describe('client authentication (withClientAuth)', () => {
  it('a public client (no secret, or an empty one) sends client_id in the body and no Authorization', () => {
    for (const clientSecret of [undefined, '']) {
      expect(withClientAuth({ clientID: 'pub', clientSecret }, { grant_type: 'refresh_token' })).toEqual({
        headers: {},
        fields: { grant_type: 'refresh_token', client_id: 'pub' },
      });
    }
  });

  it('client_secret_post sends both in the body, no Authorization', () => {
    expect(withClientAuth({ clientID: 'id', clientSecret: 'sec', authMethod: 'client_secret_post' }, { a: '1' })).toEqual({
      headers: {},
      fields: { a: '1', client_id: 'id', client_secret: 'sec' },
    });
  });

  it('client_secret_basic (the default) form-encodes both parts (RFC 6749 §2.3.1: a space is "+") and leaves the body alone', () => {
    const { headers, fields } = withClientAuth({ clientID: 'my id', clientSecret: 'a b:c/d' }, { a: '1' });
    expect(fields).toEqual({ a: '1' });
    expect(headers).toEqual({ authorization: `Basic ${Buffer.from('my+id:a+b%3Ac%2Fd').toString('base64')}` });
    expect(withClientAuth({ clientID: 'id', clientSecret: 's', authMethod: 'client_secret_basic' }, {}).headers.authorization).toBe(
      `Basic ${Buffer.from('id:s').toString('base64')}`,
    );
  });

  it('encodeForm leaves out undefined values', () => {
    expect(encodeForm({ a: '1', b: undefined, c: 'x y' })).toBe('a=1&c=x+y');
  });
});

describe('checkStatus()', () => {
  it('passes 2xx only: 300 is an error', () => {
    expect(() => checkStatus(response(299, ''))).not.toThrow();
    expect(() => checkStatus(response(300, ''))).toThrow(RobloxResponseError);
    expect(() => checkStatus(response(300, ''))).toThrow('POST https://provider.example/token answered HTTP 300');
  });

  it('an `error` that is not a string is not an OAuth error', () => {
    expect(() => checkStatus(response(400, JSON.stringify({ error: 5 })))).toThrow(RobloxResponseError);
  });

  const challenge = (header: string, secrets: string[] = [], status = 401) => {
    try {
      checkStatus(response(status, 'not json', { 'www-authenticate': header }, secrets));
    } catch (err) {
      return err as RobloxOAuthError | RobloxResponseError;
    }
    throw new Error(`checkStatus accepted a ${status}`);
  };

  it('reads RFC 6750 challenges on a 401 only', () => {
    expect(challenge('Bearer error="invalid_token"', [], 403)).toBeInstanceOf(RobloxResponseError);
    expect(challenge('Bearer error="invalid_token"')).toBeInstanceOf(RobloxOAuthError);
    expect(challenge('Bearer error="invalid_token"')).toMatchObject({ error: 'invalid_token' });
  });

  it('takes error and error_description, quoted (with escapes) or bare, from a Bearer challenge', () => {
    expect(challenge('Bearer realm="roblox", error="invalid_grant", error_description="the \\"grant\\" ended"')).toMatchObject({
      error: 'invalid_grant',
      errorDescription: 'the \\"grant\\" ended',
    });
    expect(challenge('Bearer error=insufficient_scope,error_description=more')).toMatchObject({ error: 'insufficient_scope', errorDescription: 'more' });
  });

  it('a Bearer challenge without error refuses the token: invalid_token', () => {
    expect(challenge('Bearer realm="roblox"')).toMatchObject({ error: 'invalid_token', errorDescription: undefined });
  });

  it('only a Bearer scheme is a Bearer challenge (leading whitespace allowed), in a list of challenges too', () => {
    expect(challenge('Basic realm="bearer"')).toBeInstanceOf(RobloxResponseError);
    expect(challenge('xBearer error="invalid_grant"')).toBeInstanceOf(RobloxResponseError);
    expect(challenge('Bearerx error="invalid_grant"')).toBeInstanceOf(RobloxResponseError);
    expect(challenge('  Bearer error="invalid_grant"')).toMatchObject({ error: 'invalid_grant' });
    expect(challenge('Bearer')).toMatchObject({ error: 'invalid_token' });
    expect(challenge('bearer,')).toMatchObject({ error: 'invalid_token' });
  });

  it('finds the Bearer challenge after another one: Node joins repeated WWW-Authenticate headers with ", "', async () => {
    expect(challenge('Basic realm="x", Bearer error="invalid_grant"')).toMatchObject({ error: 'invalid_grant' });
    expect(challenge('Basic realm="x",\tbearer error=insufficient_scope')).toMatchObject({ error: 'insufficient_scope' });
    // Not a scheme: a parameter of the Digest challenge, and a comma inside a quoted string.
    expect(challenge('Basic realm="x", Digest bearer="no"')).toBeInstanceOf(RobloxResponseError);
    expect(challenge('Basic realm="a, Bearer error=\\"invalid_grant\\""')).toBeInstanceOf(RobloxResponseError);
    expect(challenge('Basic realm="a\\", Bearer error=x"')).toBeInstanceOf(RobloxResponseError);
    // Quoted strings end where they end: an empty one, one with an escaped quote; a scheme needs a comma before it.
    expect(challenge('Basic realm="", Bearer error="invalid_grant"')).toMatchObject({ error: 'invalid_grant' });
    expect(challenge('Basic realm="a\\"b", Bearer error="invalid_grant"')).toMatchObject({ error: 'invalid_grant' });
    expect(challenge('Basic realm="x" Bearer error="invalid_grant"')).toBeInstanceOf(RobloxResponseError);
    // The Bearer challenge's own parameters only, not those of the challenge before it.
    expect(challenge('Basic error="invalid_request", Bearer realm="roblox"')).toMatchObject({ error: 'invalid_token' });

    // Over real HTTP: two WWW-Authenticate headers on one 401.
    const s = track(await serve((_req, res) => {
      res.writeHead(401, [['WWW-Authenticate', 'Basic realm="roblox"'], ['WWW-Authenticate', 'Bearer error="invalid_token"']]);
      res.end();
    }));
    await expect(getJson(`${s.url}/userinfo`, 2000, 'at')).rejects.toMatchObject({ name: 'RobloxOAuthError', error: 'invalid_token' });
  });

  it('reads attribute names in any case (RFC 7235: auth-param names are case-insensitive)', () => {
    expect(challenge('Bearer ERROR="insufficient_scope", Error_Description="more scopes"')).toMatchObject({ error: 'insufficient_scope', errorDescription: 'more scopes' });
  });

  it('reads attributes within the first 4,096 characters of the challenge only', () => {
    expect(challenge(`Bearer realm="${'r'.repeat(5000)}", error="invalid_grant"`)).toMatchObject({ error: 'invalid_token' });
  });

  it('redacts the request\'s secrets from a challenge\'s description', () => {
    expect(challenge('Bearer error="invalid_token", error_description="token abcd-1234 is dead"', ['abcd-1234']))
      .toMatchObject({ errorDescription: `token ${REDACTED} is dead` });
  });
});

describe('URLs', () => {
  it('describeURL drops the query and fragment, from a string or a URL', () => {
    expect(describeURL('http://127.0.0.1:8080/oauth/v1/token?code=secret#x')).toBe('http://127.0.0.1:8080/oauth/v1/token');
    expect(describeURL(new URL('https://apis.roblox.com/oauth/v1/userinfo?t=1'))).toBe('https://apis.roblox.com/oauth/v1/userinfo');
  });

  it('isLoopbackHost: localhost, 127.0.0.0/8 and ::1 (bracketed or not), nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.22.255', '::1', '[::1]']) expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    for (const host of ['app.localhost', 'x127.0.0.1', '127.0.0.1.evil.example', '127.0.0.1234', '128.0.0.1', '::2', '[::2]', 'example.com', '']) {
      expect([host, isLoopbackHost(host)]).toEqual([host, false]);
    }
  });
});
