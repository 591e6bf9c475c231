import type { Request } from 'express';
import { RobloxStrategy, type RobloxProfile, type RobloxTokenParams, type VerifyCallback } from '../../src';
import { invokeVerify, type VerifyInput } from '../../src/login/verify';

const profile = { provider: 'roblox', id: '1', displayName: 'one', photos: [], _raw: '{}', _json: { sub: '1' } } as RobloxProfile;
const params: RobloxTokenParams = { access_token: 'at', token_type: 'Bearer', expires_in: 899, id_token: 'idt', scope: 'openid profile' };
const req = { marker: 'req' } as unknown as Request;
const input: VerifyInput = { req, accessToken: 'at', refreshToken: 'rt', params, profile };
const user = { id: 'u1' };

describe('invokeVerify', () => {
  it('calls (accessToken, refreshToken, profile, done)', async () => {
    const seen: unknown[] = [];
    const outcome = await invokeVerify((a: string, r: string, p: RobloxProfile, done: Function) => {
      seen.push(a, r, p);
      done(null, user, { message: 'hi' });
    }, false, input);
    expect(seen).toEqual(['at', 'rt', profile]);
    expect(outcome).toEqual({ kind: 'success', user, info: { message: 'hi' } });
  });

  it('calls (accessToken, refreshToken, params, profile, done)', async () => {
    const seen: unknown[] = [];
    const outcome = await invokeVerify((a: string, r: string, pa: unknown, p: unknown, done: Function) => {
      seen.push(a, r, pa, p);
      done(null, user);
    }, false, input);
    expect(seen).toEqual(['at', 'rt', params, profile]);
    expect(outcome.kind).toBe('success');
  });

  it('puts req first with passReqToCallback, in both forms', async () => {
    const four: unknown[] = [];
    await invokeVerify((rq: unknown, a: string, r: string, p: unknown, done: Function) => {
      four.push(rq, a, r, p);
      done(null, user);
    }, true, input);
    expect(four).toEqual([req, 'at', 'rt', profile]);
    const five: unknown[] = [];
    await invokeVerify((rq: unknown, a: string, r: string, pa: unknown, p: unknown, done: Function) => {
      five.push(rq, a, r, pa, p);
      done(null, user);
    }, true, input);
    expect(five).toEqual([req, 'at', 'rt', params, profile]);
  });

  it('does not count done for async functions', async () => {
    const seen: unknown[] = [];
    expect(await invokeVerify(async (a: string, r: string, p: unknown) => (seen.push(a, r, p), user), false, input)).toEqual({ kind: 'success', user, info: undefined });
    expect(seen).toEqual(['at', 'rt', profile]);
    seen.length = 0;
    await invokeVerify(async (a: string, r: string, pa: unknown, p: unknown) => (seen.push(pa, p), user), false, input);
    expect(seen).toEqual([params, profile]);
    seen.length = 0;
    await invokeVerify(async (rq: unknown, a: string, r: string, pa: unknown, p: unknown) => (seen.push(rq, pa, p), user), true, input);
    expect(seen).toEqual([req, params, profile]);
  });

  it('fails when an async verify resolves false, null or undefined, and errors when it throws', async () => {
    for (const value of [false, null, undefined]) {
      expect(await invokeVerify(async () => value, false, input)).toEqual({ kind: 'fail', info: undefined });
    }
    const boom = new Error('db down');
    expect(await invokeVerify(async (_a: string, _r: string, _p: unknown) => { throw boom; }, false, input)).toEqual({ kind: 'error', error: boom });
  });

  it('maps done(err), done(null, false, info) and synchronous throws', async () => {
    const boom = new Error('boom');
    expect(await invokeVerify((_a: string, _r: string, _p: unknown, done: Function) => done(boom), false, input)).toEqual({ kind: 'error', error: boom });
    expect(await invokeVerify((_a: string, _r: string, _p: unknown, done: Function) => done(null, false, { message: 'banned' }), false, input))
      .toEqual({ kind: 'fail', info: { message: 'banned' } });
    expect(await invokeVerify((_a: string, _r: string, _p: unknown, _done: Function) => { throw boom; }, false, input)).toEqual({ kind: 'error', error: boom });
  });

  it('settles once when done is called twice, and ignores what a callback-style function resolves', async () => {
    const outcome = await invokeVerify((_a: string, _r: string, _p: unknown, done: Function) => {
      done(null, user);
      done(new Error('late'));
      return Promise.resolve(undefined);
    }, false, input);
    expect(outcome).toEqual({ kind: 'success', user, info: undefined });
  });

  it('awaits a plain function that returns a promise without declaring done', async () => {
    expect(await invokeVerify((_a: string, _r: string, _p: unknown) => Promise.resolve(user), false, input)).toEqual({ kind: 'success', user, info: undefined });
  });

  it('takes a plain function without done at its word when it returns synchronously, instead of hanging', async () => {
    expect(await invokeVerify((_a: string, _r: string, _p: unknown) => user, false, input)).toEqual({ kind: 'success', user, info: undefined });
    expect(await invokeVerify((_a: string, _r: string, _p: unknown) => false, false, input)).toEqual({ kind: 'fail', info: undefined });
    // Returning nothing leaves the answer to done, which is passed last (here to a rest parameter).
    const viaDone = (...args: unknown[]) => {
      (args.at(-1) as Function)(null, user);
    };
    expect(await invokeVerify(viaDone, false, input)).toEqual({ kind: 'success', user, info: undefined });
  });
});

