import { asksForResources, resourceOptions } from './resource-choice';
import type { EmulatorClient, EmulatorUser } from './types';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know your Roblox user ID',
  profile: 'Read your username, display name, profile link and avatar headshot',
  'asset:read': 'Read your assets',
  'asset:write': 'Create and update assets on the accounts you choose',
  'group:read': 'Read your groups',
  'user.inventory-item:read': 'Read the items in your inventory',
  'user.advanced:read': 'Read advanced information about your account',
  'user.social:read': 'Read your social information',
  'universe-messaging-service:publish': 'Publish messages to the experiences you choose',
  'universe.place:write': 'Publish places of the experiences you choose',
  'universe:write': 'Update the experiences you choose',
};

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f2f4f5;color:#191b1d;margin:0;padding:2rem}
main{max-width:32rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem}code{background:#eef;padding:0 .2rem;border-radius:3px}
ul{padding-left:1.2rem}fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0}
label{display:block;padding:.3rem 0;cursor:pointer}small{color:#606770}
.share{margin:.1rem 0 .6rem 1.6rem;padding:.2rem .8rem;font-size:.9rem}.share legend{font-size:.8rem;color:#606770}
.actions{display:flex;gap:.8rem;justify-content:flex-end}
button{font-size:1rem;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #99a;background:#fff;cursor:pointer}
button[value=approve]{background:#0066e0;border-color:#0066e0;color:#fff}
.note{font-size:.8rem;color:#606770;margin-top:1.2rem}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What the consent page shows. */
export interface ConsentPageInput {
  client: EmulatorClient;
  scope: readonly string[];
  users: readonly EmulatorUser[];
  /** The single-use pending request ID the form carries instead of the authorization parameters. */
  requestId: string;
  /** Where the decision is posted. */
  action: string;
  redirectUri: string;
}

/** The accounts and experiences a user may share, each checked by default, as Roblox's consent page offers them. */
function sharePicker(user: EmulatorUser, index: number): string {
  const options = resourceOptions(user);
  const boxes = options.length
    ? options
        .map((o) => `<label><input type="checkbox" name="${escapeHtml(o.name)}" value="on" checked> ${escapeHtml(o.label)}</label>`)
        .join('\n')
    : '<small>No accounts or experiences to share.</small>';
  return `<fieldset class="share" id="share-${index}">\n<legend>Share with the app, when signed in as @${escapeHtml(user.username)}</legend>\n${boxes}\n</fieldset>`;
}

/**
 * The consent page: the app's name, the scopes it asks for, a radio button per test user and Approve / Deny.
 * When a resource scope is asked for, each user also gets the accounts and experiences to share, all checked.
 * Stable selectors: `input[name=user][value=<sub>]`, `button[name=decision][value=approve|deny]`, and the
 * checkboxes `input[name="share:<sub>:universe:<id>"]`, `share:<sub>:creator`, `share:<sub>:group:<id>:universe:<id>`,
 * `share:<sub>:group:<id>:creator`.
 */
export function consentPage(input: ConsentPageInput): string {
  const { client, scope, users, requestId, action, redirectUri } = input;
  const scopes = scope
    .map((s) => `<li><code>${escapeHtml(s)}</code>${SCOPE_TEXT[s] ? ` <small>${escapeHtml(SCOPE_TEXT[s] as string)}</small>` : ''}</li>`)
    .join('\n');
  const picker = asksForResources(scope);
  const choices = users
    .map(
      (u, i) =>
        `<label for="user-${i}"><input type="radio" id="user-${i}" name="user" value="${escapeHtml(u.sub)}"${i === 0 ? ' checked' : ''} required> ` +
        `<strong>${escapeHtml(u.displayName)}</strong> <small>@${escapeHtml(u.username)} · ID ${escapeHtml(u.sub)}</small></label>` +
        (picker ? `\n${sharePicker(u, i)}` : ''),
    )
    .join('\n');
  let destination = redirectUri;
  try {
    destination = new URL(redirectUri).origin;
  } catch {
    // Registered URIs are validated at start; keep the raw text if one is odd anyway.
  }
  return page(
    `Authorize ${client.name} - Roblox OAuth emulator`,
    `<h1 id="title">Authorize <span id="app-name">${escapeHtml(client.name)}</span></h1>
<p><span id="app-client-id"><code>${escapeHtml(client.clientId)}</code></span> wants to:</p>
<ul id="scopes">
${scopes}
</ul>
<form method="post" action="${escapeHtml(action)}" id="consent">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
<fieldset>
<legend>Sign in as</legend>
${choices}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
</div>
</form>
<p class="note">You will be sent back to <code>${escapeHtml(destination)}</code>. This is a local Roblox OAuth emulator: no Roblox account is used.</p>`,
  );
}

/** A page for errors that cannot go back to the app (unknown client, unregistered redirect URI, stale consent). */
export function errorPage(title: string, message: string): string {
  return page(
    `${title} - Roblox OAuth emulator`,
    `<h1 id="error-title">${escapeHtml(title)}</h1>
<p id="error-message">${escapeHtml(message)}</p>
<p class="note">This is a local Roblox OAuth emulator.</p>`,
  );
}
