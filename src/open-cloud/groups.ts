import { RobloxInvalidArgumentError } from '../errors';
import type { OpenCloudClient } from './client';
import { pageSize, robloxId } from './ids';
import { page, resource } from './narrow';
import { OpenCloudPager } from './pager';
import type { OpenCloudGroup, OpenCloudGroupMembership, OpenCloudGroupRole, OpenCloudMembershipFilter, OpenCloudPageOptions } from './types';

const groupOf = (v: unknown) =>
  resource<OpenCloudGroup>(v, 'a group', { path: 'string', id: 'string', displayName: 'string' }, {
    description: 'string', owner: 'string', memberCount: 'number', publicEntryAllowed: 'boolean', locked: 'boolean', verified: 'boolean',
  });
const membershipOf = (v: unknown) => resource<OpenCloudGroupMembership>(v, 'a membership', { path: 'string', user: 'string' }, { role: 'string', roles: 'array' });
const roleOf = (v: unknown) =>
  resource<OpenCloudGroupRole>(v, 'a role', { path: 'string', id: 'string', displayName: 'string', rank: 'number' }, { memberCount: 'number', permissions: 'object' });

/** Builds Roblox's membership filter (CEL, `==` and `in` only). */
export function membershipFilterText(groupId: string, f: OpenCloudMembershipFilter = {}): string | undefined {
  const bad = (why: string) => new RobloxInvalidArgumentError(`The membership filter ${why}`, { providerStatus: 0 });
  if (f.user !== undefined && f.role !== undefined) throw bad('takes a user or a role, not both');
  if (Array.isArray(f.user)) {
    if (f.user.length === 0 || f.user.length > 50) throw bad('takes from 1 to 50 users');
    return `user in [${f.user.map((u) => `'users/${robloxId(u, 'user ID')}'`).join(', ')}]`;
  }
  if (f.user !== undefined) return `user == 'users/${robloxId(f.user, 'user ID')}'`;
  if (f.role !== undefined) {
    if (groupId === '-') throw bad('needs a group to filter by role');
    return `role == 'groups/${groupId}/roles/${robloxId(f.role, 'role ID')}'`;
  }
  return undefined;
}

/** `cloud.groups`: Get Group, List Group Memberships, List Group Roles. */
export class GroupsApi {
  constructor(private readonly cloud: OpenCloudClient) {}

  /**
   * A group.
   *
   * @example
   * ```ts
   * const { displayName, memberCount } = await cloud.groups.get('7654321');
   * ```
   */
  async get(groupId: string): Promise<OpenCloudGroup> {
    return this.cloud.request({ method: 'GET', path: `/cloud/v2/groups/${robloxId(groupId, 'group ID')}`, parse: groupOf, what: 'reading a group' });
  }

  /**
   * A group's memberships (default 10, at most 100 a page), optionally for some users or one role. With group
   * `'-'`, the memberships of the given users in every group (a user filter is then required).
   *
   * @example
   * ```ts
   * for await (const m of cloud.groups.memberships('7654321')) console.log(m.user, m.roles);
   * const mine = await cloud.groups.memberships('-', { user: me }).all();
   * ```
   */
  memberships(groupId: string, filter: OpenCloudMembershipFilter & OpenCloudPageOptions = {}): OpenCloudPager<OpenCloudGroupMembership> {
    const { maxPageSize, ...rest } = filter;
    const id = groupId === '-' ? '-' : robloxId(groupId, 'group ID');
    if (id === '-' && rest.user === undefined) throw new RobloxInvalidArgumentError('Listing memberships of every group needs a user filter', { providerStatus: 0 });
    const query = { maxPageSize: pageSize(maxPageSize, 100), filter: membershipFilterText(id, rest) };
    return new OpenCloudPager((pageToken) =>
      this.cloud.request({
        method: 'GET', path: `/cloud/v2/groups/${id}/memberships`, query: { ...query, pageToken },
        parse: (b) => page(b, 'groupMemberships', membershipOf), what: 'listing group memberships',
      }),
    );
  }

  /**
   * A group's roles, lowest rank first (default 10, at most 20 a page). `permissions` is shown for the guest role,
   * and with `group:read` for the user's own roles (every role for the owner).
   *
   * @example
   * ```ts
   * const roles = await cloud.groups.roles('7654321').all();
   * ```
   */
  roles(groupId: string, options: OpenCloudPageOptions = {}): OpenCloudPager<OpenCloudGroupRole> {
    const path = `/cloud/v2/groups/${robloxId(groupId, 'group ID')}/roles`;
    const query = { maxPageSize: pageSize(options.maxPageSize, 20) };
    return new OpenCloudPager((pageToken) =>
      this.cloud.request({ method: 'GET', path, query: { ...query, pageToken }, parse: (b) => page(b, 'groupRoles', roleOf), what: 'listing group roles' }),
    );
  }
}