describe('invokeVerify with a named form (verifyForm) and @nestjs/passport callbacks', () => {
  it('takes the named form as written and always passes done, so an async verify may call it', async () => {
    const seen: unknown[] = [];
    const viaDone = async (a: string, r: string, p: unknown, done: VerifyCallback) => {
      seen.push(a, r, p);
      await Promise.resolve();
      done(null, user, { message: 'via done' });
    };
    expect(await invokeVerify(viaDone, false, input, 'profile')).toEqual({ kind: 'success', user, info: { message: 'via done' } });
    expect(seen).toEqual(['at', 'rt', profile]);
    seen.length = 0;
    // The same arity without a name would be read as the params form.
    expect(await invokeVerify(async (a: string, r: string, pa: unknown, p: unknown) => (seen.push(pa, p), user), false, input, 'params'))
      .toMatchObject({ kind: 'success', user });
    expect(seen).toEqual([params, profile]);
    seen.length = 0;
    await invokeVerify(async (rq: unknown, _a: string, _r: string, p: unknown) => (seen.push(rq, p), user), true, input, 'profile');
    expect(seen).toEqual([req, profile]);
  });

  it('waits for done from a named-form function that declares it, even after its promise resolved', async () => {
    const late = async (_a: string, _r: string, _p: unknown, done: VerifyCallback) => {
      setTimeout(() => done(null, user), 10);
    };
    expect(await invokeVerify(late, false, input, 'profile')).toMatchObject({ kind: 'success', user });
  });

  /** What @nestjs/passport's PassportStrategy mixin passes as the verify callback (its source, as published). */
  function nestCallback(validate: (...args: unknown[]) => unknown, callbackArity?: true): Function {
    const callback = async (...params: unknown[]) => {
      const done = params[params.length - 1] as VerifyCallback;
      try {
        done(null, await validate(...params) as object);
      } catch (err) {
        done(err, null);
      }
    };
    if (callbackArity) Object.defineProperty(callback, 'length', { value: validate.length + 1 });
    return callback;
  }

  it.each([
    ['without callbackArity', undefined],
    ['with callbackArity: true', true as const],
  ])('calls a NestJS validate(accessToken, refreshToken, profile) with the profile, %s', async (_what, arity) => {
    const seen: unknown[] = [];
    const validate = function (this: unknown, a: unknown, r: unknown, p: unknown) {
      seen.push(a, r, p);
      return user;
    };
    expect(await invokeVerify(nestCallback(validate, arity), false, input)).toMatchObject({ kind: 'success', user });
    expect(seen).toEqual(['at', 'rt', profile]);
  });

  it('calls a NestJS validate(accessToken, refreshToken, params, profile) with params when callbackArity is true', async () => {
    const seen: unknown[] = [];
    const validate = function (this: unknown, _a: unknown, _r: unknown, pa: unknown, p: unknown) {
      seen.push(pa, p);
      return user;
    };
    expect(await invokeVerify(nestCallback(validate, true), false, input)).toMatchObject({ kind: 'success', user });
    expect(seen).toEqual([params, profile]);
  });
});

