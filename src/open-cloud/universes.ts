import { RobloxInvalidArgumentError } from '../errors';
import { isObject } from '../tokens/is-object';
import type { OpenCloudClient } from './client';
import { robloxId } from './ids';
import { resource } from './narrow';
import type { OpenCloudRestartServersRequest, OpenCloudUniverse } from './types';

/** Roblox's limits on a published message (shared with MessagingService). */
export const OPEN_CLOUD_MAX_TOPIC_LENGTH = 80;
/** At most 1,024 characters (1 KiB). */
export const OPEN_CLOUD_MAX_MESSAGE_LENGTH = 1024;

const universeOf = (v: unknown) =>
  resource<OpenCloudUniverse>(v, 'a universe', { path: 'string', displayName: 'string' }, {
    description: 'string', user: 'string', group: 'string', visibility: 'string', rootPlace: 'string',
  });
const bad = (why: string) => new RobloxInvalidArgumentError(why, { providerStatus: 0 });

/** `cloud.universes`: Get Universe, Publish Message, Restart Servers. */
export class UniversesApi {
  constructor(private readonly cloud: OpenCloudClient) {}

  /**
   * A universe (experience): name, owner, root place.
   *
   * @example
   * ```ts
   * const { displayName, rootPlace } = await cloud.universes.get('3828411582');
   * ```
   */
  async get(universeId: string): Promise<OpenCloudUniverse> {
    return this.cloud.request({ method: 'GET', path: `/cloud/v2/universes/${robloxId(universeId, 'universe ID')}`, parse: universeOf, what: 'reading a universe' });
  }

  /**
   * Publishes a message to a topic of the experience's live servers (MessagingService). Needs
   * `universe-messaging-service:publish` and the experience picked by the user at consent. Topic ≤ 80 and
   * message ≤ 1,024 characters are checked before sending.
   *
   * @example
   * ```ts
   * await cloud.universes.publishMessage('3828411582', { topic: 'announcements', message: 'Double XP now!' });
   * ```
   */
  async publishMessage(universeId: string, input: { topic: string; message: string }): Promise<void> {
    const id = robloxId(universeId, 'universe ID');
    if (!isObject(input) || typeof input.topic !== 'string' || input.topic === '') throw bad('The message needs a topic');
    if (typeof input.message !== 'string') throw bad('The message must be a string');
    if (input.topic.length > OPEN_CLOUD_MAX_TOPIC_LENGTH) throw bad(`The topic is longer than ${OPEN_CLOUD_MAX_TOPIC_LENGTH} characters`);
    if (input.message.length > OPEN_CLOUD_MAX_MESSAGE_LENGTH) throw bad(`The message is longer than ${OPEN_CLOUD_MAX_MESSAGE_LENGTH} characters`);
    await this.cloud.request({
      method: 'POST', path: `/cloud/v2/universes/${id}:publishMessage`, body: { topic: input.topic, message: input.message },
      scopes: ['universe-messaging-service:publish'], resourceScoped: true, parse: () => undefined, what: 'publishing a message',
    });
  }

  /**
   * Restarts the experience's servers. Needs `universe:write` and the experience picked at consent.
   *
   * @example
   * ```ts
   * await cloud.universes.restartServers('3828411582', { closeAllVersions: true, bleedOffServers: true, bleedOffDurationMinutes: 5 });
   * ```
   */
  async restartServers(universeId: string, input: OpenCloudRestartServersRequest = {}): Promise<void> {
    const id = robloxId(universeId, 'universe ID');
    const body: OpenCloudRestartServersRequest = {};
    if (input.placeIds !== undefined) {
      if (!Array.isArray(input.placeIds) || input.placeIds.some((p) => !Number.isSafeInteger(p) || p <= 0)) throw bad('placeIds must be place IDs (positive integers)');
      body.placeIds = [...input.placeIds];
    }
    for (const k of ['closeAllVersions', 'bleedOffServers'] as const) {
      if (input[k] !== undefined) {
        if (typeof input[k] !== 'boolean') throw bad(`${k} must be a boolean`);
        body[k] = input[k];
      }
    }
    if (input.bleedOffDurationMinutes !== undefined) {
      const m = input.bleedOffDurationMinutes;
      if (!Number.isInteger(m) || m < 1 || m > 60) throw bad('bleedOffDurationMinutes must be an integer from 1 to 60');
      body.bleedOffDurationMinutes = m;
    }
    await this.cloud.request({
      method: 'POST', path: `/cloud/v2/universes/${id}:restartServers`, body, scopes: ['universe:write'], resourceScoped: true,
      parse: () => undefined, what: 'restarting servers',
    });
  }
}
