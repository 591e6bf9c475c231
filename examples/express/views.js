'use strict';
// Server-rendered pages of the demo: no external assets, everything escaped.

const escapeHtml = (value) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const ROBLOX_MARK =
  '<svg class="mark" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">' +
  '<path fill="currentColor" d="M5.2 1 1 18.8 18.8 23 23 5.2 5.2 1Zm8.9 13.6-4.7-1.1 1.1-4.7 4.7 1.1-1.1 4.7Z"/></svg>';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f4f5;color:#1b1d1f}
header{background:#fff;border-bottom:1px solid #dde1e4}header .bar{max-width:760px;margin:0 auto;padding:12px 20px;display:flex;align-items:center;gap:16px}
header .brand{font-weight:700;color:inherit;text-decoration:none;margin-right:auto}header nav a{color:#335fff;margin-left:12px}
main{max-width:760px;margin:32px auto;padding:0 20px}.card{background:#fff;border:1px solid #dde1e4;border-radius:12px;padding:28px}
h1{font-size:1.6rem;margin:0 0 12px}.muted{color:#5b6168}
.btn-roblox{display:inline-flex;align-items:center;gap:12px;min-height:44px;padding:10px 22px;border-radius:8px;background:#1b1d1f;color:#fff;
 font-weight:600;font-size:1rem;text-decoration:none;border:2px solid #1b1d1f;cursor:pointer}
.btn-roblox:hover{background:#393b3d;border-color:#393b3d}.btn-roblox:focus-visible,.btn:focus-visible{outline:3px solid #335fff;outline-offset:3px}
.btn{display:inline-block;min-height:40px;padding:8px 18px;border-radius:8px;border:1px solid #b8bdc2;background:#fff;color:#1b1d1f;font:inherit;cursor:pointer;text-decoration:none}
.btn.primary{background:#335fff;border-color:#335fff;color:#fff}
.profile{display:flex;gap:24px;align-items:center}.avatar{width:120px;height:120px;border-radius:50%;background:#e3e6e8;object-fit:cover;flex:none}
.avatar.none{display:flex;align-items:center;justify-content:center;font-size:2.5rem;font-weight:700;color:#5b6168}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px}dt{color:#5b6168}dd{margin:0}
.notice{padding:12px 16px;border-radius:8px;margin-bottom:16px;background:#e8f5e9;border:1px solid #a5d6a7}.notice.error{background:#fdecea;border-color:#f5b7b1}
ul.chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px}ul.chips li{background:#eef1ff;border-radius:999px;padding:2px 12px;font-family:ui-monospace,monospace;font-size:.9rem}
form.inline{display:inline}
`;

/** The hidden field every POST form carries (see csrf.js). */
const csrfField = (csrf) => `<input type="hidden" name="_csrf" value="${escapeHtml(csrf ?? '')}">`;

// Set by the cluster demo (npm run start:cluster): every page names the instance that answered it.
let instanceLabel;
function setInstanceLabel(label) {
  instanceLabel = label;
}

function layout({ title, user, body, csrf }) {
  const nav = user
    ? `<nav aria-label="Account"><a href="/profile">Profile</a><a href="/tokens">Tokens</a><a href="/resources">Resources</a><a href="/cloud">Open Cloud</a></nav>
       <form class="inline" method="post" action="/logout">${csrfField(csrf)}<button class="btn" type="submit" id="logout">Sign out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Roblox sign-in demo</title><style>${STYLE}</style></head>
<body><header><div class="bar"><a class="brand" href="/">Roblox sign-in demo</a>${nav}</div></header>
<main id="main">${body}</main>${instanceLabel ? `<footer class="muted" id="instance">Answered by ${escapeHtml(instanceLabel)}</footer>` : ''}</body></html>`;
}

function home({ user, csrf, notice }) {
  const body = user
    ? `<div class="card"><h1>Welcome back, ${escapeHtml(user.displayName)}</h1>
       <p>You are signed in with Roblox as <strong>@${escapeHtml(user.username ?? user.id)}</strong>.</p>
       <p><a class="btn primary" href="/profile">View your profile</a></p></div>`
    : `<div class="card"><h1>Sign in to continue</h1>
       ${notice ? `<div class="notice error" role="alert">${escapeHtml(notice)}</div>` : ''}
       <p class="muted">This demo signs you in with your Roblox account. It never sees your password.</p>
       <p><a class="btn-roblox" id="sign-in" href="/auth/roblox?returnTo=%2Fprofile">${ROBLOX_MARK}<span>Sign in with Roblox</span></a></p></div>`;
  return layout({ title: 'Home', user, body, csrf });
}

function accountAge(createdAt) {
  if (!createdAt) return 'unknown';
  const created = new Date(createdAt);
  const days = Math.floor((Date.now() - created.getTime()) / 86_400_000);
  const years = Math.floor(days / 365);
  const span = years >= 1 ? `${years} year${years === 1 ? '' : 's'}` : `${days} day${days === 1 ? '' : 's'}`;
  return `${span} (joined ${created.toISOString().slice(0, 10)})`;
}

function profile({ user, csrf }) {
  const initial = escapeHtml((user.displayName || '?').slice(0, 1).toUpperCase());
  const avatar = user.picture
    ? `<img class="avatar" src="${escapeHtml(user.picture)}" alt="Avatar of ${escapeHtml(user.displayName)}" width="120" height="120">`
    : `<div class="avatar none" role="img" aria-label="No avatar">${initial}</div>`;
  const body = `<div class="card"><div class="profile">${avatar}<div>
    <h1 id="display-name">${escapeHtml(user.displayName)}</h1>
    <dl><dt>Username</dt><dd id="username">@${escapeHtml(user.username ?? '')}</dd>
    <dt>User ID</dt><dd id="user-id">${escapeHtml(user.id)}</dd>
    <dt>Account age</dt><dd id="account-age">${escapeHtml(accountAge(user.createdAt))}</dd>
    <dt>Profile</dt><dd>${user.profileUrl ? `<a id="profile-link" href="${escapeHtml(user.profileUrl)}" rel="noopener noreferrer">${escapeHtml(user.profileUrl)}</a>` : 'not shared'}</dd></dl>
  </div></div></div>`;
  return layout({ title: 'Profile', user, body, csrf });
}

function tokens({ user, csrf, tokens: set, refreshedAt, notice }) {
  const expires = new Date(set.expiresAt);
  const body = `<div class="card"><h1>Your Roblox tokens</h1>
    ${notice ? `<div class="notice" role="status">${escapeHtml(notice)}</div>` : ''}
    <p class="muted">Tokens stay on the server; this page shows only what they allow and when they expire.</p>
    <dl><dt>Scopes</dt><dd><ul class="chips" id="scopes">${set.scope.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></dd>
    <dt>Access token expires</dt><dd><time id="expires-at" datetime="${expires.toISOString()}">${expires.toISOString().replace('T', ' ').slice(0, 19)} UTC</time></dd>
    <dt>Refresh token</dt><dd>${set.refreshToken ? 'stored (single-use: replaced at every refresh)' : 'none'}</dd>
    <dt>Last refreshed</dt><dd id="refreshed-at">${refreshedAt ? escapeHtml(new Date(refreshedAt).toISOString().replace('T', ' ').slice(0, 19)) + ' UTC' : 'never'}</dd></dl>
    <form method="post" action="/tokens/refresh">${csrfField(csrf)}<button class="btn primary" type="submit" id="refresh">Refresh now</button></form></div>`;
  return layout({ title: 'Tokens', user, body, csrf });
}

function resources({ user, csrf, resources: r }) {
  const owner = (o) => `${o.type === 'Group' ? 'Group' : 'User'} ${escapeHtml(o.id)}`;
  const universes = r.universes.length
    ? `<ul id="universes">${r.universes.map((u) => `<li>Universe <strong>${escapeHtml(u.id)}</strong> · owned by ${owner(u.owner)}</li>`).join('')}</ul>`
    : '<p id="universes">No experiences were shared with this app.</p>';
  const creators = r.creators.length
    ? `<ul id="creators">${r.creators.map((c) => `<li>${owner(c)}</li>`).join('')}</ul>`
    : '<p id="creators">No creator accounts were shared.</p>';
  const body = `<div class="card"><h1>Authorized resources</h1>
    <h2>Experiences</h2>${universes}<h2>Creator accounts</h2>${creators}</div>`;
  return layout({ title: 'Resources', user, body, csrf });
}

/** A page of the Open Cloud demo: `body` is already escaped HTML. */
function page({ user, csrf, title, body }) {
  return layout({ title, user, body: `<div class="card">${body}</div>`, csrf });
}

function message({ user, csrf, title, text, status }) {
  const body = `<div class="card"><h1>${escapeHtml(title)}</h1>
    <div class="notice error" role="alert" id="message">${escapeHtml(text)}</div>
    <p><a class="btn" href="/">Back to the home page</a></p>${status ? `<p class="muted">HTTP ${Number(status)}</p>` : ''}</div>`;
  return layout({ title, user, body, csrf });
}

module.exports = { STYLE, escapeHtml, home, profile, tokens, resources, message, page, setInstanceLabel };
