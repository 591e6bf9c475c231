/**
 * Helpers for an app's own tests against the emulator: sign a test user in through the app's real login route,
 * the emulator and the app's callback, then test protected routes with the signed-in agent.
 *
 * @example
 * ```ts
 * import request from 'supertest';
 * import { signInWithRoblox } from 'passport-roblox-oidc/testing';
 *
 * const agent = await signInWithRoblox(request.agent(app), { emulator, user: '1516563360' });
 * await agent.get('/account').expect(200);
 * ```
 *
 * @packageDocumentation
 */
export { signInWithRoblox, signInWithRobloxDetailed } from './sign-in';
export type { SignInEmulator, SignInWithRobloxOptions, SignInWithRobloxResult } from './sign-in';
export { authorizeAtEmulator, beginSignIn, finishSignIn } from './steps';
export type { AuthorizeAtEmulatorOptions, BegunSignIn, ConsentAnswer } from './steps';
export { SignInWithRobloxError } from './errors';
export type { SignInStep } from './errors';
export type { ServerLike, SignInAgent, SignInApp, SignInResponse, SupertestAgentLike } from './agent';
