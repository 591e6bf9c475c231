// Real-browser test of the demo app: headless Debian Chromium driven by playwright-core clicks through
// "Sign in with Roblox" on the local emulator. Screenshots of every page go to artifacts/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
const { createDemoApp } = require('../../examples/express/app.js');

const shots = path.resolve(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let emulator;
let server;
let base;
let browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  emulator = await createRobloxEmulator({ port: 0, autoApprove: false });
  server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  const { app } = createDemoApp({
    issuer: emulator.issuer,
    clientID: ROBLOX_EMULATOR_CLIENT_ID,
    clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
    callbackURL: `${base}/auth/roblox/callback`,
    sessionSecret: 'browser-test-secret',
    scope: ['openid', 'profile', 'universe-messaging-service:publish'],
  });
  server.on('request', app);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  await emulator?.close();
});

const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

test('sign in through the consent page, see the profile, refresh tokens, list resources, sign out', async () => {
  const user = emulator.users[0];
  const page = await (await browser.newContext()).newPage();
  const violations = watchCsp(page);
  const home = await page.goto(`${base}/`);
  // A model app's headers (issue 9, rule 8): strict CSP without inline script, no framing, no sniffing.
  const headers = home.headers();
  assert.match(headers['content-security-policy'], /script-src 'none'/);
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.match(headers['content-security-policy'], /style-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  // The inline style is allowed by its hash: the page is styled, not broken by its own policy.
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(242, 244, 245)');
  const button = page.getByRole('link', { name: 'Sign in with Roblox' });
  assert.equal(await button.count(), 1);
  await shot(page, '01-home');

  // Keyboard-usable: focus the button and press Enter.
  await button.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.href.startsWith(emulator.url));
  assert.match(await page.content(), new RegExp(user.username));
  await shot(page, '02-consent');
  await page.check(`input[name="user"][value="${user.sub}"]`);
  // Share the experience but not the account's creator rights, as a Roblox user may choose.
  await page.uncheck(`input[name="share:${user.sub}:creator"]`);
  await page.click('button[name="decision"][value="approve"]');

  await page.waitForURL(`${base}/profile`);
  assert.equal(await page.textContent('#display-name'), user.displayName);
  assert.equal(await page.textContent('#username'), `@${user.username}`);
  assert.equal(await page.textContent('#user-id'), user.sub);
  const avatar = page.locator('img.avatar');
  assert.equal(await avatar.getAttribute('src'), user.picture);
  assert.ok(await avatar.evaluate((img) => img.complete && img.naturalWidth > 0), 'the avatar loaded');
  await shot(page, '03-profile');

  await page.click('a[href="/tokens"]');
  await page.waitForURL(`${base}/tokens`);
  assert.equal(await page.textContent('#refreshed-at'), 'never');
  const scopes = await page.locator('#scopes li').allTextContents();
  assert.ok(scopes.includes('openid') && scopes.includes('profile'), `scopes shown: ${scopes}`);
  const tokensBefore = emulator.counters.token;
  await shot(page, '04-tokens');
  await page.click('#refresh');
  await page.waitForURL(`${base}/tokens`);
  assert.notEqual(await page.textContent('#refreshed-at'), 'never');
  assert.equal(emulator.counters.token, tokensBefore + 1, 'one refresh call reached the emulator');
  assert.match(await page.textContent('[role="status"]'), /refreshed/i);
  await shot(page, '05-tokens-refreshed');

  await page.click('a[href="/resources"]');
  await page.waitForURL(`${base}/resources`);
  assert.match(await page.textContent('h1'), /Authorized resources/);
  assert.match(await page.textContent('#universes'), new RegExp(`Universe ${user.resources.universes[0]} · owned by User ${user.sub}`));
  assert.match(await page.textContent('#creators'), /No creator accounts were shared/);
  await shot(page, '06-resources');

  const revokesBefore = emulator.counters.revoke;
  // A forged sign-out (the session cookie, no CSRF token from the page) is refused and signs nobody out.
  for (const form of [{}, { _csrf: 'forged' }]) {
    const forged = await page.request.post(`${base}/logout`, { form, maxRedirects: 0 });
    assert.equal(forged.status(), 403);
  }
  assert.equal(emulator.counters.revoke, revokesBefore, 'nothing was revoked');
  await page.goto(`${base}/profile`);
  assert.equal(await page.textContent('#user-id'), user.sub, 'still signed in');

  await page.click('#logout');
  await page.waitForURL(`${base}/`);
  assert.equal(await page.getByRole('link', { name: 'Sign in with Roblox' }).count(), 1);
  assert.equal(emulator.counters.revoke, revokesBefore + 1, 'logout revoked the grant at the emulator');
  await page.goto(`${base}/profile`);
  assert.equal(await page.getByRole('link', { name: 'Sign in with Roblox' }).count(), 1, 'profile needs a login again');
  await shot(page, '07-signed-out');
  assert.deepEqual(violations, [], 'no Content-Security-Policy violation on the demo pages');
});

/** Collects the CSP violations Chromium reports on the demo's own pages. */
function watchCsp(page) {
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text()) && page.url().startsWith(base)) violations.push(msg.text());
  });
  return violations;
}

test('a javascript: profile URL or picture from the provider is never rendered (issue 9, rule 2)', async () => {
  const user = emulator.users[0];
  const page = await (await browser.newContext()).newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    return d.dismiss();
  });
  emulator.nextUserinfo({ profile: 'javascript:alert(document.domain)', picture: 'javascript:alert(2)', created_at: 8.64e15 });
  await page.goto(`${base}/`);
  await page.click('#sign-in');
  await page.waitForURL((url) => url.href.startsWith(emulator.url));
  await page.check(`input[name="user"][value="${user.sub}"]`);
  await page.click('button[name="decision"][value="approve"]');
  await page.waitForURL(`${base}/profile`);
  assert.equal(await page.locator('#profile-link').count(), 0, 'no link for an unchecked URL');
  assert.equal(await page.locator('img.avatar').count(), 0, 'no image for an unchecked URL');
  assert.equal(await page.textContent('#account-age'), 'unknown');
  assert.doesNotMatch(await page.content(), /javascript:/);
  assert.deepEqual(dialogs, []);
});

test('denying consent lands on a friendly message, not a stack trace', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  await page.click('#sign-in');
  await page.waitForURL((url) => url.href.startsWith(emulator.url));
  await page.click('button[name="decision"][value="deny"]');
  await page.waitForURL(`${base}/login-failed`);
  const message = await page.textContent('#message');
  assert.match(message, /denied/i);
  assert.doesNotMatch(await page.content(), /at .*\.js:\d+/);
  await shot(page, '08-denied');
});