describe('RobloxStrategy constructor overloads (type-checked by tsc)', () => {
  const options = { clientID: 'c', callbackURL: 'https://app.example/cb' };

  it('refuses an async verify that declares done where it would receive the profile, naming the fix', () => {
    // The passport habit: TypeScript accepts it (a promise is assignable to void), but done would get the profile.
    expect(() => new RobloxStrategy(options, async (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })))
      .toThrow(/async function declaring "done" where it is not passed.*Drop "done" and return the user/);
    expect(() => new RobloxStrategy({ ...options, passReqToCallback: true }, async (_req, _a, _r, profile, cb) => cb(null, { id: profile.id })))
      .toThrow(/declaring "cb".*\(req, accessToken, refreshToken, profile\)/);
    // Where done really is passed (last, after params and profile), or when no parameter is named so: accepted.
    expect(() => new RobloxStrategy(options, async (_a: string, _r: string | undefined, _pa: RobloxTokenParams, p: RobloxProfile, done: VerifyCallback) => {
      done(null, { id: p.id });
    })).not.toThrow();
    expect(() => new RobloxStrategy(options, async (_a: string, _r: string | undefined, _pa: RobloxTokenParams, p: RobloxProfile) => ({ id: p.id })))
      .not.toThrow();
  });

  it('checks the verifyForm option, and with it accepts an async verify that declares done', () => {
    expect(() => new RobloxStrategy({ ...options, verifyForm: 'profiles' as never }, async () => false))
      .toThrow('RobloxStrategy verifyForm option must be "profile" or "params"');
    expect(() => new RobloxStrategy({ ...options, verifyForm: 'profile' }, async (_a: string, _r: string | undefined, p: RobloxProfile, done: VerifyCallback) =>
      done(null, { id: p.id }))).not.toThrow();
  });

  it('accepts every verify form with contextually typed parameters', () => {
    type Rt = string | undefined;
    const strategies = [
      new RobloxStrategy(options, (accessToken, refreshToken, p, done) => done(null, { id: p.id, accessToken, refreshToken })),
      new RobloxStrategy(options, async (_accessToken, _refreshToken, p) => ({ id: p.id })),
      new RobloxStrategy(options, (accessToken: string, _r: Rt, pa: RobloxTokenParams, p: RobloxProfile, done: VerifyCallback) =>
        done(null, { id: p.id, idToken: pa.id_token, accessToken })),
      new RobloxStrategy(options, async (_a: string, _r: Rt, pa: RobloxTokenParams, p: RobloxProfile) => (pa.expires_in > 0 ? { id: p.username } : false)),
      new RobloxStrategy({ ...options, passReqToCallback: true }, (rq, _a, _r, p, done) => done(null, { id: p.id, path: rq.path })),
      new RobloxStrategy({ ...options, passReqToCallback: true }, async (rq, _a, _r, p) => ({ id: p.id, ip: rq.ip })),
      new RobloxStrategy({ ...options, passReqToCallback: true }, (rq: Request, _a: string, _r: Rt, pa: RobloxTokenParams, p: RobloxProfile, done: VerifyCallback) =>
        done(null, { id: p.id, scope: pa.scope, q: rq.query })),
      new RobloxStrategy({ ...options, passReqToCallback: true }, async (_rq: Request, _a: string, _r: Rt, pa: RobloxTokenParams, p: RobloxProfile) =>
        ({ id: p.id, t: pa.token_type })),
    ];
    expect(strategies.map((s) => s.name)).toEqual(Array(8).fill('roblox'));
  });
});
