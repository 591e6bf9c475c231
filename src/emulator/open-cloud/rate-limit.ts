import type { OutgoingHttpHeaders } from 'node:http';
import type { OpenCloudOperation } from './types';

const WINDOW_MS = 60_000;
const MAX_WINDOWS = 50_000;

/**
 * Per-authorization limits: one fixed one-minute window per (client, user, operation), so that the quota follows
 * the grant (a refresh or a new login by the same user for the same app does not reset it), as Roblox's
 * `perOauth2Authorization` limits read.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly limits: Record<OpenCloudOperation, number>,
    private readonly now: () => number,
  ) {}

  /** Counts one call; returns the x-ratelimit-* headers and whether the call is allowed. */
  take(clientId: string, sub: string, op: OpenCloudOperation): { allowed: boolean; headers: OutgoingHttpHeaders; resetSeconds: number } {
    const key = `${clientId}\n${sub}\n${op}`;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size >= MAX_WINDOWS) this.prune(now);
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const max = this.limits[op];
    const allowed = w.used < max;
    if (allowed) w.used++;
    const resetSeconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    return {
      allowed,
      resetSeconds,
      headers: {
        'x-ratelimit-limit': `${max}, ${max};w=60`,
        'x-ratelimit-remaining': String(max - w.used),
        'x-ratelimit-reset': String(resetSeconds),
      },
    };
  }

  /** Changes a limit and forgets that operation's windows. */
  set(op: OpenCloudOperation, max: number): void {
    this.limits[op] = max;
    for (const key of [...this.windows.keys()]) if (key.endsWith(`\n${op}`)) this.windows.delete(key);
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
  }
}
