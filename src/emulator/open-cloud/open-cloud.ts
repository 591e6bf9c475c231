import type { IncomingMessage, ServerResponse } from 'node:http';
import { RobloxConfigurationError } from '../../errors';
import type { EmulatorContext } from '../context';
import { parseParams, sendJson, sendRaw, type Params } from '../http-io';
import type { CloudBody, CloudCall, OpenCloudState } from './call';
import { getGroup, listMemberships, listRoles } from './groups';
import { CloudProblem, gateway, sendCloudProblem, v2 } from './problem';
import { RateLimiter } from './rate-limit';
import { OPEN_CLOUD_RATE_LIMITS, type OpenCloudData } from './seed';
import type { EmulatorOpenCloud, OpenCloudFailure, OpenCloudOperation } from './types';
import { generateThumbnail, getThumbnailOperation, getUser, listInventory } from './users';
import { getUniverse, publishMessage, restartServers } from './universes';

interface CloudRoute {
  op: OpenCloudOperation;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: (call: CloudCall) => CloudBody | Promise<CloudBody>;
}

const ID = '([0-9A-Za-z_-]{1,64})';
const ROUTES: CloudRoute[] = [
  { op: 'GetUser', method: 'GET', pattern: new RegExp(`^/cloud/v2/users/${ID}$`), handler: getUser },
  { op: 'GenerateUserThumbnail', method: 'GET', pattern: new RegExp(`^/cloud/v2/users/${ID}:generateThumbnail$`), handler: generateThumbnail },
  { op: 'GetUserThumbnailOperation', method: 'GET', pattern: new RegExp(`^/cloud/v2/users/${ID}/operations/${ID}$`), handler: getThumbnailOperation },
  { op: 'ListInventoryItems', method: 'GET', pattern: new RegExp(`^/cloud/v2/users/${ID}/inventory-items$`), handler: listInventory },
  { op: 'GetGroup', method: 'GET', pattern: new RegExp(`^/cloud/v2/groups/${ID}$`), handler: getGroup },
  { op: 'ListGroupMemberships', method: 'GET', pattern: new RegExp(`^/cloud/v2/groups/${ID}/memberships$`), handler: listMemberships },
  { op: 'ListGroupRoles', method: 'GET', pattern: new RegExp(`^/cloud/v2/groups/${ID}/roles$`), handler: listRoles },
  { op: 'GetUniverse', method: 'GET', pattern: new RegExp(`^/cloud/v2/universes/${ID}$`), handler: getUniverse },
  { op: 'PublishUniverseMessage', method: 'POST', pattern: new RegExp(`^/cloud/v2/universes/${ID}:publishMessage$`), handler: publishMessage },
  { op: 'RestartUniverseServers', method: 'POST', pattern: new RegExp(`^/cloud/v2/universes/${ID}:restartServers$`), handler: restartServers },
];

const OPERATIONS = Object.keys(OPEN_CLOUD_RATE_LIMITS) as OpenCloudOperation[];
const zero = () => Object.fromEntries(OPERATIONS.map((o) => [o, 0])) as Record<OpenCloudOperation, number>;
const MAX_TIMER_MS = 2_147_483_647;

/** The emulator's Open Cloud: routes, bearer checks, scopes, consent-time resources, rate limits and test controls. */
export class OpenCloudEmulator implements EmulatorOpenCloud {
  private readonly state: OpenCloudState;
  private readonly limiter: RateLimiter;
  private readonly initialLimits: Record<OpenCloudOperation, number>;
  private calls = zero();
  private failures: Array<{ failure: OpenCloudFailure; left: number }> = [];
  private latency = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(data: OpenCloudData, now: () => number) {
    this.initialLimits = { ...data.rateLimits };
    this.state = { data, operations: new Map(), messages: [], restarts: [] };
    this.limiter = new RateLimiter(data.rateLimits, now);
  }

  get messages() {
    return [...this.state.messages];
  }

  get restarts() {
    return [...this.state.restarts];
  }

  get counters() {
    return { ...this.calls };
  }

