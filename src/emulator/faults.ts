import type { IncomingMessage, ServerResponse } from 'node:http';
import { RobloxConfigurationError } from '../errors';
import { sendRaw } from './http-io';
import type { EmulatorFailure } from './tweak-types';
import type { EmulatorEndpoint } from './types';

/** Every endpoint name, in a stable order. */
export const ENDPOINTS: readonly EmulatorEndpoint[] = [
  'discovery', 'jwks', 'authorize', 'decision', 'token', 'introspect', 'resources', 'revoke', 'userinfo',
];

type Target = EmulatorEndpoint | '*';

/** The longest delay setTimeout honours (2^31 - 1 ms); longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

function checkTarget(target: unknown, what: string): Target {
  if (target === '*' || ENDPOINTS.includes(target as EmulatorEndpoint)) return target as Target;
  throw new RobloxConfigurationError(`${what}: unknown endpoint ${JSON.stringify(target)} (one of ${ENDPOINTS.join(', ')} or *)`);
}

const zero = (): Record<EmulatorEndpoint, number> =>
  Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<EmulatorEndpoint, number>;

/** Call counters, injected latency and injected failures: the emulator's test controls for unreliable networks. */
export class Faults {
  private calls = zero();
  private readonly latency = new Map<Target, number>();
  private readonly queue = new Map<Target, Array<{ failure: EmulatorFailure; left: number }>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  get counters(): Record<EmulatorEndpoint, number> {
    return { ...this.calls };
  }

  resetCounters(): void {
    this.calls = zero();
  }

  setLatency(target: unknown, ms: unknown): void {
    const t = checkTarget(target, 'setLatency');
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new RobloxConfigurationError('setLatency: ms must be a number >= 0');
    // Node's timers clamp longer delays to 1 ms, which would silently mean no latency at all.
    if (ms > MAX_TIMER_MS) throw new RobloxConfigurationError(`setLatency: ms must be at most ${MAX_TIMER_MS} (the longest delay Node timers support)`);
    if (ms === 0) this.latency.delete(t);
    else this.latency.set(t, ms);
  }

  failNext(target: unknown, failure: EmulatorFailure = {}): void {
    const t = checkTarget(target, 'failNext');
    const times = failure.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RobloxConfigurationError('failNext: times must be a positive integer');
    const status = failure.status ?? 500;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RobloxConfigurationError('failNext: status must be an HTTP status from 200 to 599');
    const list = this.queue.get(t) ?? [];
    list.push({ failure: { ...failure }, left: times });
    this.queue.set(t, list);
  }

  /** Forgets latency and queued failures, and resets the counters. */
  reset(): void {
    this.latency.clear();
    this.queue.clear();
    this.resetCounters();
  }

  /** Cancels pending latency timers (at close). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  count(endpoint: EmulatorEndpoint): void {
    this.calls[endpoint]++;
  }

  /** Waits out the endpoint's latency, if any. */
  delay(endpoint: EmulatorEndpoint): Promise<void> | undefined {
    const ms = this.latency.get(endpoint) ?? this.latency.get('*');
    if (ms === undefined) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Applies the next queued failure for this endpoint, if any; returns true when the request is taken care of. */
  inject(endpoint: EmulatorEndpoint, req: IncomingMessage, res: ServerResponse): boolean {
    const list = this.queue.get(endpoint)?.length ? this.queue.get(endpoint) : this.queue.get('*');
    const head = list?.[0];
    if (!list || !head) return false;
    if (--head.left === 0) list.shift();
    const { failure } = head;
    // Drain the request so that a hanging or failing answer does not leave the body unread.
    req.resume();
    if (failure.reset) {
      req.socket.destroy();
      return true;
    }
    if (failure.hang) return true;
    const status = failure.status ?? 500;
    const body = failure.body ?? (status >= 400 ? JSON.stringify({ error: 'server_error', error_description: 'Injected failure' }) : '');
    sendRaw(res, status, body, failure.contentType ?? 'application/json; charset=utf-8', { 'cache-control': 'no-store' });
    return true;
  }
}
