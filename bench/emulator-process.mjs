// The Roblox OAuth emulator in its own process, driven over IPC by bench/run.mjs.
// Options come as JSON in BENCH_EMULATOR_OPTIONS; the parent then calls: counters, resetCounters,
// setLatency(endpoint, ms), reset, cpuUsage. { type: 'exit' } closes the emulator and exits.
import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';

const options = JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}');

let emu;
try {
  emu = await createRobloxEmulator(options);
} catch (err) {
  process.send({ type: 'fatal', error: err.message });
  process.exit(1);
}

const methods = {
  counters: () => ({ ...emu.counters }),
  resetCounters: () => emu.resetCounters(),
  setLatency: (endpoint, ms) => emu.setLatency(endpoint, ms),
  reset: () => emu.reset(),
  cpuUsage: () => process.cpuUsage(),
};

process.on('message', async (msg) => {
  if (msg?.type === 'exit') {
    await emu.close();
    process.exit(0);
  }
  if (msg?.id === undefined) return;
  try {
    const fn = methods[msg.method];
    if (!fn) throw new Error(`unknown method ${msg.method}`);
    process.send({ id: msg.id, result: (await fn(...(msg.args ?? []))) ?? null });
  } catch (err) {
    process.send({ id: msg.id, error: err.message });
  }
});
process.on('disconnect', () => process.exit(0));

process.send({
  type: 'ready',
  issuer: emu.issuer,
  url: emu.url,
  users: emu.users.map((u) => ({ sub: u.sub, username: u.username })),
});
