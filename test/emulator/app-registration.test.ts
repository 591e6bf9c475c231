import { RobloxConfigurationError } from '../../src/errors';
import {
  createRobloxEmulator,
  ROBLOX_MAX_REDIRECT_URI_LENGTH,
  ROBLOX_MAX_REDIRECT_URIS,
  ROBLOX_UNPUBLISHED_USER_LIMIT,
  type EmulatorUserOptions,
  type RobloxEmulator,
} from '../../src/emulator';
import { authorize, CLIENT_ID, getCode, locationParams, pkce, post, REDIRECT_URI, tokenRequest } from './helpers';

// Roblox's Creator Dashboard: at most 10 redirect URLs of at most 256 characters per app; an app not yet published
// (reviewed) can be authorized by at most 10 users (100 before 2025-01).

const uris = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example/cb/${i}`);

test('Roblox\'s limits are exported as numbers: 10 redirect URLs, 256 characters, 10 users', () => {
  expect([ROBLOX_MAX_REDIRECT_URIS, ROBLOX_MAX_REDIRECT_URI_LENGTH, ROBLOX_UNPUBLISHED_USER_LIMIT]).toEqual([10, 256, 10]);
});

test('an app with 10 redirect URLs of 256 characters starts and uses them; an 11th URL is refused at start', async () => {
  const long = `https://app.example/${'x'.repeat(ROBLOX_MAX_REDIRECT_URI_LENGTH - 'https://app.example/'.length)}`;
  expect(long).toHaveLength(256);
  const emu = await createRobloxEmulator({ autoApprove: true, clients: [{ clientId: 'ten', clientSecret: 's', redirectUris: [...uris(9), long] }] });
  try {
    const res = await authorize(emu, { client_id: 'ten', redirect_uri: long, response_type: 'code', scope: 'openid', state: 's' });
    expect(locationParams(res).get('code')).toEqual(expect.any(String));
    expect(res.headers.location?.startsWith(`${long}?`)).toBe(true);
  } finally {
    await emu.close();
  }

  const eleven = createRobloxEmulator({ clients: [{ clientId: 'eleven', redirectUris: uris(11) }] });
  await expect(eleven).rejects.toBeInstanceOf(RobloxConfigurationError);
  await expect(eleven).rejects.toThrow('createRobloxEmulator: clients[0].redirectUris has 11 URLs; Roblox allows at most 10 per app');
});

test('a redirect URL longer than 256 characters is refused at start, naming which one', async () => {
  const tooLong = `https://app.example/${'y'.repeat(237)}`;
  expect(tooLong).toHaveLength(257);
  const start = createRobloxEmulator({ clients: [{ clientId: 'c', redirectUris: ['https://app.example/cb', tooLong] }] });
  await expect(start).rejects.toBeInstanceOf(RobloxConfigurationError);
  await expect(start).rejects.toThrow('createRobloxEmulator: clients[0].redirectUris[1] is 257 characters long; Roblox allows at most 256');
});

test('published must be a boolean', async () => {
  await expect(createRobloxEmulator({ published: 'no' as unknown as boolean })).rejects.toThrow('published must be true or false');
  await expect(createRobloxEmulator({ clients: [{ clientId: 'c', redirectUris: [], published: 1 as unknown as boolean }] })).rejects.toThrow(
    'clients[0].published must be true or false',
  );
  await expect(createRobloxEmulator({ refreshIdToken: 'yes' as unknown as boolean })).rejects.toThrow('refreshIdToken must be true or false');
});

describe('an unpublished app (published: false)', () => {
  const users: EmulatorUserOptions[] = Array.from({ length: 12 }, (_, i) => ({
    sub: String(1000 + i), username: `user${i}`, displayName: `User ${i}`, createdAt: 1600000000,
  }));
  let emu: RobloxEmulator;
  beforeAll(async () => {
    emu = await createRobloxEmulator({ published: false, users, includeDefaultUsers: false, autoApprove: true });
  });
  afterAll(() => emu.close());

  const asUser = async (sub: string) => {
    emu.autoApprove = sub;
    return authorize(emu, { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 'st', ...withPkce() });
  };
  const withPkce = () => {
    const p = pkce();
    return { code_challenge: p.challenge, code_challenge_method: 'S256' };
  };

  test('admits 10 distinct users, again and again; the 11th sees an error page saying why and gets no code', async () => {
    expect(emu.clients.every((c) => c.published === false)).toBe(true);
    for (const u of users.slice(0, ROBLOX_UNPUBLISHED_USER_LIMIT)) expect(locationParams(await asUser(u.sub)).get('code')).toEqual(expect.any(String));
    // Users already counted come back freely.
    expect(locationParams(await asUser(users[0]!.sub)).get('code')).toEqual(expect.any(String));

    const refused = await asUser(users[10]!.sub);
    expect(refused.status).toBe(403);
    expect(refused.headers.location).toBeUndefined();
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.body).toContain('This app has reached its user limit');
    expect(refused.body).toContain('not published yet, and an unpublished app can be authorized by at most 10 users');
    expect((await asUser(users[11]!.sub)).status).toBe(403);
    // The ten still sign in.
    const { code, verifier } = await (async () => {
      emu.autoApprove = users[9]!.sub;
      return getCode(emu);
    })();
    expect((await tokenRequest(emu, { grant_type: 'authorization_code', code, code_verifier: verifier })).status).toBe(200);
  });

  test('the consent page refuses the 11th user when they approve, with the same page', async () => {
    emu.autoApprove = false;
    const page = await authorize(emu, { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 'st', ...withPkce() });
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.body)?.[1];
    expect(requestId).toEqual(expect.any(String));
    const res = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: users[11]!.sub, decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('This app has reached its user limit');
  });

  test('another unpublished app has its own 10 users; a published app (the default) has no limit', async () => {
    const other = await createRobloxEmulator({
      users, includeDefaultUsers: false, autoApprove: true,
      clients: [{ clientId: 'small', clientSecret: 's', redirectUris: [REDIRECT_URI], published: false }],
    });
    try {
      for (const u of users) {
        other.autoApprove = u.sub;
        expect((await getCode(other)).code).toEqual(expect.any(String)); // the default client is published
      }
      other.autoApprove = users[11]!.sub;
      const small = await authorize(other, { client_id: 'small', redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 'st' });
      expect(locationParams(small).get('code')).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });
});
