import { randomBytes } from 'node:crypto';
import { type CloudBody, type CloudCall, hasScope } from './call';
import { inventoryFilter } from './filters';
import { paginate } from './pagination';
import { v2 } from './problem';

const SIZES = new Set(['48', '50', '60', '75', '100', '110', '150', '180', '352', '420', '720']);
const FORMATS = new Set(['FORMAT_UNSPECIFIED', 'PNG', 'JPEG']);
const SHAPES = new Set(['SHAPE_UNSPECIFIED', 'ROUND', 'SQUARE']);

function userOf(call: CloudCall, id: string) {
  const user = call.ctx.users.get(id);
  if (!user) throw v2('NOT_FOUND', 'User not found.');
  return user;
}

/** `GET /cloud/v2/users/{user_id}`: public fields; `idVerified` with `user.advanced:read`, social profiles with `user.social:read`. */
export function getUser(call: CloudCall): CloudBody {
  const [id] = call.params as [string];
  const user = userOf(call, id);
  const seed = call.state.data.users.get(id);
  const body: Record<string, unknown> = {
    path: `users/${id}`,
    createTime: new Date(user.createdAt * 1000).toISOString(),
    id,
    name: user.username,
    displayName: user.displayName,
    about: seed?.about ?? '',
    locale: seed?.locale ?? 'en-us',
    premium: seed?.premium ?? false,
  };
  if (hasScope(call, 'user.advanced:read')) body.idVerified = seed?.idVerified ?? false;
  if (hasScope(call, 'user.social:read') && seed?.socialNetworkProfiles) body.socialNetworkProfiles = { ...seed.socialNetworkProfiles };
  return body;
}

/** `GET /cloud/v2/users/{user_id}:generateThumbnail`: a long-running operation, done after `thumbnailPolls` polls. */
export function generateThumbnail(call: CloudCall): CloudBody {
  const [id] = call.params as [string];
  const user = userOf(call, id);
  const size = call.query.get('size') || '420';
  const format = call.query.get('format') || 'PNG';
  const shape = call.query.get('shape') || 'ROUND';
  if (!SIZES.has(size)) throw v2('INVALID_ARGUMENT', 'Invalid thumbnail size.');
  if (!FORMATS.has(format)) throw v2('INVALID_ARGUMENT', 'Invalid thumbnail format.');
  if (!SHAPES.has(shape)) throw v2('INVALID_ARGUMENT', 'Invalid thumbnail shape.');
  const picture = user.picture ?? `/avatars/${encodeURIComponent(id)}.svg`;
  const imageUri = new URL(`${picture}${picture.includes('?') ? '&' : '?'}size=${size}&shape=${shape}`, call.ctx.url).toString();
  const opId = randomBytes(8).toString('hex');
  const op = { user: id, pollsLeft: call.state.data.thumbnailPolls, imageUri };
  if (call.state.operations.size >= 10_000) call.state.operations.delete(call.state.operations.keys().next().value as string);
  call.state.operations.set(opId, op);
  return operationBody(opId, op);
}

/** `GET /cloud/v2/users/{user_id}/operations/{operation_id}`: polls a thumbnail operation. */
export function getThumbnailOperation(call: CloudCall): CloudBody {
  const [id, opId] = call.params as [string, string];
  const op = call.state.operations.get(opId);
  if (!op || op.user !== id) throw v2('NOT_FOUND', 'Operation not found.');
  if (op.pollsLeft > 0) op.pollsLeft--;
  return operationBody(opId, op);
}

function operationBody(opId: string, op: { user: string; pollsLeft: number; imageUri: string }): CloudBody {
  const path = `users/${op.user}/operations/${opId}`;
  if (op.pollsLeft > 0) return { path, done: false };
  return { path, done: true, response: { '@type': 'apis.roblox.com/roblox.open_cloud.cloud.v2.GenerateUserThumbnailResponse', imageUri: op.imageUri } };
}

/**
 * `GET /cloud/v2/users/{user_id}/inventory-items`: a public inventory to anyone; a private one only to a token of
 * that same user with `user.inventory-item:read`. Private servers and purchased places always need the scope.
 */
export function listInventory(call: CloudCall): CloudBody {
  const [id] = call.params as [string];
  userOf(call, id);
  const seed = call.state.data.users.get(id);
  const own = call.token.sub === id && hasScope(call, 'user.inventory-item:read');
  if (!seed?.inventoryPublic && !own) throw v2('PERMISSION_DENIED', 'Insufficient permissions to view this inventory.');
  const filter = inventoryFilter(call.query.get('filter') ?? '');
  if (filter.needsScope && !own) throw v2('PERMISSION_DENIED', 'This filter requires the user.inventory-item:read scope.');
  const items = (seed?.inventory ?? []).filter((item) => filter.matches(item, own));
  const { page, nextPageToken } = paginate(items, call.query, `users/${id}/inventory-items`, { defaultSize: 10, maxSize: 100 }, true);
  return { inventoryItems: page.map(({ id: itemId, ...rest }) => ({ path: `users/${id}/inventory-items/${itemId}`, ...structuredClone(rest) })), nextPageToken };
}
