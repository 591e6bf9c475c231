// Phase "scaleout" of `npm run bench`: 3 app instances (apps/cluster.cjs) on one redis-server (sessions on
// connect-redis), the emulator in its own process with a provider latency on the token endpoint. Measured, each
// by the thing that sees it: refresh calls per user per expiry (the emulator's counter), users asked to sign in
// again (401s) and errors (the load generator), the latency of each request by what it did about the refresh
// (the app's X-Bench-Role header), and Redis commands per request (the server's INFO commandstats).
// Run twice: with the in-process coordinator (the "before" row) and with the Redis coordinator.
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createClient } from 'redis';
import { startChild } from './lib/children.mjs';
import { createAgent, login, request } from './lib/load.mjs';
import { percentile } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const { startRedisServer, hasRedisServer, REDIS_SERVER_MISSING, freePort } = require('../scripts/redis-server.js');

const INSTANCES = 3;

/** Calls per command since the server started (INFO commandstats), without INFO itself. */
async function commandStats(redis) {
  const text = await redis.sendCommand(['INFO', 'commandstats']);
  const stats = {};
  for (const [, name, calls] of text.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) if (name !== 'info') stats[name] = Number(calls);
  return stats;
}

const diff = (after, before) => {
  const d = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) d[k] = v - (before[k] ?? 0);
  return d;
};
const total = (stats) => Object.values(stats).reduce((a, b) => a + b, 0);

/**
 * Runs the phase. `cfg`: users, requests per user, expiries, provider latency (ms), quiet expiries.
 * Returns { latencyMs, runs: [{ coordinator, ... }] }.
 */
export async function scaleoutPhase({ cfg, log, here }) {
  if (!hasRedisServer()) throw new Error(`scaleout phase: ${REDIS_SERVER_MISSING}`);
  const server = await startRedisServer();
  const probe = createClient({ url: server.url });
  probe.on('error', () => undefined);
  await probe.connect();
  const results = { latencyMs: cfg.latencyMs, users: cfg.users, requestsPerUser: cfg.requestsPerUser, expiries: cfg.expiries, quietExpiries: cfg.quietExpiries, runs: [] };
  try {
    for (const coordinator of ['in-process', 'redis']) {
      results.runs.push(await oneRun({ coordinator, cfg, log, here, redisURL: server.url, probe }));
    }
  } finally {
    await probe.quit().catch(() => undefined);
    await server.stop();
  }
  return results;
}

