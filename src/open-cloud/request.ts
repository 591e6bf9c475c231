import type { OpenCloudClient } from './client';

/**
 * The field `openCloud()` adds to Express's `Request`. Importing `passport-roblox-oidc/open-cloud` adds it to the
 * global `Express.Request` type.
 *
 * @example
 * ```ts
 * app.get('/me/groups', openCloud({ client }), async (req, res) => res.json(await req.robloxCloud!.groups.memberships('-', { user: id }).all()));
 * ```
 */
export interface RobloxOpenCloudRequestFields {
  /** An OpenCloudClient bound to the request's user, set by `openCloud()`. */
  robloxCloud?: OpenCloudClient;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request extends RobloxOpenCloudRequestFields {}
  }
}
