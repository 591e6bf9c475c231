import { type CloudBody, type CloudCall, hasScope } from './call';
import { membershipFilter } from './filters';
import { paginate } from './pagination';
import { v2 } from './problem';
import type { OpenCloudGroupSeed } from './types';

const EPOCH = '2019-01-01T00:00:00Z';
const UPDATED = '2024-05-01T00:00:00Z';

function groupOf(call: CloudCall, id: string): OpenCloudGroupSeed {
  const group = call.state.data.groups.get(id);
  if (!group) throw v2('NOT_FOUND', 'Group not found.');
  return group;
}

/** `GET /cloud/v2/groups/{group_id}`. */
export function getGroup(call: CloudCall): CloudBody {
  const g = groupOf(call, call.params[0] as string);
  return {
    path: `groups/${g.id}`,
    createTime: EPOCH,
    updateTime: UPDATED,
    id: g.id,
    displayName: g.displayName,
    description: g.description ?? '',
    ...(g.owner !== undefined ? { owner: `users/${g.owner}` } : {}),
    memberCount: g.members.length,
    publicEntryAllowed: g.publicEntryAllowed ?? true,
    locked: g.locked ?? false,
    verified: g.verified ?? false,
  };
}

/**
 * `GET /cloud/v2/groups/{group_id}/memberships` (default 10, max 100 a page), filtered by user or role. With
 * `groups/-/memberships` a user filter is mandatory and the memberships of every group are searched.
 */
export function listMemberships(call: CloudCall): CloudBody {
  const groupId = call.params[0] as string;
  const filter = membershipFilter(call.query.get('filter'));
  let groups: OpenCloudGroupSeed[];
  if (groupId === '-') {
    if (!filter.users) throw v2('INVALID_ARGUMENT', 'A user filter is required when listing memberships of all groups.');
    groups = [...call.state.data.groups.values()];
  } else {
    groups = [groupOf(call, groupId)];
  }
  const all = groups.flatMap((g) =>
    g.members
      .filter((m) => (!filter.users || filter.users.has(m.user)) && (!filter.role || m.roles.some((r) => `groups/${g.id}/roles/${r}` === filter.role)))
      .map((m) => {
        const roles = [...m.roles].sort((a, b) => rankOf(g, b) - rankOf(g, a)).map((r) => `groups/${g.id}/roles/${r}`);
        return {
          path: `groups/${g.id}/memberships/${Buffer.from(m.user).toString('base64url')}`,
          createTime: EPOCH,
          updateTime: UPDATED,
          user: `users/${m.user}`,
          role: roles[0],
          roles,
        };
      }),
  );
  const { page, nextPageToken } = paginate(all, call.query, `groups/${groupId}/memberships`, { defaultSize: 10, maxSize: 100 });
  return { groupMemberships: page, nextPageToken };
}

function rankOf(g: OpenCloudGroupSeed, roleId: string): number {
  return g.roles.find((r) => r.id === roleId)?.rank ?? 0;
}

/**
 * `GET /cloud/v2/groups/{group_id}/roles` (default 10, max 20 a page). `permissions`: the guest role's always;
 * with `group:read`, a member sees their own roles', the owner every role's. Description and times: owner only.
 */
export function listRoles(call: CloudCall): CloudBody {
  const g = groupOf(call, call.params[0] as string);
  const sub = call.token.sub;
  const isOwner = g.owner === sub;
  const mine = new Set(g.members.find((m) => m.user === sub)?.roles ?? []);
  const read = hasScope(call, 'group:read');
  const roles = [...g.roles].sort((a, b) => a.rank - b.rank).map((r) => {
    const guest = r.rank === 0;
    const body: Record<string, unknown> = { path: `groups/${g.id}/roles/${r.id}`, id: r.id, displayName: r.displayName, rank: r.rank };
    if (!guest) body.memberCount = g.members.filter((m) => m.roles.includes(r.id)).length;
    if (isOwner) Object.assign(body, { description: r.description ?? '', createTime: EPOCH, updateTime: UPDATED });
    if (guest || (read && (isOwner || mine.has(r.id)))) body.permissions = { ...(r.permissions ?? {}) };
    return body;
  });
  const { page, nextPageToken } = paginate(roles, call.query, `groups/${g.id}/roles`, { defaultSize: 10, maxSize: 20 });
  return { groupRoles: page, nextPageToken };
}
