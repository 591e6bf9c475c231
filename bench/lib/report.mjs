// Turns the measurements of one `npm run bench` into BENCHMARKS.md. Every figure comes from that run.
import fs from 'node:fs';
import { fmt, median, spread } from './stats.mjs';

const LABEL = {
  ours: 'ours (RobloxStrategy)',
  'openid-client': 'openid-client v6 (passport)',
  floor: 'floor (node:http + jose)',
};
const mark = (ok) => (ok === undefined ? '– not measured' : ok ? '✅ met' : '❌ falls short');

function summarize(runs, name) {
  const mine = runs.filter((r) => r.contender === name);
  if (mine.length === 0) return undefined;
  const pick = (k) => mine.map((r) => r[k]);
  return {
    runs: mine,
    lps: median(pick('lps')),
    cpu: median(pick('cpuMsPerLogin')),
    p50: median(pick('p50')),
    p99: median(pick('p99')),
    failed: mine.reduce((n, r) => n + r.failed, 0),
    logins: mine.reduce((n, r) => n + r.logins, 0),
    spreads: { lps: spread(pick('lps'), 0), cpu: spread(pick('cpuMsPerLogin'), 2), p50: spread(pick('p50'), 1), p99: spread(pick('p99'), 1) },
    calls: mine.reduce((acc, r) => {
      for (const [k, v] of Object.entries(r.calls)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
  };
}

/** Renders the report; writes it to `file` when given. Returns the markdown. */
export function writeReport(results, file) {
  const { cfg, contenders, machine } = results;
  const L = [];
  const S = Object.fromEntries(contenders.map((c) => [c, summarize(results.runs, c)]));
  const LAT = Object.fromEntries(contenders.map((c) => [c, summarize(results.latency.runs, c)]));
  const ours = S.ours;
  const targets = [];

  L.push('# Benchmarks', '');
  L.push(
    'Complete "Sign in with Roblox" logins against the local Roblox emulator: app `/auth/roblox` → emulator',
    '`v1/authorize` (auto-approved) → app callback (token exchange, ID-token signature check, userinfo) → session',
    'established → the landing page, which must show the signed-in user ID (a login that does not is counted as',
    'failed, never as a success). Each app runs in its own process, the emulator in another, the load generator',
    '(node:http, keep-alive, a fresh cookie jar per login) in the orchestrator. All numbers below were measured',
    'in the one run described here; ratios only compare figures of this run. CI does not run this and nothing',
    'asserts timings.',
    '',
  );
  L.push('## Run', '');
  L.push(`- Date: ${new Date(results.startedAt).toISOString()}`);
  L.push(`- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}; Node ${machine.node}`);
  const envText = Object.entries(results.env).map(([k, v]) => `${k}=${v}`).join(' ');
  L.push(`- Command: \`${envText ? `${envText} ` : ''}npm run bench\`${results.quick ? ' (quick mode: smoke test, figures not meaningful)' : ''}${results.profile ? ' (profile mode: apps ran under --cpu-prof, figures inflated)' : ''}`);
  L.push(
    `- Logins: concurrency ${cfg.concurrency}; ${cfg.rounds} alternating rounds (each round runs every contender once, ` +
      `the order rotated by one each round), each run ${cfg.warmup} warm-up logins then ${cfg.logins} measured logins; figures are medians over the rounds.`,
  );
  L.push(`- CPU: of the app process only, read from ${machine.cpuSource} before and after each measured run.`);
  L.push(`- Callback latency: the time of the callback request alone (the load generator's view).`);
  L.push(`- Total bench time: ${fmt(results.seconds, 0)} s`);
  const other = [...results.runs, ...results.latency.runs, ...(results.refresh?.runs ?? [])].map((r) => r.otherCores).filter(Number.isFinite);
  if (other.length) {
    L.push(
      `- Machine load from other processes during the measured runs (all CPU time in /proc/stat minus ours): ` +
        `median ${fmt(median(other), 2)} cores, max ${fmt(Math.max(...other), 2)} of ${machine.cores} (see "Every run"); other work on the machine adds noise to every figure.`,
    );
  }
  L.push('');
  L.push('Contenders, all on express-session (MemoryStore) + passport with the same session settings and pages:', '');
  L.push('- **ours**: `RobloxStrategy` on express 5, issuer pointed at the emulator (discovery), `successRedirect: \'/\'`.');
  L.push(
    '- **openid-client**: `openid-client/passport` v6 on express 5, doing the same work: discovery, PKCE, state and nonce ' +
      '(added: with a PKCE-capable server it sends neither by default), ID-token signature verification ' +
      '(`enableNonRepudiationChecks`: off by default in v6), `fetchUserInfo` with the ID token\'s subject, ' +
      '`allowInsecureRequests` for the http loopback issuer, client_secret_basic, TokenSet stored in the session.',
  );
  L.push(
    '- **floor**: the least work a secure login needs, by hand on node:http (express-session and passport called as plain ' +
      'middleware functions): state, nonce and PKCE in the session, one token call, one ES256 signature check with a key ' +
      'fetched and imported once (jose `jwtVerify`), one userinfo call (sub must match), `req.login`, TokenSet in the session; ' +
      'keep-alive agent for the provider calls.',
  );
  L.push('');

  // ---- logins
  if (results.runs.length) {
    L.push(`## Logins, no added latency (median of ${cfg.rounds} rounds; min–max in parentheses)`, '');
    L.push('| contender | logins/s | app CPU ms/login | callback p50 ms | callback p99 ms | failed logins |');
    L.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const c of contenders) {
      const s = S[c];
      if (!s) continue;
      L.push(`| ${LABEL[c]} | ${s.spreads.lps} | ${s.spreads.cpu} | ${s.spreads.p50} | ${s.spreads.p99} | ${s.failed} of ${s.logins + s.failed} |`);
    }
    L.push('');
    if (ours && contenders.length > 1) {
      L.push('Ratios, always oriented so that **> 1.00 means ours is better**: logins/s is ours ÷ theirs; CPU is theirs ÷ ours');
      L.push('(i.e. ours\' logins per CPU-second ÷ theirs); latency is theirs ÷ ours. Computed from the medians above.', '');
      L.push('| ours vs | logins/s (ours ÷ theirs) | CPU per login (theirs ÷ ours) | callback p50 (theirs ÷ ours) |');
      L.push('| --- | ---: | ---: | ---: |');
      for (const c of contenders.filter((x) => x !== 'ours')) {
        const s = S[c];
        if (!s) continue;
        L.push(`| ${LABEL[c]} | ${fmt(ours.lps / s.lps, 2)} | ${fmt(s.cpu / ours.cpu, 2)} | ${fmt(s.p50 / ours.p50, 2)} |`);
      }
      L.push('');
      // The same ratios taken within each round (the contenders ran back to back), then the median over rounds.
      const paired = contenders.filter((x) => x !== 'ours' && S[x]).map((c) => {
        const per = (f) => median(ours.runs.map((o) => {
          const t = S[c].runs.find((r) => r.round === o.round);
          return t ? f(o, t) : NaN;
        }));
        return `${c}: logins/s ${fmt(per((o, t) => o.lps / t.lps), 2)}, CPU ${fmt(per((o, t) => t.cpuMsPerLogin / o.cpuMsPerLogin), 2)}, p50 ${fmt(per((o, t) => t.p50 / o.p50), 2)}`;
      });
      L.push(`Cross-check, the ratios within each round (contenders run back to back), median over rounds: ${paired.join('; ')}.`, '');
    }
  }

  // ---- latency
  if (results.latency.runs.length) {
    const ms = results.latency.ms;
    L.push(`## Logins with ${ms} ms added to every emulator response (median of ${cfg.latencyRounds} rounds, ${cfg.latencyLogins} logins each)`, '');
    L.push(
      `Sequential provider round trips in the callback = (p50 − ε) / ${ms}, where ε is the callback's own processing time: ` +
        `its p50 at concurrency 1 with no added latency (${cfg.epsilonLogins} logins). "Provider calls" are the calls the ` +
        'emulator counted per login in these runs, the browser\'s authorize hop excluded.',
      '',
    );
    L.push('| contender | callback p50 ms | callback p99 ms | ε ms | round trips (p50 − ε) / ' + ms + ' | provider calls per login | logins/s |');
    L.push('| --- | ---: | ---: | ---: | ---: | --- | ---: |');
    for (const c of contenders) {
      const s = LAT[c];
      if (!s) continue;
      const eps = results.latency.epsilon[c];
      const n = s.logins + s.failed;
      const perAll = (k) => fmt((s.calls[k] ?? 0) / n, 2);
      L.push(
        `| ${LABEL[c]} | ${s.spreads.p50} | ${s.spreads.p99} | ${fmt(eps, 2)} | ${fmt((s.p50 - eps) / ms, 2)} | ` +
          `token ${perAll('token')}, userinfo ${perAll('userinfo')}, jwks ${perAll('jwks')}, discovery ${perAll('discovery')} | ${s.spreads.lps} |`,
      );
      if (s.failed) L.push(`|  ↳ failed logins | ${s.failed} | | | | | |`);
    }
    L.push('');
  }

  // ---- cold
  if (Object.keys(results.cold).length) {
    L.push(`## Provider calls from a cold start (each app started fresh, then ${cfg.coldLogins} logins)`, '');
    L.push('Counted at the emulator from the app process\'s start (startup discovery included): total calls, and per 1,000 logins in parentheses.', '');
    L.push('| contender | logins ok | discovery | JWKS | token | userinfo |');
    L.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const c of contenders) {
      const r = results.cold[c];
      if (!r) continue;
      const per = (k) => `${r.calls[k] ?? 0} (${fmt(((r.calls[k] ?? 0) * 1000) / r.logins, 1)})`;
      L.push(`| ${LABEL[c]} | ${r.ok} of ${r.logins} | ${per('discovery')} | ${per('jwks')} | ${per('token')} | ${per('userinfo')} |`);
    }
    L.push('');
  }

  // ---- refresh
  const R = results.refresh;
  if (R) {
    const plain = R.runs.filter((r) => r.route === 'plain');
    const fresh = R.runs.filter((r) => r.route === 'fresh');
    const noop = R.runs.filter((r) => r.route === 'noop');
    const cpuPlain = median(plain.map((r) => r.cpuUsPerRequest));
    // Paired per round: each round ran every route back to back, so their ratio cancels slow drifts of the machine.
    const paired = (runs, key) =>
      median(
        runs.map((f) => {
          const p = plain.find((r) => r.round === f.round);
          return key === 'rps' ? (1 - f.rps / p.rps) * 100 : (f.cpuUsPerRequest / p.cpuUsPerRequest - 1) * 100;
        }),
      );
    R.overhead = paired(fresh, 'rps');
    R.cpuOverhead = paired(fresh, 'cpu');
    const control = { rps: paired(noop, 'rps'), cpu: paired(noop, 'cpu') };
    R.control = control;
    L.push(`## refreshTokens() on a signed-in request with a fresh token (ours; ${cfg.refreshRounds} rounds, ${cfg.requests} requests per route per round, concurrency ${cfg.concurrency})`, '');
    L.push(
      'The same trivial JSON route in the same app process with the same session cookie: bare (`/plain`), with `refreshTokens({ client })` ' +
        '(`/fresh`), and, as a control, with a middleware that only calls `next()` (`/noop`). Each round runs the three back to back (order ' +
        'rotated); rounds are short and many so that each run is paired with a `/plain` run under the same machine load. App CPU here is the ' +
        'app\'s own `process.cpuUsage()` (µs resolution) read over IPC before and after each run. Medians over the rounds (min–max):',
      '',
    );
    L.push('| route | requests/s | app CPU µs/request | overhead vs /plain, requests/s | overhead vs /plain, CPU | failed |');
    L.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    const row = (label, runs, over) =>
      L.push(`| ${label} | ${spread(runs.map((r) => r.rps), 0)} | ${spread(runs.map((r) => r.cpuUsPerRequest), 0)} | ${over ? `${fmt(over.rps, 1)} %` : '–'} | ${over ? `${fmt(over.cpu, 1)} %` : '–'} | ${runs.reduce((n, r) => n + r.failed, 0)} |`);
    row('`/plain` (requireLogin → JSON)', plain);
    row('`/fresh` (requireLogin → **refreshTokens()** → JSON)', fresh, { rps: R.overhead, cpu: R.cpuOverhead });
    row('`/noop` (requireLogin → no-op → JSON), the control', noop, control);
    L.push('');
    L.push(
      `Overheads are medians over rounds of each round's paired figures: 1 − route ÷ plain for requests/s, route ÷ plain − 1 for CPU. ` +
        `The control shows what this HTTP-level method reports for a middleware that does nothing; read refreshTokens()'s figure against it. ` +
        `Provider calls during these runs: token ${R.providerCallsDuringOverhead.token}, jwks ${R.providerCallsDuringOverhead.jwks} (a fresh token needs none).`,
      '',
    );
    const m = R.micro;
    R.microUs = (m.middlewareNs - m.baselineNs) / 1000;
    R.microShare = (R.microUs / cpuPlain) * 100;
    L.push(
      `The middleware's own cost, without HTTP (the app calls it directly ${m.iterations.toLocaleString('en')} times per batch on request-like ` +
        `objects whose session holds a copy of the real TokenSet, against a no-op middleware called the same way; medians of ${m.batches} ` +
        `alternating batches): **${fmt(R.microUs, 2)} µs CPU per call**, i.e. **${fmt(R.microShare, 1)} %** of the ${fmt(cpuPlain, 0)} µs ` +
        'a `/plain` request costs the app. Unlike the HTTP figures, this one is not swamped by the noise of a shared machine.',
      '',
    );
    L.push(`Burst: the stored access token is made to look expired (a bench-only route), then ${cfg.burst} requests with that session arrive at once:`, '');
    L.push('| token endpoint latency | answered 200 | token endpoint calls | distinct token sets returned |');
    L.push('| --- | ---: | ---: | ---: |');
    for (const b of R.bursts) L.push(`| +${b.latency} ms | ${b.ok} of ${b.requests} | ${b.tokenCalls} | ${b.distinctTokenSets} |`);
    L.push('');
  }

  // ---- targets
  if (ours) {
    const oc = S['openid-client'];
    const fl = S.floor;
    if (oc) {
      targets.push([`Logins/s ahead of openid-client (ours ÷ theirs > 1.00)`, fmt(ours.lps / oc.lps, 2), ours.lps / oc.lps > 1]);
      targets.push([`CPU per login ahead of openid-client (theirs ÷ ours > 1.00)`, fmt(oc.cpu / ours.cpu, 2), oc.cpu / ours.cpu > 1]);
    }
    if (fl) {
      targets.push([`Logins/s within 10 % of the floor (ours ÷ floor ≥ 0.90)`, fmt(ours.lps / fl.lps, 2), ours.lps / fl.lps >= 0.9]);
      targets.push([`CPU per login within 10 % of the floor (ours ≤ 1.10 × floor)`, `${fmt(ours.cpu / fl.cpu, 2)} × floor`, ours.cpu <= fl.cpu * 1.1]);
    }
  }
  if (LAT.ours) {
    const limit = 2 * results.latency.ms + 10;
    targets.push([`With ${results.latency.ms} ms latency, callback p50 ≤ ${limit} ms`, `${fmt(LAT.ours.p50, 1)} ms`, LAT.ours.p50 <= limit]);
  }
  if (R) {
    targets.push(['refreshTokens() overhead < 2 %, in requests/s (as specified)', `${fmt(R.overhead, 1)} %`, R.overhead < 2]);
    targets.push([
      'refreshTokens() overhead < 2 % beyond the no-op control (requests/s; app CPU)',
      `${fmt(R.overhead - R.control.rps, 1)} %; ${fmt(R.cpuOverhead - R.control.cpu, 1)} %`,
      R.overhead - R.control.rps < 2 && R.cpuOverhead - R.control.cpu < 2,
    ]);
    targets.push(['refreshTokens() overhead < 2 %, its in-process cost ÷ a /plain request\'s CPU', `${fmt(R.microShare, 1)} %`, R.microShare < 2]);
    targets.push([`${cfg.burst} concurrent requests needing a refresh → 1 token call`, R.bursts.map((b) => `${b.tokenCalls} (+${b.latency} ms)`).join(', '), R.bursts.every((b) => b.tokenCalls === 1 && b.ok === b.requests)]);
  }
  if (results.cold.ours) {
    const r = results.cold.ours;
    targets.push([
      `JWKS and discovery fetches over the ${r.logins} logins from a cold start: 1 each`,
      `discovery ${r.calls.discovery}, JWKS ${r.calls.jwks}`,
      r.calls.discovery <= 1 && r.calls.jwks <= 1,
    ]);
  }
  const failedAll = contenders.reduce((n, c) => n + (S[c]?.failed ?? 0) + (LAT[c]?.failed ?? 0) + (results.cold[c]?.failed ?? 0), 0);
  targets.push(['Every login succeeded (all contenders, all phases)', `${failedAll} failed`, failedAll === 0]);
  L.push('## Targets', '');
  L.push('| target | measured | result |');
  L.push('| --- | ---: | --- |');
  for (const [what, measured, ok] of targets) L.push(`| ${what} | ${measured} | ${mark(ok)} |`);
  L.push('');

  // ---- raw
  L.push('## Every run', '');
  L.push('App CPU is the figure compared; the emulator\'s and the load generator\'s CPU per login, and the cores other processes took, are shown to tell what bounded logins/s.', '');
  L.push('| phase | round | contender | logins | s | logins/s | app CPU ms | app CPU ms/login | emulator CPU ms/login | load generator CPU ms/login | other processes (cores) | p50 ms | p99 ms | failed |');
  L.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [phase, runs] of [['logins', results.runs], [`+${results.latency.ms} ms`, results.latency.runs]]) {
    for (const r of runs) {
      L.push(`| ${phase} | ${r.round} | ${r.contender} | ${r.logins} | ${fmt(r.seconds, 2)} | ${fmt(r.lps, 0)} | ${fmt(r.cpuMs, 0)} | ${fmt(r.cpuMsPerLogin, 2)} | ${fmt(r.emulatorCpuMsPerLogin, 2)} | ${fmt(r.loadCpuMsPerLogin, 2)} | ${fmt(r.otherCores, 2)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.failed ? `${r.failed}: ${r.failures}` : 0} |`);
    }
  }
  if (R) {
    L.push('');
    L.push('| refresh round | route | requests | s | requests/s | app CPU µs/request | other processes (cores) | failed |');
    L.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of R.runs) L.push(`| ${r.round} | /${r.route} | ${r.ok} | ${fmt(r.seconds, 2)} | ${fmt(r.rps, 0)} | ${fmt(r.cpuUsPerRequest, 0)} | ${fmt(r.otherCores, 2)} | ${r.failed ? `${r.failed}: ${r.failures}` : 0} |`);
  }
  L.push('');
  L.push('Reproduce: `npm run bench` (it builds first; settings and a quick mode: bench/README.md).', '');

  const md = L.join('\n');
  if (file) fs.writeFileSync(file, md);
  return md;
}
