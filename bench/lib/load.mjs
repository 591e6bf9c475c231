// The load generator: node:http with a keep-alive agent, one cookie jar per virtual user, redirects followed by
// hand, every login checked to have really signed the user in.
import http from 'node:http';

/** A keep-alive agent for one measured run (a fresh one per run: no idle socket outlives a run). */
export function createAgent(concurrency) {
  return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

/** One HTTP exchange; resolves with status, headers and the body as text. */
export function request(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Cookies of one origin, as a browser would keep them (name → value; deletions honoured). */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  store(setCookie) {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.trim().split('=');
        const key = k.toLowerCase();
        return (key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v) <= Date.now());
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A browser-like session: a cookie jar per origin, requests through one agent. */
export class VirtualUser {
  constructor(agent) {
    this.agent = agent;
    this.jars = new Map();
  }

  jar(origin) {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new CookieJar()));
    return jar;
  }

  async send(url, options = {}) {
    const jar = this.jar(url.origin);
    const headers = { ...options.headers };
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    const res = await request(this.agent, url, { ...options, headers });
    jar.store(res.headers['set-cookie']);
    return res;
  }
}

class LoginFailure extends Error {}

function expectRedirect(step, res, base) {
  if (res.status < 300 || res.status > 399 || !res.headers.location) {
    throw new LoginFailure(`${step}: HTTP ${res.status} instead of a redirect`);
  }
  return new URL(res.headers.location, base);
}

/**
 * One complete login, as a browser does it: app /auth/roblox → provider authorize (auto-approved) → app
 * callback → the page the app redirects to, which must show the expected user ID.
 * Resolves `{ ok: true, callbackMs, user }` or `{ ok: false, reason }`; never throws.
 */
export async function login({ agent, appURL, providerOrigin, expectedSub }) {
  const user = new VirtualUser(agent);
  try {
    const start = new URL('/auth/roblox', appURL);
    const toProvider = expectRedirect('start', await user.send(start), start);
    if (toProvider.origin !== providerOrigin) throw new LoginFailure(`start: redirected to ${toProvider.origin}, not the provider`);

    const toCallback = expectRedirect('authorize', await user.send(toProvider), toProvider);
    if (toCallback.origin !== appURL.origin || toCallback.pathname !== '/auth/roblox/callback') {
      throw new LoginFailure(`authorize: redirected to ${toCallback.origin}${toCallback.pathname}, not the app's callback`);
    }
    if (!toCallback.searchParams.has('code')) {
      throw new LoginFailure(`authorize: no code (error=${toCallback.searchParams.get('error')})`);
    }

    const t0 = performance.now();
    const callbackRes = await user.send(toCallback);
    const callbackMs = performance.now() - t0;
    const landing = expectRedirect('callback', callbackRes, toCallback);
    if (landing.origin !== appURL.origin || landing.pathname !== '/') {
      throw new LoginFailure(`callback: redirected to ${landing.pathname} (login refused)`);
    }

    const page = await user.send(landing);
    if (page.status !== 200) throw new LoginFailure(`home: HTTP ${page.status}`);
    if (!page.body.includes(`signed in as <b>${expectedSub}</b>`)) throw new LoginFailure('home: the page does not show the signed-in user');
    return { ok: true, callbackMs, user };
  } catch (err) {
    return { ok: false, reason: err instanceof LoginFailure ? err.message : `network: ${err.code ?? err.message}` };
  }
}

/** Runs `count` jobs with `concurrency` workers; `job(i)` is awaited per item. Returns elapsed ms. */
export async function pool(count, concurrency, job) {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return performance.now() - t0;
}

/**
 * `count` logins at a fixed concurrency, each a fresh virtual user. Returns successes, failures by reason,
 * callback latencies (ms) of the successful logins, and the elapsed wall time.
 */
export async function runLogins({ appURL, providerOrigin, expectedSub, count, concurrency }) {
  const agent = createAgent(concurrency);
  const latencies = [];
  const failures = new Map();
  try {
    const elapsedMs = await pool(count, concurrency, async () => {
      const r = await login({ agent, appURL, providerOrigin, expectedSub });
      if (r.ok) latencies.push(r.callbackMs);
      else failures.set(r.reason, (failures.get(r.reason) ?? 0) + 1);
    });
    return { ok: latencies.length, failed: count - latencies.length, failures, latencies, elapsedMs };
  } finally {
    agent.destroy();
  }
}

/**
 * `count` GETs of one URL with one user's cookies at a fixed concurrency; each must answer `expectStatus`.
 */
export async function runRequests({ url, cookie, count, concurrency, expectStatus = 200 }) {
  const agent = createAgent(concurrency);
  const failures = new Map();
  let ok = 0;
  try {
    const elapsedMs = await pool(count, concurrency, async () => {
      try {
        const res = await request(agent, url, { headers: { cookie } });
        if (res.status === expectStatus) ok++;
        else failures.set(`HTTP ${res.status}`, (failures.get(`HTTP ${res.status}`) ?? 0) + 1);
      } catch (err) {
        const reason = `network: ${err.code ?? err.message}`;
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    });
    return { ok, failed: count - ok, failures, elapsedMs };
  } finally {
    agent.destroy();
  }
}
