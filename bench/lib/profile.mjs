// Reads a V8 .cpuprofile (from node --cpu-prof) and lists where the time went: top functions by self time, and
// self time per package (a node_modules package, this library's dist/, node internals, GC, idle). Given the number
// of logins the profiled process did, every figure is also shown in µs per login.
import fs from 'node:fs';
import path from 'node:path';

function where(url) {
  if (!url) return '(native)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (file.startsWith('node:')) return 'node (internals)';
  if (file.includes('/dist/')) return 'passport-roblox-oidc (dist)';
  if (file.includes('/bench/')) return 'bench app';
  return path.basename(file);
}

function shortFile(url) {
  if (!url) return '';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm !== -1) return file.slice(nm + 'node_modules/'.length);
  const dist = file.indexOf('/dist/');
  if (dist !== -1) return file.slice(dist + 1);
  const bench = file.indexOf('/bench/');
  if (bench !== -1) return file.slice(bench + 1);
  return file;
}

// Packages whose own functions are listed separately (self time), whatever their rank overall.
const FOCUS = ['passport-roblox-oidc (dist)', 'passport', 'passport-oauth2', 'express-session', 'express', 'router'];

/**
 * Summarizes one profile: total sampled ms, top functions and packages by self time (idle excluded), and the top
 * functions of each FOCUS package. `logins`: how many logins the process did, for µs-per-login figures.
 */
export function summarizeProfile(file, top = 20, packagesTop = 12, { logins, focusTop = 10 } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map();
  const pkgs = new Map();
  const focus = new Map(FOCUS.map((p) => [p, new Map()]));
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    busy += ms;
    const name = callFrame.functionName || '(anonymous)';
    const key = `${name} ${shortFile(callFrame.url)}:${callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const pkg = callFrame.url ? where(callFrame.url) : name;
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + ms);
    const mine = focus.get(pkg);
    if (mine) mine.set(key, (mine.get(key) ?? 0) + ms);
  }
  // Inclusive time: a sample counts for every distinct package / library function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclPkgs = new Map();
  const inclLib = new Map();
  for (const [id, ms] of selfMs) {
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    const seenPkg = new Set();
    const seenFn = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { callFrame } = byId.get(cur);
      if (!callFrame.url) continue;
      seenPkg.add(where(callFrame.url));
      if (where(callFrame.url) === 'passport-roblox-oidc (dist)') seenFn.add(`${callFrame.functionName || '(anonymous)'} ${shortFile(callFrame.url)}:${callFrame.lineNumber + 1}`);
    }
    for (const p of seenPkg) inclPkgs.set(p, (inclPkgs.get(p) ?? 0) + ms);
    for (const f of seenFn) inclLib.set(f, (inclLib.get(f) ?? 0) + ms);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms, share: ms / busy }));
  const focusPackages = [...focus]
    .filter(([, m]) => m.size)
    .map(([name, m]) => ({ name, ms: pkgs.get(name) ?? 0, functions: sorted(m).slice(0, focusTop) }));
  return {
    file, busyMs: busy, logins, functions: sorted(fns).slice(0, top), packages: sorted(pkgs).slice(0, packagesTop),
    inclusivePackages: sorted(inclPkgs).slice(0, 12), inclusiveLibrary: sorted(inclLib).slice(0, 15), focusPackages,
  };
}

/** Text rendering of a summary. */
export function formatProfile(summary) {
  const { logins } = summary;
  const perLogin = (ms) => (logins ? `${((ms * 1000) / logins).toFixed(1).padStart(7)} µs/login  ` : '');
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const row = (x) => `    ${pct(x.share)}  ${perLogin(x.ms)}${x.name}`;
  const head = `${path.basename(summary.file)}: ${summary.busyMs.toFixed(0)} ms on CPU (idle excluded)`;
  const lines = [logins ? `${head}, ${logins} logins: ${((summary.busyMs * 1000) / logins).toFixed(0)} µs per login` : head];
  lines.push('  by package:');
  for (const p of summary.packages) lines.push(row(p));
  lines.push('  top functions by self time:');
  for (const f of summary.functions) lines.push(row(f));
  lines.push('  by package, inclusive (samples with that package anywhere on the synchronous stack):');
  for (const p of summary.inclusivePackages) lines.push(row(p));
  if (summary.inclusiveLibrary.length) {
    lines.push('  passport-roblox-oidc functions, inclusive:');
    for (const f of summary.inclusiveLibrary) lines.push(row(f));
  }
  for (const p of summary.focusPackages ?? []) {
    lines.push(`  ${p.name}: ${perLogin(p.ms)}self time, its top functions:`);
    for (const f of p.functions) lines.push(row(f));
  }
  return lines.join('\n');
}

// `node bench/lib/profile.mjs [--logins N] file.cpuprofile… [top]` prints a summary (µs per login with --logins).
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--logins');
  const logins = at !== -1 ? Number(args[at + 1]) : undefined;
  const top = Number(args.at(-1)) || 25;
  for (const file of args.filter((a) => a.endsWith('.cpuprofile'))) console.log(formatProfile(summarizeProfile(file, top, 12, { logins })));
}
