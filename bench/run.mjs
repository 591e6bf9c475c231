#!/usr/bin/env node
// `npm run bench`: complete "Sign in with Roblox" logins against the local emulator, for four contenders, each
// app in its own process; the emulator in another (driven over IPC); the load generator here.
// Every figure is measured in this run; ratios compare figures of this run only. See bench/README.md.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/children.mjs';
import { createAgent, login, request, runLogins, runRequests } from './lib/load.mjs';
import { clockTicks, machineBusyMs, procAvailable, procCpuMs } from './lib/proc-cpu.mjs';
import { formatProfile, summarizeProfile } from './lib/profile.mjs';
import { percentile } from './lib/stats.mjs';
import { writeReport } from './lib/report.mjs';
import { scaleoutPhase } from './scaleout.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// ---- configuration -------------------------------------------------------------------------------------------
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const profile = env.BENCH_PROFILE === '1';
const int = (name, full, fast) => {
  const v = env[name];
  if (v === undefined || v === '') return quick ? fast : full;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const cfg = {
  rounds: int('BENCH_ROUNDS', 5, 2),
  logins: int('BENCH_LOGINS', 800, 60),
  warmup: int('BENCH_WARMUP', 100, 20),
  concurrency: int('BENCH_CONCURRENCY', 8, 8),
  coldLogins: int('BENCH_COLD_LOGINS', 1000, 100),
  latencyMs: int('BENCH_LATENCY_MS', 50, 50),
  latencyRounds: int('BENCH_LATENCY_ROUNDS', 3, 1),
  latencyLogins: int('BENCH_LATENCY_LOGINS', 200, 24),
  epsilonLogins: int('BENCH_EPSILON_LOGINS', 100, 20),
  requests: int('BENCH_REQUESTS', 2000, 600),
  refreshRounds: int('BENCH_REFRESH_ROUNDS', 16, 2),
  burst: int('BENCH_REFRESH_BURST', 50, 50),
  scaleoutUsers: int('BENCH_SCALEOUT_USERS', 20, 20),
  scaleoutRequests: int('BENCH_SCALEOUT_REQUESTS', 12, 12),
  scaleoutExpiries: int('BENCH_SCALEOUT_EXPIRIES', 3, 1),
  scaleoutQuiet: int('BENCH_SCALEOUT_QUIET', 10, 3),
};
const ALL_CONTENDERS = ['ours', 'ours-http', 'openid-client', 'floor'];
const contenders = (env.BENCH_CONTENDERS ?? ALL_CONTENDERS.join(',')).split(',').filter(Boolean);
for (const c of contenders) if (!ALL_CONTENDERS.includes(c)) throw new Error(`unknown contender ${c} (have ${ALL_CONTENDERS.join(', ')})`);
const phases = new Set((env.BENCH_PHASES ?? (profile ? 'logins' : 'cold,logins,latency,refresh,scaleout')).split(',').filter(Boolean));
// BENCHMARKS.md is written by complete runs only: not in quick or profile mode, nor for a subset of phases or contenders.
const partial = env.BENCH_PHASES !== undefined || env.BENCH_CONTENDERS !== undefined;
const outFile = env.BENCH_OUT ?? (quick || profile || partial ? 'none' : path.join(root, 'BENCHMARKS.md'));
const APP_FILES = { ours: 'apps/ours.cjs', 'ours-http': 'apps/ours-http.cjs', 'openid-client': 'apps/openid-client.mjs', floor: 'apps/floor.cjs' };
// Profile mode: V8's sampling interval in µs (node --cpu-prof-interval; V8's default is 1000).
const profileInterval = int('BENCH_PROFILE_INTERVAL', 250, 250);

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// ---- helpers ---------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const useProc = procAvailable();
/** CPU ms of an app process: /proc utime+stime when available, else the child's own process.cpuUsage(). */
async function cpuMs(app) {
  if (useProc) return procCpuMs(app.pid);
  const u = await app.call('cpuUsage');
  return (u.user + u.system) / 1000;
}

/**
 * CPU of every process of ours (by pid, plus this one) and of the whole machine, to compute per-process CPU of
 * a run and how much CPU other processes on the machine took meanwhile. Only where /proc exists.
 */
function snapshot(children) {
  const self = process.cpuUsage();
  const snap = { at: performance.now(), self: (self.user + self.system) / 1000, pids: {} };
  if (!useProc) return snap;
  for (const ch of children) {
    try {
      snap.pids[ch.pid] = procCpuMs(ch.pid);
    } catch {
      /* exited */
    }
  }
  snap.busy = machineBusyMs();
  return snap;
}

/** Per-run CPU from two snapshots: ms of a pid, of this process, and cores used by everything else. */
function cpuBetween(a, b) {
  const pid = (p) => (b.pids[p] ?? NaN) - (a.pids[p] ?? NaN);
  const self = b.self - a.self;
  let ours = self;
  for (const p of Object.keys(b.pids)) if (a.pids[p] !== undefined) ours += b.pids[p] - a.pids[p];
  const otherCores = b.busy !== undefined ? Math.max(0, b.busy - a.busy - ours) / (b.at - a.at) : NaN;
  return { pid, self, otherCores };
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const sumCounters = (into, c) => {
  for (const [k, v] of Object.entries(c)) into[k] = (into[k] ?? 0) + v;
  return into;
};
const failuresText = (map) => [...map].map(([reason, n]) => `${n}× ${reason}`).join('; ');

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model.trim(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    clockTicks: useProc ? clockTicks() : undefined,
    cpuSource: useProc ? `/proc/<pid>/stat utime+stime (CLK_TCK ${clockTicks()})` : 'process.cpuUsage() of the app, over IPC',
  };
}

// ---- the run ---------------------------------------------------------------------------------------------------
async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'emulator', 'index.mjs')) || !fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const profileDir = path.join(here, 'profiles');
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  if (profile) fs.mkdirSync(profileDir, { recursive: true });

  const ports = {};
  for (const c of contenders) ports[c] = await freePort();
  const client = { clientId: 'bench-app', clientSecret: crypto.randomBytes(24).toString('base64url') };
  const emulatorOptions = {
    port: 0,
    host: '127.0.0.1',
    autoApprove: true,
    clients: [{ ...client, name: 'Benchmark', redirectUris: contenders.map((c) => `http://127.0.0.1:${ports[c]}/auth/roblox/callback`) }],
  };
  const children = [];
  const stopAll = async () => {
    for (const ch of children.reverse()) await ch.stop().catch(() => {});
  };
  process.once('SIGINT', () => {
    for (const ch of children) ch.child.kill('SIGKILL');
    process.exit(130);
  });

  try {
    const emu = await startChild(path.join(here, 'emulator-process.mjs'), {
      name: 'emulator',
      env: { BENCH_EMULATOR_OPTIONS: JSON.stringify(emulatorOptions) },
    });
    children.push(emu);
    const providerOrigin = new URL(emu.info.url).origin;
    const expectedSub = emu.info.users[0].sub;
    log(`emulator ${emu.info.issuer} (pid ${emu.pid}); logins sign in as user ${expectedSub}`);

    const results = { cfg, contenders, phases: [...phases], machine: machine(), startedAt, quick, profile, env: benchEnv() };
    const apps = {};
    const counters = Object.fromEntries(contenders.map((c) => [c, { logins: 0 }]));

    const startApp = async (name) => {
      const execArgv = ['--expose-gc'];
      if (profile) {
        execArgv.push('--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}.${stamp}.cpuprofile`, '--cpu-prof-interval', String(profileInterval));
      }
      const app = await startChild(path.join(here, APP_FILES[name]), {
        name,
        execArgv,
        env: { BENCH_APP_PORT: String(ports[name]), BENCH_ISSUER: emu.info.issuer, BENCH_CLIENT_ID: client.clientId, BENCH_CLIENT_SECRET: client.clientSecret },
      });
      children.push(app);
      app.url = new URL(`http://127.0.0.1:${ports[name]}/`);
      log(`${name} app listening on ${app.url.origin} (pid ${app.pid})`);
      return app;
    };

    /** Logins against one app with the emulator counters attributed to it. */
    const logins = async (name, count, concurrency = cfg.concurrency) => {
      await emu.call('resetCounters');
      const r = await runLogins({ appURL: apps[name].url, providerOrigin, expectedSub, count, concurrency });
      const c = await emu.call('counters');
      sumCounters(counters[name], c);
      counters[name].logins += count;
      if (r.failed) log(`  ${name}: ${r.failed} login(s) FAILED: ${failuresText(r.failures)}`);
      return { ...r, counters: c };
    };

    /** One measured run: warm-up, then `count` logins with the app's CPU read before and after. */
    const measuredRun = async (name, count, warmup) => {
      await apps[name].call('settle');
      const warm = warmup ? await logins(name, warmup) : { failed: 0, failures: new Map() };
      const cpu0 = await cpuMs(apps[name]);
      const s0 = snapshot(children);
      const r = await logins(name, count);
      const s1 = snapshot(children);
      const cpu1 = await cpuMs(apps[name]);
      const seconds = r.elapsedMs / 1000;
      const between = cpuBetween(s0, s1);
      return {
        emulatorCpuMsPerLogin: between.pid(emu.pid) / count,
        loadCpuMsPerLogin: between.self / count,
        otherCores: between.otherCores,
        contender: name,
        logins: r.ok,
        failed: r.failed + warm.failed,
        failures: failuresText(new Map([...warm.failures, ...r.failures])),
        seconds,
        lps: r.ok / seconds,
        cpuMsPerLogin: (cpu1 - cpu0) / count,
        cpuMs: cpu1 - cpu0,
        p50: percentile(r.latencies, 50),
        p99: percentile(r.latencies, 99),
        calls: r.counters,
      };
    };

    // Phase "cold": each app starts fresh and does cfg.coldLogins logins; the emulator counts every provider call
    // from the app's first breath (discovery at startup included). Doubles as the apps' warm-up.
    results.cold = {};
    for (const name of contenders) {
      await emu.call('resetCounters');
      apps[name] = await startApp(name);
      const startup = await emu.call('counters');
      sumCounters(counters[name], startup);
      if (phases.has('cold')) {
        const r = await logins(name, cfg.coldLogins);
        const total = sumCounters(sumCounters({}, startup), r.counters);
        // Every login must have left a session with the user and the TokenSet: the same work by every contender.
        const sessions = await apps[name].call('sessions');
        results.cold[name] = { logins: cfg.coldLogins, ok: r.ok, failed: r.failed, failures: failuresText(r.failures), calls: total, sessions };
        log(
          `cold ${name}: ${r.ok}/${cfg.coldLogins} logins; discovery ${total.discovery}, jwks ${total.jwks}, token ${total.token}, userinfo ${total.userinfo}; ` +
            `sessions ${sessions.total}, with a user ${sessions.user}, with a TokenSet ${sessions.tokens}`,
        );
      }
    }

    // Phase "logins": alternating rounds at no added latency.
    results.runs = [];
    if (phases.has('logins')) {
      for (let round = 0; round < cfg.rounds; round++) {
        for (const name of rotate(contenders, round)) {
          const run = await measuredRun(name, cfg.logins, cfg.warmup);
          run.round = round + 1;
          results.runs.push(run);
          log(
            `round ${round + 1}/${cfg.rounds} ${name.padEnd(13)} ${run.logins} logins ${run.lps.toFixed(0)}/s, ` +
              `${run.cpuMsPerLogin.toFixed(2)} ms CPU/login, callback p50 ${run.p50.toFixed(1)} ms p99 ${run.p99.toFixed(1)} ms` +
              (Number.isFinite(run.otherCores) ? `, other processes ${run.otherCores.toFixed(2)} cores` : '') +
              (run.failed ? `, ${run.failed} FAILED` : ''),
          );
        }
      }
    }

    // Phase "latency": every emulator response delayed by cfg.latencyMs. ε, the callback's own processing time,
    // is measured first: the callback p50 at concurrency 1 with no added latency.
    results.latency = { ms: cfg.latencyMs, epsilon: {}, runs: [] };
    if (phases.has('latency')) {
      for (const name of contenders) {
        const r = await logins(name, cfg.epsilonLogins, 1);
        results.latency.epsilon[name] = percentile(r.latencies, 50);
        log(`epsilon ${name}: callback p50 ${results.latency.epsilon[name].toFixed(2)} ms at concurrency 1, no added latency`);
      }
      await emu.call('setLatency', '*', cfg.latencyMs);
      try {
        for (let round = 0; round < cfg.latencyRounds; round++) {
          for (const name of rotate(contenders, round)) {
            const run = await measuredRun(name, cfg.latencyLogins, Math.min(cfg.warmup, 16));
            run.round = round + 1;
            results.latency.runs.push(run);
            log(
              `latency ${cfg.latencyMs} ms round ${round + 1}/${cfg.latencyRounds} ${name.padEnd(13)} ${run.logins} logins ${run.lps.toFixed(0)}/s, ` +
                `callback p50 ${run.p50.toFixed(1)} ms p99 ${run.p99.toFixed(1)} ms` + (run.failed ? `, ${run.failed} FAILED` : ''),
            );
          }
        }
      } finally {
        await emu.call('setLatency', '*', 0);
      }
    }

    // Phase "refresh": refreshTokens() with a fresh token vs the same route without it, then a burst of
    // concurrent requests that all need a refresh.
    if (phases.has('refresh') && apps.ours) {
      await apps.ours.call('settle');
      results.refresh = await refreshPhase({ app: apps.ours, emu, providerOrigin, expectedSub, children });
    }

    // Phase "scaleout": 3 instances on one Redis, before (in-process coordination) and after (Redis coordinator).
    if (phases.has('scaleout')) {
      results.scaleout = await scaleoutPhase({
        cfg: { users: cfg.scaleoutUsers, requestsPerUser: cfg.scaleoutRequests, expiries: cfg.scaleoutExpiries, quietExpiries: cfg.scaleoutQuiet, latencyMs: cfg.latencyMs },
        log,
        here,
      });
    }

    results.counters = counters;
    results.seconds = (performance.now() - t0) / 1000;

    await stopAll();

    // The raw figures, for the record and for re-rendering (`node bench/run.mjs --report <file>`).
    const rawDir = path.join(here, 'results');
    fs.mkdirSync(rawDir, { recursive: true });
    const rawFile = path.join(rawDir, `${stamp}.json`);
    fs.writeFileSync(rawFile, JSON.stringify(results, null, 1));
    log(`raw results in ${path.relative(process.cwd(), rawFile)}`);

    const markdown = writeReport(results, outFile === 'none' ? undefined : outFile);
    process.stdout.write(markdown);
    if (outFile !== 'none') log(`results written to ${path.relative(process.cwd(), outFile) || outFile}`);

    if (profile) {
      // Every login an app did (cold, warm-up, measured) is in its profile: µs per login = profile time ÷ that count.
      const suffix = `.${stamp}.cpuprofile`;
      const files = fs.readdirSync(profileDir).filter((f) => f.endsWith(suffix));
      const text = files
        .map((f) => formatProfile(summarizeProfile(path.join(profileDir, f), 30, 12, { logins: counters[f.slice(0, -suffix.length)]?.logins })))
        .join('\n\n');
      const summaryFile = path.join(profileDir, `summary.${stamp}.txt`);
      fs.writeFileSync(summaryFile, `${text}\n`);
      process.stdout.write(`\n## CPU profiles (node --cpu-prof)\n\n\`\`\`\n${text}\n\`\`\`\n`);
      log(`profiles in ${path.relative(process.cwd(), profileDir)} (summary: ${path.basename(summaryFile)})`);
    }
    log(`done in ${results.seconds.toFixed(0)} s`);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function refreshPhase({ app, emu, providerOrigin, expectedSub, children }) {
  const agent = createAgent(1);
  const signedIn = await login({ agent, appURL: app.url, providerOrigin, expectedSub });
  agent.destroy();
  if (!signedIn.ok) throw new Error(`refresh phase: could not sign in (${signedIn.reason})`);
  const cookie = signedIn.user.jar(app.url.origin).header();
  const routes = ['plain', 'fresh', 'noop'];
  const url = Object.fromEntries(routes.map((r) => [r, new URL(`/${r}`, app.url)]));

  await emu.call('resetCounters');
  for (const route of routes) await runRequests({ url: url[route], cookie, count: Math.min(cfg.requests, 1000), concurrency: cfg.concurrency });
  const runs = [];
  for (let round = 0; round < cfg.refreshRounds; round++) {
    for (const route of rotate(routes, round)) {
      // Runs here are short (many rounds, finely interleaved, to pair each /fresh with a /plain under the same
      // machine load), so CPU comes from the app's own process.cpuUsage() (µs), not /proc (10 ms ticks).
      const u0 = await app.call('cpuUsage');
      const s0 = snapshot(children);
      const r = await runRequests({ url: url[route], cookie, count: cfg.requests, concurrency: cfg.concurrency });
      const s1 = snapshot(children);
      const u1 = await app.call('cpuUsage');
      const cpuUs = u1.user + u1.system - u0.user - u0.system;
      const run = {
        round: round + 1, route, ok: r.ok, failed: r.failed, failures: failuresText(r.failures), seconds: r.elapsedMs / 1000,
        rps: r.ok / (r.elapsedMs / 1000), cpuUsPerRequest: cpuUs / cfg.requests, otherCores: cpuBetween(s0, s1).otherCores,
      };
      runs.push(run);
      log(`refresh round ${round + 1}/${cfg.refreshRounds} /${route.padEnd(5)} ${r.ok} requests ${run.rps.toFixed(0)}/s, ${run.cpuUsPerRequest.toFixed(0)} µs CPU/request` + (r.failed ? `, ${r.failed} FAILED: ${run.failures}` : ''));
    }
  }
  const providerCallsDuringOverhead = await emu.call('counters');
  const micro = await app.call('microRefresh');
  log(`refreshTokens() in-process: ${((micro.middlewareNs - micro.baselineNs) / 1000).toFixed(2)} µs CPU per call over a no-op middleware`);

  // The burst: the stored access token is made to look expired, then `burst` requests arrive at once.
  const bursts = [];
  for (const latency of [0, cfg.latencyMs]) {
    await emu.call('setLatency', 'token', latency);
    try {
      const expireAgent = createAgent(1);
      const expire = await request(expireAgent, new URL('/bench/expire-tokens', app.url), { method: 'POST', headers: { cookie } });
      expireAgent.destroy();
      if (expire.status !== 200) throw new Error(`refresh phase: /bench/expire-tokens answered ${expire.status}`);
      await emu.call('resetCounters');
      const burstAgent = createAgent(cfg.burst);
      const answers = await Promise.all(
        Array.from({ length: cfg.burst }, () => request(burstAgent, url.fresh, { headers: { cookie } }).catch((err) => ({ status: 0, body: String(err.code ?? err.message) }))),
      );
      burstAgent.destroy();
      const c = await emu.call('counters');
      const ok = answers.filter((a) => a.status === 200);
      const sets = new Set(ok.map((a) => JSON.parse(a.body).expiresAt));
      const burst = { latency, requests: cfg.burst, ok: ok.length, tokenCalls: c.token, jwks: c.jwks, distinctTokenSets: sets.size, statuses: [...new Set(answers.map((a) => a.status))] };
      bursts.push(burst);
      log(`refresh burst (token endpoint +${latency} ms): ${burst.ok}/${burst.requests} answered 200, token endpoint called ${burst.tokenCalls}×, ${burst.distinctTokenSets} distinct token set(s)`);
    } finally {
      await emu.call('setLatency', 'token', 0);
    }
  }
  return { runs, bursts, providerCallsDuringOverhead, micro };
}

function benchEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')));
}

/** `--report <results.json>`: renders BENCHMARKS.md (or BENCH_OUT) again from a previous run's raw figures. */
async function rerender(file) {
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = env.BENCH_OUT ?? path.join(root, 'BENCHMARKS.md');
  process.stdout.write(writeReport(results, out === 'none' ? undefined : out));
}

const reportArg = process.argv.indexOf('--report');
(reportArg !== -1 ? rerender(process.argv[reportArg + 1]) : main()).catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
