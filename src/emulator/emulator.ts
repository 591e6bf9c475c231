import { resolvePicture } from './avatars';
import { RobloxConfigurationError } from '../errors';
import { discoveryDocument, emulatorEndpoints, type EmulatorContext } from './context';
import { checkAutoApprove, normalizeOptions, ROBLOX_EMULATOR_CLIENT_ID } from './defaults';
import { Faults } from './faults';
import { GrantStore } from './grants';
import { IdTokenIssuer } from './id-tokens';
import { KeyStore } from './keys';
import { RefreshTokenSealer } from './refresh-tokens';
import { OpenCloudEmulator } from './open-cloud/open-cloud';
import { normalizeOpenCloud } from './open-cloud/seed';
import { createListener, listen, shutdown } from './server';
import type { EmulatorFailure, IdTokenTweak, IssueIdTokenOptions, TokenResponseTweak, UserinfoTweak } from './tweak-types';
import type {
  AutoApprove,
  EmulatorEndpoint,
  RobloxEmulator,
  RobloxEmulatorOptions,
} from './types';

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a local Roblox OAuth 2.0 / OpenID Connect provider: discovery, JWKS, authorize with a consent page,
 * token (code and refresh grants), introspect, resources, revoke and userinfo, as Roblox documents them.
 *
 * @example
 * ```ts
 * import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } from 'passport-roblox-oidc/emulator';
 *
 * const emu = await createRobloxEmulator({ autoApprove: true });
 * const strategy = new RobloxStrategy({
 *   clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
 *   callbackURL: 'http://127.0.0.1:3000/auth/roblox/callback', issuer: emu.issuer,
 * }, verify);
 * // ...
 * await emu.close();
 * ```
 */
export async function createRobloxEmulator(options: RobloxEmulatorOptions = {}): Promise<RobloxEmulator> {
  const settings = normalizeOptions(options);
  const openCloud = new OpenCloudEmulator(normalizeOpenCloud(options.openCloud, settings.users), settings.now);
  const keys = await KeyStore.create();
  const faults = new Faults();
  const grants = new GrantStore(settings.now);
  let context: EmulatorContext | undefined;
  const { server, port } = await listen(
    createListener(() => context as EmulatorContext),
    settings.port,
    settings.host,
  );
  const url = `http://${urlHost(settings.host)}:${port}`;
  const issuer = `${url}/oauth/`;
  const endpoints = emulatorEndpoints(url, issuer);
  settings.users = settings.users.map((u) => resolvePicture(u, url));
  const idTokens = new IdTokenIssuer(keys, issuer, () => settings.idTokenTtl, settings.now);
  const ctx: EmulatorContext = {
    settings,
    url,
    issuer,
    clients: new Map(settings.clients.map((c) => [c.clientId, c])),
    users: new Map(settings.users.map((u) => [u.sub, u])),
    keys,
    grants,
    idTokens,
    refreshTokens: new RefreshTokenSealer(),
    authorizedUsers: new Map(),
    faults,
    userinfoTweaks: [],
    tokenTweaks: [],
    discoveryBody: JSON.stringify(discoveryDocument(issuer, endpoints)),
    openCloud,
  };
  context = ctx;

  let closing: Promise<void> | undefined;

  return {
    url,
    issuer,
    port,
    host: settings.host,
    endpoints,
    clients: Object.freeze([...settings.clients]),
    users: Object.freeze([...settings.users]),
    get autoApprove(): AutoApprove {
      return settings.autoApprove;
    },
    set autoApprove(value: AutoApprove) {
      settings.autoApprove = checkAutoApprove(value, settings.users);
    },
    get counters(): Readonly<Record<EmulatorEndpoint, number>> {
      return faults.counters;
    },
    resetCounters: () => faults.resetCounters(),
    setLatency: (endpoint, ms) => faults.setLatency(endpoint, ms),
    failNext: (endpoint, failure?: EmulatorFailure) => faults.failNext(endpoint, failure),
    nextIdToken: (tweak: IdTokenTweak) => idTokens.next(tweak),
    setIdTokenTweak: (tweak: IdTokenTweak | undefined) => idTokens.setStanding(tweak),
    nextUserinfo: (tweak: UserinfoTweak) => {
      ctx.userinfoTweaks.push(tweak);
    },
    nextTokenResponse: (tweak: TokenResponseTweak) => {
      ctx.tokenTweaks.push(tweak);
    },
    issueIdToken: async (o: IssueIdTokenOptions = {}) => {
      const user = o.sub === undefined ? settings.users[0] : ctx.users.get(o.sub);
      if (!user) throw new RobloxConfigurationError(`issueIdToken: no user has the sub ${JSON.stringify(o.sub)}`);
      const clientId = o.clientId ?? ROBLOX_EMULATOR_CLIENT_ID;
      const scope = o.scope ?? ['openid', 'profile'];
      return idTokens.issue(user, { clientId, sub: user.sub, scope, nonce: o.nonce, grantType: 'manual' }, o.tweak);
    },
    rotateKeys: async (o: { keepPrevious?: boolean } = {}) => ({ kid: (await keys.rotate(o.keepPrevious !== false)).kid }),
    jwks: () => keys.jwks(),
    revokeUser: (sub: string) => grants.revokeUser(sub),
    get messages() {
      return openCloud.messages;
    },
    openCloud,
    reset: () => {
      faults.reset();
      idTokens.clear();
      ctx.userinfoTweaks.length = 0;
      ctx.tokenTweaks.length = 0;
      openCloud.reset();
    },
    close: () => {
      closing ??= (faults.stop(), openCloud.stop(), shutdown(server));
      return closing;
    },
  };
}
