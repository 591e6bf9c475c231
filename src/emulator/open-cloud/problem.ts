import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson } from '../http-io';

/** v2 error codes and their HTTP statuses, from Roblox's error reference. */
export const V2_STATUS = {
  INVALID_ARGUMENT: 400,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
} as const;

/** An Open Cloud refusal: the v2 shape `{ code, message }`, or the gateway shape `{ errors: [{ code: 0, message }] }`. */
export class CloudProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(String(body.message ?? 'error'));
  }
}

/** A v2 error, e.g. `v2('PERMISSION_DENIED', 'Insufficient scopes.')`. */
export function v2(code: keyof typeof V2_STATUS, message: string, headers: OutgoingHttpHeaders = {}): CloudProblem {
  return new CloudProblem(V2_STATUS[code], { code, message }, headers);
}

/** A gateway error (authentication or routing), as Roblox sends for a missing, expired or revoked credential. */
export function gateway(status: number, message: string): CloudProblem {
  return new CloudProblem(status, { errors: [{ code: 0, message }] });
}

/** Sends a problem. */
export function sendCloudProblem(res: ServerResponse, problem: CloudProblem, extra: OutgoingHttpHeaders = {}): void {
  sendJson(res, problem.status, problem.body, { ...extra, ...problem.headers });
}
