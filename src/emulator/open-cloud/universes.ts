import { type CloudBody, type CloudCall, hasScope, readJsonBody, universeShared } from './call';
import { v2 } from './problem';
import type { OpenCloudUniverseSeed } from './types';

/** MessagingService's limits, shared by Open Cloud publishing. */
export const MAX_TOPIC_LENGTH = 80;
export const MAX_MESSAGE_LENGTH = 1024;

function universeOf(call: CloudCall, id: string): OpenCloudUniverseSeed {
  const u = call.state.data.universes.get(id);
  if (!u) throw v2('NOT_FOUND', 'Universe not found.');
  return u;
}

/** `GET /cloud/v2/universes/{universe_id}`: no scope needed. */
export function getUniverse(call: CloudCall): CloudBody {
  const u = universeOf(call, call.params[0] as string);
  return {
    path: `universes/${u.id}`,
    createTime: '2020-03-20T05:34:55Z',
    updateTime: '2024-05-01T00:00:00Z',
    displayName: u.displayName,
    description: u.description ?? '',
    ...('user' in u.owner ? { user: `users/${u.owner.user}` } : { group: `groups/${u.owner.group}` }),
    visibility: u.visibility ?? 'PUBLIC',
    voiceChatEnabled: false,
    ageRating: 'AGE_RATING_ALL',
    desktopEnabled: true,
    mobileEnabled: true,
    tabletEnabled: true,
    consoleEnabled: false,
    vrEnabled: false,
    rootPlace: `universes/${u.id}/places/${u.rootPlaceId}`,
  };
}

/** The scope, then the consent-time choice of this universe: both or 403. */
function authorize(call: CloudCall, scope: string, universeId: string): void {
  if (!hasScope(call, scope)) throw v2('PERMISSION_DENIED', 'Insufficient scopes.');
  if (!universeShared(call, universeId)) throw v2('PERMISSION_DENIED', 'The authorization does not include this universe.');
}

/** `POST /cloud/v2/universes/{universe_id}:publishMessage` `{ topic, message }`: recorded in `emu.messages`; 200, empty body. */
export async function publishMessage(call: CloudCall): Promise<CloudBody> {
  const universeId = call.params[0] as string;
  authorize(call, 'universe-messaging-service:publish', universeId);
  universeOf(call, universeId);
  const body = await readJsonBody(call.req);
  const { topic, message } = body;
  if (typeof topic !== 'string' || topic === '') throw v2('INVALID_ARGUMENT', 'Topic is required.');
  if (typeof message !== 'string') throw v2('INVALID_ARGUMENT', 'Message is required.');
  if (topic.length > MAX_TOPIC_LENGTH) throw v2('INVALID_ARGUMENT', 'Topic is too long.');
  if (message.length > MAX_MESSAGE_LENGTH) throw v2('INVALID_ARGUMENT', 'Message is too long.');
  const messages = call.state.messages;
  if (messages.length >= 10_000) messages.shift();
  messages.push({ universeId, topic, message, clientId: call.token.clientId, sub: call.token.sub, at: call.ctx.settings.now() });
  return '';
}

/** `POST /cloud/v2/universes/{universe_id}:restartServers`: recorded in `emu.openCloud.restarts`; answers `{}`. */
export async function restartServers(call: CloudCall): Promise<CloudBody> {
  const universeId = call.params[0] as string;
  authorize(call, 'universe:write', universeId);
  universeOf(call, universeId);
  const body = await readJsonBody(call.req);
  const { placeIds, closeAllVersions, bleedOffServers, bleedOffDurationMinutes } = body;
  if (placeIds !== undefined && (!Array.isArray(placeIds) || placeIds.some((p) => !Number.isSafeInteger(Number(p)) || Number(p) <= 0))) {
    throw v2('INVALID_ARGUMENT', 'Invalid place IDs.');
  }
  for (const flag of [closeAllVersions, bleedOffServers]) if (flag !== undefined && typeof flag !== 'boolean') throw v2('INVALID_ARGUMENT', 'Invalid boolean.');
  if (bleedOffDurationMinutes !== undefined && (!Number.isInteger(bleedOffDurationMinutes) || (bleedOffDurationMinutes as number) < 1 || (bleedOffDurationMinutes as number) > 60)) {
    throw v2('INVALID_ARGUMENT', 'bleedOffDurationMinutes must be from 1 to 60.');
  }
  const restarts = call.state.restarts;
  if (restarts.length >= 10_000) restarts.shift();
  restarts.push({ universeId, request: body, clientId: call.token.clientId, sub: call.token.sub, at: call.ctx.settings.now() });
  return {};
}
