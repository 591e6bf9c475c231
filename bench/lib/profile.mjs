// Reads a V8 .cpuprofile (from node --cpu-prof) and lists where the time went: top functions by self time, and
// self time per package (a node_modules package, this library's dist/, node internals, GC, idle).
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

/** Summarizes one profile: total sampled ms, top functions and packages by self time (idle excluded). */
export function summarizeProfile(file, top = 20, packagesTop = 12) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map();
  const pkgs = new Map();
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
  return {
    file, busyMs: busy, functions: sorted(fns).slice(0, top), packages: sorted(pkgs).slice(0, packagesTop),
    inclusivePackages: sorted(inclPkgs).slice(0, 12), inclusiveLibrary: sorted(inclLib).slice(0, 15),
  };
}

/** Text rendering of a summary. */
export function formatProfile(summary) {
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${path.basename(summary.file)}: ${summary.busyMs.toFixed(0)} ms on CPU (idle excluded)`];
  lines.push('  by package:');
  for (const p of summary.packages) lines.push(`    ${pct(p.share)}  ${p.name}`);
  lines.push('  top functions by self time:');
  for (const f of summary.functions) lines.push(`    ${pct(f.share)}  ${f.name}`);
  lines.push('  by package, inclusive (samples with that package anywhere on the synchronous stack):');
  for (const p of summary.inclusivePackages) lines.push(`    ${pct(p.share)}  ${p.name}`);
  if (summary.inclusiveLibrary.length) {
    lines.push('  passport-roblox-oidc functions, inclusive:');
    for (const f of summary.inclusiveLibrary) lines.push(`    ${pct(f.share)}  ${f.name}`);
  }
  return lines.join('\n');
}

// `node bench/lib/profile.mjs file.cpuprofile [top]` prints a summary.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'))) {
    console.log(formatProfile(summarizeProfile(file, Number(process.argv.at(-1)) || 25)));
  }
}
