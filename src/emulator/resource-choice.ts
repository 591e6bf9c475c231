import { IDENTITY_SCOPES } from './defaults';
import type { Params } from './http-io';
import type { EmulatorResources, EmulatorUser } from './types';

/** Whether any scope grants access to resources (anything but an identity scope): then the user picks which. */
export function asksForResources(scope: readonly string[]): boolean {
  return scope.some((s) => !IDENTITY_SCOPES.has(s));
}

/** One checkbox of the consent page's resource picker. */
export interface ResourceOption {
  /** The form field's name, unique per user and resource: `share:<sub>:universe:<id>`, `share:<sub>:group:<id>:creator`, … */
  name: string;
  label: string;
}

const universeField = (sub: string, id: string) => `share:${sub}:universe:${id}`;
const creatorField = (sub: string) => `share:${sub}:creator`;
const groupUniverseField = (sub: string, group: string, id: string) => `share:${sub}:group:${group}:universe:${id}`;
const groupCreatorField = (sub: string, group: string) => `share:${sub}:group:${group}:creator`;

/**
 * What a user can share with an app asking for a resource scope, as Roblox's consent page offers it: each of
 * their experiences, their own account as a creator, and per group its experiences and the group as a creator.
 */
export function resourceOptions(user: EmulatorUser): ResourceOption[] {
  const { sub, username, resources: r } = user;
  const options: ResourceOption[] = r.universes.map((id) => ({ name: universeField(sub, id), label: `Experience ${id}` }));
  if (r.creator) options.push({ name: creatorField(sub), label: `Your account @${username} as a creator` });
  for (const g of r.groups) {
    for (const id of g.universes) options.push({ name: groupUniverseField(sub, g.id, id), label: `Experience ${id} of group ${g.id}` });
    if (g.creator) options.push({ name: groupCreatorField(sub, g.id), label: `Group ${g.id} as a creator` });
  }
  return options;
}

/**
 * The part of the user's resources whose checkboxes were posted. Fields of other users (one form lists every
 * test user) and unknown fields are ignored; nothing checked shares nothing.
 */
export function chosenResources(user: EmulatorUser, form: Params): EmulatorResources {
  const { sub, resources: r } = user;
  const groups = r.groups
    .map((g) => ({
      id: g.id,
      universes: g.universes.filter((id) => form.has(groupUniverseField(sub, g.id, id))),
      creator: g.creator && form.has(groupCreatorField(sub, g.id)),
    }))
    .filter((g) => g.universes.length > 0 || g.creator);
  return { universes: r.universes.filter((id) => form.has(universeField(sub, id))), creator: r.creator && form.has(creatorField(sub)), groups };
}
