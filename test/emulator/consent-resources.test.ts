import { useEmulator } from '../helpers/emulator';
import { authorize, clientPost, locationParams, pkce, post, REDIRECT_URI, tokenRequest, CLIENT_ID } from './helpers';

// Roblox grants resource scopes per account and experience, chosen by the user on the consent page.
// The consent page is the point here: nothing is auto-approved.
const emu = useEmulator({ autoApprove: false });

const EXAMPLE = '1516563360'; // universe 3828411582, own account as creator
const JANE = '12345678'; // group 7654321 with universe 4829112345, the group as creator
const NOTHING = '2067243959'; // no resources

/** Opens the consent page for these scopes; returns its HTML, request ID and the PKCE verifier. */
async function consentPage(scope: string): Promise<{ html: string; requestId: string; verifier: string }> {
  const p = pkce();
  const res = await authorize(emu(), {
    client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope, state: 'st', code_challenge: p.challenge, code_challenge_method: 'S256',
  });
  expect(res.status).toBe(200);
  const requestId = /name="request_id" value="([^"]+)"/.exec(res.body)?.[1];
  expect(requestId).toBeDefined();
  return { html: res.body, requestId: requestId as string, verifier: p.verifier };
}

/** Approves as `user` with these form fields checked, redeems the code, and returns the token response. */
async function approve(scope: string, user: string, checked: string[]): Promise<{ access_token: string; refresh_token: string }> {
  const { requestId, verifier } = await consentPage(scope);
  const fields: Record<string, string> = { request_id: requestId, user, decision: 'approve' };
  for (const name of checked) fields[name] = 'on';
  const q = locationParams(await post(emu(), '/oauth/v1/authorize/decision', fields));
  expect(q.get('error')).toBeNull();
  const res = await tokenRequest(emu(), { grant_type: 'authorization_code', code: q.get('code') as string, code_verifier: verifier });
  expect(res.status).toBe(200);
  return res.json();
}

const resourcesOf = async (accessToken: string) => (await clientPost(emu(), '/oauth/v1/token/resources', accessToken)).json().resource_infos;

test('with a resource scope the consent page offers each user their accounts and experiences, all checked', async () => {
  const { html } = await consentPage('openid universe-messaging-service:publish');
  const checkboxes = [...html.matchAll(/<input type="checkbox" name="([^"]+)" value="on" checked>/g)].map((m) => m[1]);
  expect(checkboxes).toEqual([
    `share:${EXAMPLE}:universe:3828411582`,
    `share:${EXAMPLE}:creator`,
    `share:${JANE}:group:7654321:universe:4829112345`,
    `share:${JANE}:group:7654321:creator`,
  ]);
  expect(html).toContain('No accounts or experiences to share.');
});

test('identity scopes alone show no resource picker', async () => {
  const { html } = await consentPage('openid profile');
  expect(html).not.toContain('type="checkbox"');
});

test('only what the user checked is granted, and a refresh keeps exactly that', async () => {
  const tokens = await approve('openid universe-messaging-service:publish', EXAMPLE, [`share:${EXAMPLE}:universe:3828411582`]);
  const expected = [{ owner: { id: EXAMPLE, type: 'User' }, resources: { universe: { ids: ['3828411582'] } } }];
  expect(await resourcesOf(tokens.access_token)).toEqual(expected);

  const refreshed = await tokenRequest(emu(), { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  expect(refreshed.status).toBe(200);
  expect(await resourcesOf(refreshed.json().access_token)).toEqual(expected);
});

test('a group can be shared without its creator rights', async () => {
  const tokens = await approve('openid universe:write', JANE, [`share:${JANE}:group:7654321:universe:4829112345`]);
  expect(await resourcesOf(tokens.access_token)).toEqual([{ owner: { id: '7654321', type: 'Group' }, resources: { universe: { ids: ['4829112345'] } } }]);
});

test('nothing checked shares nothing; boxes of another user and unknown fields are ignored', async () => {
  const none = await approve('openid universe:write', EXAMPLE, []);
  expect(await resourcesOf(none.access_token)).toEqual([]);

  const others = await approve('openid universe:write', NOTHING, [
    `share:${EXAMPLE}:universe:3828411582`,
    `share:${NOTHING}:universe:3828411582`,
    `share:${NOTHING}:creator`,
  ]);
  expect(await resourcesOf(others.access_token)).toEqual([]);
});

test('each approval is its own grant: sharing less later does not change an earlier grant', async () => {
  const all = await approve('openid universe:write', EXAMPLE, [`share:${EXAMPLE}:universe:3828411582`, `share:${EXAMPLE}:creator`]);
  const creatorOnly = await approve('openid universe:write', EXAMPLE, [`share:${EXAMPLE}:creator`]);
  expect(await resourcesOf(all.access_token)).toEqual([
    { owner: { id: EXAMPLE, type: 'User' }, resources: { universe: { ids: ['3828411582'] }, creator: { ids: ['U'] } } },
  ]);
  expect(await resourcesOf(creatorOnly.access_token)).toEqual([{ owner: { id: EXAMPLE, type: 'User' }, resources: { creator: { ids: ['U'] } } }]);
});
