#!/usr/bin/env node
import { ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET, ROBLOX_EMULATOR_PUBLIC_CLIENT_ID } from './defaults';
import { createRobloxEmulator } from './emulator';
import type { AutoApprove, EmulatorClientOptions, RobloxEmulator, RobloxEmulatorOptions } from './types';

/** What the command line asked for. */
export interface CliArgs {
  help: boolean;
  options: RobloxEmulatorOptions;
}

/** The `--help` text. */
export const USAGE = `Usage: roblox-oauth-emulator [options]

A local Roblox OAuth 2.0 / OpenID Connect provider (no Roblox account, no network).

Options:
  --port <n>             Port to listen on (default 4000; 0 picks a free port)
  --host <host>          Interface to bind (default 127.0.0.1)
  --auto-approve [sub]   Skip the consent page: approve as the first test user, or as <sub>
  --client-id <id>       Register an app besides the default ones
  --client-secret <s>    Its secret (omit for a public client, which must use PKCE)
  --redirect-uri <uri>   Its redirect URI, matched exactly (repeat for several; at most 10, each at most 256 characters)
  --refresh-id-token     Include an ID token in refresh answers (Roblox's example has none; its prose says one)
  --unpublished          Treat every app as unpublished: at most 10 distinct users may authorize each
  -h, --help             Show this help
`;

/** A command-line mistake; the message is shown with a hint to run --help. */
export class CliError extends Error {}

/** Parses the command line (`--flag value` or `--flag=value`). Throws CliError on mistakes. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const options: RobloxEmulatorOptions = { port: 4000 };
  let help = false;
  let clientId: string | undefined;
  let clientSecret: string | undefined;
  const redirectUris: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new CliError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535) throw new CliError('--port must be a number from 0 to 65535');
        options.port = port;
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--auto-approve': {
        const next = argv[i + 1];
        let approve: AutoApprove = true;
        if (inline !== undefined) approve = inline;
        else if (next !== undefined && !next.startsWith('-')) {
          approve = next;
          i++;
        }
        options.autoApprove = approve;
        break;
      }
      case '--client-id':
        clientId = value();
        break;
      case '--client-secret':
        clientSecret = value();
        break;
      case '--redirect-uri':
        redirectUris.push(value());
        break;
      case '--refresh-id-token':
        options.refreshIdToken = true;
        break;
      case '--unpublished':
        options.published = false;
        break;
      default:
        throw new CliError(`Unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (clientId === undefined && (clientSecret !== undefined || redirectUris.length > 0)) {
    throw new CliError('--client-secret and --redirect-uri need --client-id');
  }
  if (clientId !== undefined) {
    if (redirectUris.length === 0) throw new CliError('--client-id needs at least one --redirect-uri');
    const client: EmulatorClientOptions = { clientId, redirectUris };
    if (clientSecret !== undefined) client.clientSecret = clientSecret;
    options.clients = [client];
  }
  return { help, options };
}

/** What the CLI prints once listening: issuer, credentials of the default clients, the test users. */
export function describeEmulator(emu: RobloxEmulator): string {
  const lines = [
    `Roblox OAuth emulator listening on ${emu.url}`,
    `  issuer:     ${emu.issuer}`,
    `  discovery:  ${emu.endpoints.discovery}`,
    `  Open Cloud: ${emu.url}/cloud/v2/ (users, groups, universes; bearer tokens from this emulator)`,
    '',
    'Default confidential client (accepts any loopback redirect URI):',
    `  client ID:      ${ROBLOX_EMULATOR_CLIENT_ID}`,
    `  client secret:  ${ROBLOX_EMULATOR_CLIENT_SECRET}`,
    'Default public client (PKCE required, any loopback redirect URI):',
    `  client ID:      ${ROBLOX_EMULATOR_PUBLIC_CLIENT_ID}`,
  ];
  for (const c of emu.clients) {
    if (c.clientId === ROBLOX_EMULATOR_CLIENT_ID || c.clientId === ROBLOX_EMULATOR_PUBLIC_CLIENT_ID) continue;
    // The secret was given on the command line; it is not echoed back.
    lines.push(`Your client ${c.clientId} (${c.clientSecret === undefined ? 'public, PKCE required' : 'confidential'}), redirect URIs:`);
    for (const uri of c.redirectUris) lines.push(`  ${uri}`);
  }
  lines.push('', 'Test users (sub, username, display name):');
  for (const u of emu.users) lines.push(`  ${u.sub.padEnd(12)} ${u.username.padEnd(16)} ${u.displayName}${u.picture === null ? '  (no picture)' : ''}`);
  const approve = emu.autoApprove;
  const who = approve === true ? emu.users[0] : emu.users.find((u) => u.sub === approve);
  lines.push('', approve === false || !who ? 'Consent page: shown (pick a test user)' : `Consent: auto-approved as ${who.username} (${who.sub})`);
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

/**
 * Runs the CLI: prints help, or starts the emulator and describes it. Returns the running emulator (or
 * undefined after --help); the caller owns closing it.
 */
export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<RobloxEmulator | undefined> {
  const args = parseCliArgs(argv);
  if (args.help) {
    out.write(USAGE);
    return undefined;
  }
  const emu = await createRobloxEmulator(args.options);
  out.write(describeEmulator(emu));
  return emu;
}

function run(): void {
  main(process.argv.slice(2)).then(
    (emu) => {
      if (!emu) return;
      const stop = (signal: string) => {
        process.stdout.write(`\n${signal}: stopping the emulator\n`);
        // If closing ever stalls, do not leave the terminal stuck.
        setTimeout(() => process.exit(1), 5_000).unref();
        emu.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`roblox-oauth-emulator: ${message}\n${err instanceof CliError ? 'Run with --help for usage.\n' : ''}`);
      process.exit(err instanceof CliError ? 2 : 1);
    },
  );
}

if (require.main === module) run();
