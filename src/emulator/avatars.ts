import type { EmulatorUser } from './types';

/** Where the emulator serves generated headshots: `/avatars/<sub>.svg`. */
export const AVATAR_PREFIX = '/avatars/';

/** The default picture of a user: a headshot the emulator serves itself, so demos show avatars offline. */
export function localAvatarPath(sub: string): string {
  return `${AVATAR_PREFIX}${encodeURIComponent(sub)}.svg`;
}

/** Resolves pictures given as paths (`/avatars/1.svg`) against the emulator's URL. The copy is frozen like the user. */
export function resolvePicture(user: EmulatorUser, url: string): EmulatorUser {
  return user.picture !== null && user.picture.startsWith('/') ? Object.freeze({ ...user, picture: `${url}${user.picture}` }) : user;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A simple SVG headshot: the user's initial on a colour derived from the sub. Undefined for unknown users. */
export function avatarSvg(path: string, users: ReadonlyMap<string, EmulatorUser>): string | undefined {
  const m = /^\/avatars\/([^/]+)\.svg$/.exec(path);
  let sub: string;
  try {
    sub = m ? decodeURIComponent(m[1] as string) : '';
  } catch {
    return undefined;
  }
  const user = users.get(sub);
  if (!user) return undefined;
  let hash = 0;
  for (const ch of sub) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  const initial = escapeXml((user.displayName.trim()[0] ?? '?').toUpperCase());
  return `<svg xmlns="http://www.w3.org/2000/svg" width="150" height="150" viewBox="0 0 150 150">` +
    `<rect width="150" height="150" fill="hsl(${hash},55%,45%)"/>` +
    `<circle cx="75" cy="58" r="30" fill="hsl(${hash},60%,85%)"/>` +
    `<path d="M25 150c0-32 22-50 50-50s50 18 50 50z" fill="hsl(${hash},60%,85%)"/>` +
    `<text x="75" y="70" font-family="sans-serif" font-size="30" font-weight="700" text-anchor="middle" fill="hsl(${hash},55%,30%)">${initial}</text></svg>`;
}
