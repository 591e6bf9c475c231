import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CliError, describeEmulator, main, parseCliArgs, USAGE } from '../../src/emulator/cli';
import { flow, raw, tokenRequest } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

test('parses flags in both forms, repeatable redirect URIs and an optional auto-approve sub', () => {
  expect(parseCliArgs([])).toEqual({ help: false, options: { port: 4000 } });
  expect(parseCliArgs(['--port', '0', '--host=127.0.0.1', '--auto-approve'])).toEqual({
    help: false,
    options: { port: 0, host: '127.0.0.1', autoApprove: true },
  });
  expect(parseCliArgs(['--auto-approve', '2067243959', '--port=5000']).options).toEqual({ port: 5000, autoApprove: '2067243959' });
  expect(parseCliArgs(['--auto-approve', '--port', '1']).options.autoApprove).toBe(true);
  const custom = parseCliArgs(['--client-id', 'app', '--client-secret', 's', '--redirect-uri', 'http://a.test/cb', '--redirect-uri=http://b.test/cb']);
  expect(custom.options.clients).toEqual([{ clientId: 'app', clientSecret: 's', redirectUris: ['http://a.test/cb', 'http://b.test/cb'] }]);
  expect(parseCliArgs(['--client-id', 'pub', '--redirect-uri', 'http://a.test/cb']).options.clients?.[0]).not.toHaveProperty('clientSecret');
  expect(parseCliArgs(['-h']).help).toBe(true);
});

test.each([
  [['--port', 'abc']],
  [['--port', '70000']],
  [['--port']],
  [['--bogus']],
  [['--client-id', 'x']],
  [['--redirect-uri', 'http://a.test/cb']],
])('refuses %j', (argv) => {
  expect(() => parseCliArgs(argv)).toThrow(CliError);
});

test('--help prints usage and starts nothing', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  await expect(main(['--help'], out)).resolves.toBeUndefined();
  expect(text).toBe(USAGE);
  expect(text).toContain('--auto-approve [sub]');
});

test('main starts an emulator and prints the issuer, the default client credentials and the test users', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const emu = await main(['--port', '0', '--auto-approve', '12345678', '--client-id', 'mine', '--client-secret', 'hidden-secret', '--redirect-uri', 'http://127.0.0.1:3000/cb'], out);
  try {
    expect(emu).toBeDefined();
    expect(text).toBe(describeEmulator(emu!));
    expect(text).toContain(`issuer:     ${emu!.issuer}`);
    expect(text).toContain('roblox-emulator-client');
    expect(text).toContain('roblox-emulator-secret');
    expect(text).toContain('roblox-emulator-public-client');
    expect(text).toContain('Your client mine (confidential)');
    expect(text).not.toContain('hidden-secret');
    for (const u of emu!.users) expect(text).toContain(u.sub);
    expect(text).toContain('auto-approved as robloxjanedoe (12345678)');
    expect((await raw(emu!, { path: '/oauth/.well-known/openid-configuration' })).json().issuer).toBe(emu!.issuer);
  } finally {
    await emu?.close();
  }
});

test.each(['SIGTERM', 'SIGINT'] as const)('the CLI process serves, then exits cleanly on %s', async (signal) => {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/emulator/cli.ts', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stdout}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /issuer: +(http:\/\/127\.0\.0\.1:(\d+)\/oauth\/)/.exec(stdout);
        if (m && stdout.includes('Press Ctrl+C')) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      child.on('exit', () => reject(new Error(`CLI exited early: ${stdout}`)));
    });
    const res = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(issuer);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exit).toBe(0);
    expect(stdout).toContain(`${signal}: stopping the emulator`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('--refresh-id-token and --unpublished reach the emulator; a redirect URI over 256 characters is refused at start', async () => {
  expect(parseCliArgs(['--refresh-id-token', '--unpublished']).options).toEqual({ port: 4000, refreshIdToken: true, published: false });
  const out = new PassThrough();
  out.resume();
  const emu = await main(['--port', '0', '--auto-approve', '--refresh-id-token', '--unpublished'], out);
  try {
    expect(emu!.clients.every((c) => !c.published)).toBe(true);
    const t = await flow(emu!);
    const refreshed = (await tokenRequest(emu!, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json();
    expect(refreshed.id_token).toEqual(expect.any(String));
  } finally {
    await emu?.close();
  }
  const tooLong = `http://127.0.0.1:3000/${'z'.repeat(240)}`;
  await expect(main(['--port', '0', '--client-id', 'a', '--redirect-uri', tooLong], out)).rejects.toThrow(/redirectUris\[0\] is 262 characters long; Roblox allows at most 256/);
});
