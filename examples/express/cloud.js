'use strict';
// Open Cloud pages of the demo: the visitor's groups and roles, their inventory, and "send a message to your
// experience". Each page asks for the extra scope it needs only when the visitor opens it.
const { authorizedResources } = require('passport-roblox-oidc');
const { openCloud, idOf, RobloxPermissionDeniedError, RobloxRateLimitError, RobloxSignInRequiredError } = require('passport-roblox-oidc/open-cloud');

const NEEDS = {
  inventory: { scope: 'user.inventory-item:read', returnTo: '/cloud/inventory' },
  messaging: { scope: 'universe-messaging-service:publish', returnTo: '/cloud/message' },
};

/**
 * Mounts /cloud, /cloud/groups, /cloud/inventory, /cloud/message and /auth/roblox/grant/:what.
 * @param {import('express').Express} app
 */
function mountCloudPages(app, { passport, strategy, scope, requireLogin, checkCsrf, views }) {
  const cloud = openCloud({ client: strategy.client, redirectTo: '/?signin=expired' });
  const page = (res, title, body) => res.send(views.page({ user: res.req.user, csrf: res.locals.csrf, title, body }));
  const e = views.escapeHtml;
  // Turns Open Cloud errors into pages a visitor understands; anything else goes to the app's error handler.
  const handle = (fn) => async (req, res, next) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof RobloxSignInRequiredError) return res.redirect('/?signin=expired');
      if (err instanceof RobloxPermissionDeniedError) {
        const why = { missing_scope: 'This needs a permission you have not granted yet.', resource_not_authorized: 'You did not share that experience with this app.', forbidden: 'Roblox does not allow this.' };
        return page(res.status(403), 'Not allowed', `<div class="notice error" role="alert" id="cloud-error">${e(why[err.reason])}</div>`);
      }
      if (err instanceof RobloxRateLimitError) {
        return page(res.status(429), 'Slow down', `<div class="notice error" role="alert" id="cloud-error">Roblox asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s before trying again.</div>`);
      }
      next(err);
    }
  };
  const grantLink = (what, label) => `<p><a class="btn primary" id="grant-${what}" href="/auth/roblox/grant/${what}">${e(label)}</a></p>`;

  // Incremental consent: sign in again with one more scope, then come back to the page that needed it.
  app.get('/auth/roblox/grant/:what', requireLogin, (req, res, next) => {
    const need = NEEDS[req.params.what];
    if (!need) return res.redirect('/cloud');
    const current = req.session.robloxTokens?.scope ?? scope;
    passport.authenticate('roblox', { scope: [...new Set([...current, need.scope])], returnTo: need.returnTo })(req, res, next);
  });

  app.get('/cloud', requireLogin, (req, res) =>
    page(res, 'Open Cloud', `<h1>Roblox Open Cloud</h1><p class="muted">What this app can do for you with your permission.</p>
      <ul><li><a href="/cloud/groups" id="cloud-groups">Your groups and roles</a></li>
      <li><a href="/cloud/inventory" id="cloud-inventory">Your inventory</a></li>
      <li><a href="/cloud/message" id="cloud-message">Send a message to your experience</a></li></ul>`),
  );

  app.get('/cloud/groups', requireLogin, cloud, handle(async (req, res) => {
    const c = req.robloxCloud;
    const memberships = await c.groups.memberships('-', { user: req.user.id }).all();
    const rows = [];
    for (const m of memberships) {
      const groupId = m.path.split('/')[1];
      const [group, roles] = await Promise.all([c.groups.get(groupId), c.groups.roles(groupId).all()]);
      const mine = roles.filter((r) => (m.roles ?? [m.role]).includes(r.path)).map((r) => `${r.displayName} (rank ${r.rank})`);
      rows.push(`<li><strong>${e(group.displayName)}</strong> · ${e(group.memberCount ?? '?')} members · your roles: <span class="roles">${e(mine.join(', '))}</span></li>`);
    }
    const body = rows.length ? `<ul id="groups">${rows.join('')}</ul>` : '<p id="groups">You are not in any group.</p>';
    page(res, 'Your groups', `<h1>Your groups</h1>${body}`);
  }));

  app.get('/cloud/inventory', requireLogin, cloud, handle(async (req, res) => {
    const c = req.robloxCloud;
    if (!c.hasScopes(NEEDS.inventory.scope)) {
      return page(res, 'Your inventory', `<h1>Your inventory</h1><p>Your inventory is private: allow this app to read it.</p>${grantLink('inventory', 'Allow inventory access')}`);
    }
    const token = typeof req.query.page === 'string' ? req.query.page : undefined;
    const { items, nextPageToken } = await c.users.inventory(req.user.id, { maxPageSize: 10 }).page(token);
    const describe = (i) =>
      i.assetDetails ? `${i.assetDetails.inventoryItemAssetType} ${i.assetDetails.assetId}` : i.badgeDetails ? `Badge ${i.badgeDetails.badgeId}` :
      i.gamePassDetails ? `Game pass ${i.gamePassDetails.gamePassId}` : i.privateServerDetails ? `Private server ${i.privateServerDetails.privateServerId}` : idOf(i.path);
    const list = items.length ? `<ul id="inventory">${items.map((i) => `<li>${e(describe(i))}</li>`).join('')}</ul>` : '<p id="inventory">Nothing more here.</p>';
    const more = nextPageToken ? `<p><a class="btn" id="next-page" href="/cloud/inventory?page=${encodeURIComponent(nextPageToken)}">Next page</a></p>` : '';
    const quota = c.rateLimit?.remaining !== undefined ? `<p class="muted" id="quota">Inventory reads left this minute: ${e(c.rateLimit.remaining)}</p>` : '';
    page(res, 'Your inventory', `<h1>Your inventory</h1>${list}${more}${quota}`);
  }));

  const resources = authorizedResources({ client: strategy.client, redirectTo: '/?signin=expired' });
  const messageForm = (req, res, notice) => {
    const c = req.robloxCloud;
    if (!c.hasScopes(NEEDS.messaging.scope)) {
      return page(res, 'Send a message', `<h1>Send a message to your experience</h1><p>Allow this app to message your experiences' live servers.</p>${grantLink('messaging', 'Allow messaging')}`);
    }
    const universes = req.robloxResources.universes;
    if (!universes.length) return page(res, 'Send a message', `<h1>Send a message to your experience</h1><p id="no-universes">You shared no experience with this app.</p>${grantLink('messaging', 'Share an experience')}`);
    page(res, 'Send a message', `<h1>Send a message to your experience</h1>
      ${notice ? `<div class="notice" role="status" id="sent">${e(notice)}</div>` : ''}
      <form method="post" action="/cloud/message"><input type="hidden" name="_csrf" value="${e(res.locals.csrf)}">
      <p><label>Experience <select name="universe" id="universe">${universes.map((u) => `<option value="${e(u.id)}">${e(u.id)}</option>`).join('')}</select></label></p>
      <p><label>Topic <input name="topic" id="topic" maxlength="80" required value="announcements"></label></p>
      <p><label>Message <input name="message" id="message-text" maxlength="1024" required></label></p>
      <p><button class="btn primary" type="submit" id="send">Send</button></p></form>`);
  };
  app.get('/cloud/message', requireLogin, cloud, resources, handle(async (req, res) => messageForm(req, res)));
  app.post('/cloud/message', requireLogin, checkCsrf, cloud, resources, handle(async (req, res) => {
    const universe = String(req.body.universe ?? '');
    if (!req.robloxResources.universes.some((u) => u.id === universe)) return messageForm(req, res.status(400), 'Pick one of your shared experiences.');
    await req.robloxCloud.universes.publishMessage(universe, { topic: String(req.body.topic ?? ''), message: String(req.body.message ?? '') });
    messageForm(req, res, `Sent to experience ${universe}.`);
  }));
}

module.exports = { mountCloudPages };
