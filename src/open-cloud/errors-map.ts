import {
  RobloxInvalidArgumentError, RobloxNotFoundError, RobloxOpenCloudError, RobloxPermissionDeniedError,
  type RobloxOpenCloudErrorDetails, type RobloxRateLimitInfo,
} from '../errors';
import { isObject } from '../tokens/is-object';
import { providerText } from './provider-text';

/** What the client knows about a call when Roblox refuses it. */
export interface RefusedCall {
  /** Our description of the operation, e.g. `publishing a message`. */
  what: string;
  /** Whether the operation acts on an experience the user must have picked at consent. */
  resourceScoped: boolean;
  status: number;
  body: string;
  rateLimit: RobloxRateLimitInfo | undefined;
  /** Tokens sent, redacted from anything kept. */
  secrets: string[];
}

/** Reads Roblox's error shapes: v2 `{ code, message }`, v1 `{ error, message }`, gateway `{ errors: [{ code, message }] }`. */
export function providerError(body: string, secrets: string[]): { code?: string; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {};
  }
  if (!isObject(json)) return {};
  const code = (v: unknown) => (typeof v === 'string' && /^[A-Z_]{1,64}$/.test(v) ? v : undefined);
  if (Array.isArray(json.errors) && isObject(json.errors[0])) {
    return { message: providerText(json.errors[0].message, secrets) };
  }
  return { code: code(json.code) ?? code(json.error), message: providerText(json.message, secrets) };
}

/**
 * The typed error for a refused Open Cloud call other than 401 and 429 (handled by the client): 400, 403, 404,
 * anything else. Messages are ours; Roblox's text is kept only on `providerMessage`.
 */
export function refusal(call: RefusedCall): RobloxOpenCloudError {
  const { code, message } = providerError(call.body, call.secrets);
  const details: RobloxOpenCloudErrorDetails = { providerStatus: call.status, providerCode: code, providerMessage: message, rateLimit: call.rateLimit };
  if (call.status === 403) {
    if (code === 'INSUFFICIENT_SCOPE') {
      return new RobloxPermissionDeniedError(`Roblox refused ${call.what}: the app lacks a scope it needs`, 'missing_scope', [], details);
    }
    if (call.resourceScoped) {
      return new RobloxPermissionDeniedError(`Roblox refused ${call.what}: the user did not authorize the app for this experience`, 'resource_not_authorized', [], details);
    }
    return new RobloxPermissionDeniedError(`Roblox refused ${call.what}: the user's authorization does not allow it`, 'forbidden', [], details);
  }
  if (call.status === 404) return new RobloxNotFoundError(`Roblox found nothing for ${call.what}`, details);
  if (call.status === 400) return new RobloxInvalidArgumentError(`Roblox refused the arguments of ${call.what}`, details);
  return new RobloxOpenCloudError('ERR_ROBLOX_OPEN_CLOUD', `Roblox answered HTTP ${call.status} to ${call.what}`, { ...details, status: call.status === 409 ? 409 : 502 });
}