async function oneRun({ coordinator, cfg, log, here, redisURL, probe }) {
  // The Redis coordinator runs with the grant revoked on refresh-token reuse (the strict case); the in-process
  // one without (as first measured in issue 10), so that its users are not all signed out at the first expiry.
  const revokeOnRefreshReuse = coordinator === 'redis';
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const client = { clientId: 'bench-cluster', clientSecret: crypto.randomBytes(24).toString('base64url') };
  const children = [];
  await probe.sendCommand(['FLUSHALL']);
  try {
    const emu = await startChild(path.join(here, 'emulator-process.mjs'), {
      name: 'emulator (scaleout)',
      env: {
        BENCH_EMULATOR_OPTIONS: JSON.stringify({
          port: 0, host: '127.0.0.1', autoApprove: true, revokeOnRefreshReuse,
          clients: [{ ...client, name: 'Benchmark cluster', redirectUris: ports.map((p) => `http://127.0.0.1:${p}/auth/roblox/callback`) }],
        }),
      },
    });
    children.push(emu);
    const secret = crypto.randomBytes(32).toString('hex');
    const instances = [];
    for (let i = 0; i < INSTANCES; i++) {
      const app = await startChild(path.join(here, 'apps', 'cluster.cjs'), {
        name: `cluster-${i}`,
        env: {
          BENCH_APP_PORT: String(ports[i]), BENCH_ISSUER: emu.info.issuer, BENCH_CLIENT_ID: client.clientId, BENCH_CLIENT_SECRET: client.clientSecret,
          BENCH_REDIS_URL: redisURL, BENCH_REDIS_SECRET: secret, BENCH_COORDINATOR: coordinator, BENCH_INSTANCE: String(i),
        },
      });
      children.push(app);
      app.url = new URL(`http://127.0.0.1:${ports[i]}/`);
      instances.push(app);
    }
    const providerOrigin = new URL(emu.info.url).origin;
    const expectedSub = emu.info.users[0].sub;
    log(`scaleout (${coordinator} coordinator): ${INSTANCES} instances (pids ${instances.map((a) => a.pid).join(', ')}), emulator pid ${emu.pid}, revoke on reuse ${revokeOnRefreshReuse}`);

    // Sign the users in (each through the next instance; the session cookie is sent to every instance).
    const cookies = [];
    const loginAgent = createAgent(1);
    for (let u = 0; u < cfg.users; u++) {
      const app = instances[u % INSTANCES];
      const r = await login({ agent: loginAgent, appURL: app.url, providerOrigin, expectedSub });
      if (!r.ok) throw new Error(`scaleout: login ${u} failed (${r.reason})`);
      cookies.push(r.user.jar(app.url.origin).header());
    }
    loginAgent.destroy();

    const agent = createAgent(cfg.users * cfg.requestsPerUser);
    const get = async (u, i) => {
      const url = new URL('/fresh', instances[(u + i) % INSTANCES].url);
      const t0 = performance.now();
      try {
        const res = await request(agent, url, { headers: { cookie: cookies[u] } });
        return { status: res.status, role: res.headers['x-bench-role'] ?? '-', ms: performance.now() - t0 };
      } catch {
        return { status: 0, role: '-', ms: performance.now() - t0 };
      }
    };
    const burst = (users) => Promise.all(users.flatMap((u) => Array.from({ length: cfg.requestsPerUser }, (_, i) => get(u, i))));
    const everyone = Array.from({ length: cfg.users }, (_, u) => u);
    // Users whose session no longer holds tokens (a losing process erased them): their Roblox connection is gone.
    const erased = new Set();
    const expire = async (users) => {
      for (const u of users) {
        const res = await request(agent, new URL('/bench/expire-tokens', instances[u % INSTANCES].url), { method: 'POST', headers: { cookie: cookies[u] } });
        if (res.status === 409 || res.status === 401) erased.add(u);
        else if (res.status !== 200) throw new Error(`scaleout: expiring user ${u}'s tokens answered ${res.status}`);
      }
    };

    // Fresh tokens: the commands a request costs when nothing needs refreshing.
    await burst(everyone);
    const f0 = await commandStats(probe);
    const fresh = await burst(everyone);
    const freshCommands = diff(await commandStats(probe), f0);

    // Expiries under load: every user's token expired, then users × requests at once, spread over the instances.
    await emu.call('setLatency', 'token', cfg.latencyMs);
    const expiries = [];
    for (let e = 0; e < cfg.expiries; e++) {
      await expire(everyone);
      await emu.call('resetCounters');
      const s0 = await commandStats(probe);
      const answers = await burst(everyone);
      const commands = diff(await commandStats(probe), s0);
      const c = await emu.call('counters');
      expiries.push({ answers, tokenCalls: c.token, commands });
    }
    // Quiet expiries: one user, the same requests at once, several times (the waiting time without queueing);
    // and, as the baseline of what any such request costs here, the same bursts with a fresh token.
    const quiet = [];
    const quietFresh = [];
    for (let e = 0; e < cfg.quietExpiries; e++) {
      quietFresh.push(...(await burst([0])));
      await expire([0]);
      quiet.push(...(await burst([0])));
    }
    await emu.call('setLatency', 'token', 0);
    // Is every grant still alive? One more expiry, one request per user.
    await expire(everyone);
    const last = await Promise.all(everyone.map((u) => get(u, 0)));
    agent.destroy();

    const all = expiries.flatMap((x) => x.answers);
    const byRole = (answers) => {
      const out = {};
      for (const a of answers.filter((x) => x.status === 200)) (out[a.role] ??= []).push(a.ms);
      return Object.fromEntries(Object.entries(out).map(([role, ms]) => [role, { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99) }]));
    };
    const run = {
      coordinator,
      revokeOnRefreshReuse,
      tokenCalls: expiries.map((x) => x.tokenCalls),
      signedOut: expiries.map((x) => x.answers.filter((a) => a.status === 401).length),
      errors: expiries.map((x) => x.answers.filter((a) => a.status !== 200 && a.status !== 401).length),
      usersSignedOut: expiries.map((x) => new Set(x.answers.map((a, i) => (a.status === 401 ? Math.floor(i / cfg.requestsPerUser) : -1)).filter((u) => u >= 0)).size),
      // Users whose Roblox connection is gone after the run: tokens erased, or a last request refused.
      grantsLost: new Set([...erased, ...everyone.filter((u) => last[u].status !== 200)]).size,
      roles: byRole(all),
      quietRoles: byRole(quiet),
      quietFresh: byRole(quietFresh).none,
      freshRequests: fresh.length,
      freshFailed: fresh.filter((a) => a.status !== 200).length,
      freshCommands,
      expiryRequests: all.length,
      expiryCommands: expiries.reduce((acc, x) => {
        for (const [k, v] of Object.entries(x.commands)) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {}),
    };
    run.freshCommandsPerRequest = total(freshCommands) / fresh.length;
    run.expiryCommandsPerRequest = total(run.expiryCommands) / all.length;
    log(
      `scaleout (${coordinator}): token calls per expiry ${run.tokenCalls.join('/')} for ${cfg.users} users; 401s ${run.signedOut.join('/')}; errors ${run.errors.join('/')}; ` +
        `grants lost ${run.grantsLost}; Redis commands per request fresh ${run.freshCommandsPerRequest.toFixed(2)}, at expiry ${run.expiryCommandsPerRequest.toFixed(2)}; ` +
        `roles ${Object.entries(run.roles).map(([r, s]) => `${r} ${s.n} p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)}`).join(', ')}`,
    );
    return run;
  } finally {
    for (const ch of children.reverse()) {
      await ch.call('close').catch(() => undefined);
      await ch.stop().catch(() => undefined);
    }
  }
}