  setRateLimit(operation: OpenCloudOperation, maxPerMinute: number): void {
    if (!OPERATIONS.includes(operation)) throw new RobloxConfigurationError(`openCloud.setRateLimit: unknown operation ${JSON.stringify(operation)}`);
    if (!Number.isInteger(maxPerMinute) || maxPerMinute < 1) throw new RobloxConfigurationError('openCloud.setRateLimit: maxPerMinute must be a positive integer');
    this.limiter.set(operation, maxPerMinute);
  }

  failNext(failure: OpenCloudFailure = {}): void {
    const times = failure.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RobloxConfigurationError('openCloud.failNext: times must be a positive integer');
    const status = failure.status ?? 500;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RobloxConfigurationError('openCloud.failNext: status must be an HTTP status from 200 to 599');
    this.failures.push({ failure: { ...failure }, left: times });
  }

  setLatency(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
      throw new RobloxConfigurationError(`openCloud.setLatency: ms must be a number from 0 to ${MAX_TIMER_MS}`);
    }
    this.latency = ms;
  }

  reset(): void {
    for (const op of OPERATIONS) this.limiter.set(op, this.initialLimits[op]);
    this.limiter.clear();
    this.calls = zero();
    this.failures = [];
    this.latency = 0;
    this.state.messages.length = 0;
    this.state.restarts.length = 0;
    this.state.operations.clear();
  }

  /** Cancels pending latency timers (at close). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Whether a path is an Open Cloud path this emulator serves (anything under `/cloud/`). */
  static owns(path: string): boolean {
    return path.startsWith('/cloud/');
  }

  /** Answers one Open Cloud request; never throws. */
  async handle(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string): Promise<void> {
    let rateHeaders = {};
    try {
      const matched = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
      if (!matched || !matched.m) throw gateway(404, 'NotFound');
      const { r: route, m } = matched;
      if (req.method !== route.method) throw new CloudProblem(405, { errors: [{ code: 0, message: 'MethodNotAllowed' }] }, { allow: route.method });
      this.calls[route.op]++;
      if (this.latency > 0) await this.wait(this.latency);
      if (this.inject(req, res)) return;

      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
      const token = bearer ? ctx.grants.getAccess(bearer[1] as string) : undefined;
      const grant = token ? ctx.grants.getGrant(token.grantId) : undefined;
      const user = token ? ctx.users.get(token.sub) : undefined;
      if (!token || !grant || !user) throw gateway(401, 'Invalid OAuth access token.');

      const rate = this.limiter.take(token.clientId, token.sub, route.op);
      rateHeaders = rate.headers;
      if (!rate.allowed) throw v2('RESOURCE_EXHAUSTED', 'Too many requests.', { 'retry-after': String(rate.resetSeconds) });

      let query: Params;
      try {
        query = parseParams(rawQuery);
      } catch {
        throw v2('INVALID_ARGUMENT', 'The query string is malformed.');
      }
      const call: CloudCall = { ctx, state: this.state, req, params: m.slice(1) as string[], query, token, grant, user };
      const body = await route.handler(call);
      if (body === '') sendRaw(res, 200, '', undefined, { ...rateHeaders, 'cache-control': 'no-store' });
      else sendJson(res, 200, body, rateHeaders);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      req.resume();
      if (err instanceof CloudProblem) sendCloudProblem(res, err, rateHeaders);
      else sendJson(res, 500, { code: 'INTERNAL', message: 'Internal server error.' });
    }
  }

  private inject(req: IncomingMessage, res: ServerResponse): boolean {
    const head = this.failures[0];
    if (!head) return false;
    if (--head.left === 0) this.failures.shift();
    const { failure } = head;
    req.resume();
    if (failure.reset) {
      req.socket.destroy();
      return true;
    }
    if (failure.hang) return true;
    const status = failure.status ?? 500;
    const body = failure.body ?? (status >= 400 ? JSON.stringify({ code: 'INTERNAL', message: 'Injected failure.' }) : '');
    sendRaw(res, status, body, failure.contentType ?? 'application/json; charset=utf-8', { 'cache-control': 'no-store', ...failure.headers });
    return true;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
