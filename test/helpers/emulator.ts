import {
  createRobloxEmulator,
  ROBLOX_EMULATOR_CLIENT_ID,
  ROBLOX_EMULATOR_CLIENT_SECRET,
  ROBLOX_EMULATOR_PUBLIC_CLIENT_ID,
  type RobloxEmulator,
  type RobloxEmulatorOptions,
} from '../../src/emulator';

/** The emulator's default confidential client (accepts any loopback redirect URI). */
export const CLIENT_ID = ROBLOX_EMULATOR_CLIENT_ID;
export const CLIENT_SECRET = ROBLOX_EMULATOR_CLIENT_SECRET;
/** The emulator's default public client (no secret, PKCE required). */
export const PUBLIC_CLIENT_ID = ROBLOX_EMULATOR_PUBLIC_CLIENT_ID;

/**
 * The callback URL test apps register. Nothing listens on port 3000: the login helper takes the emulator's
 * redirect and replays its path and query against the app through the supertest agent.
 */
export const CALLBACK_URL = 'http://127.0.0.1:3000/auth/roblox/callback';

/** Starts an emulator on 127.0.0.1, any free port, auto-approving as the first user unless told otherwise. */
export function startEmulator(options: RobloxEmulatorOptions = {}): Promise<RobloxEmulator> {
  return createRobloxEmulator({ port: 0, autoApprove: true, ...options });
}

/**
 * Starts one emulator for a test file (beforeAll) and closes it (afterAll); `reset()` runs after each test so
 * that queued failures and tweaks never leak between tests.
 *
 * @example
 * ```ts
 * const emu = useEmulator();
 * it('logs in', async () => { const app = createTestApp({ emulator: emu() }); … });
 * ```
 */
export function useEmulator(options: RobloxEmulatorOptions = {}): () => RobloxEmulator {
  let emulator: RobloxEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
  });
  afterEach(() => {
    if (!emulator) return;
    emulator.reset();
    emulator.autoApprove = options.autoApprove ?? true;
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error('useEmulator(): the emulator is not started yet (use it inside a test or hook)');
    return emulator;
  };
}

/**
 * The two ways a refresh answer comes from Roblox: without an ID token (its documented example, the emulator's
 * default) and with one (its prose). Suites that refresh run once per mode with `describe.each(REFRESH_MODES)`.
 */
export const REFRESH_MODES: ReadonlyArray<[label: string, refreshIdToken: boolean]> = [
  ['without an ID token (Roblox\'s example)', false],
  ['with an ID token (Roblox\'s prose)', true],
];

/**
 * {@link useEmulator} for a suite run once per refresh mode: call it at the top of each `describe.each` body;
 * the returned getter always answers the emulator of the suite whose tests are running.
 */
export function modeEmulators(): { use(options: RobloxEmulatorOptions): void; emu: () => RobloxEmulator } {
  let active: (() => RobloxEmulator) | undefined;
  return {
    use(options) {
      const mine = useEmulator(options);
      beforeAll(() => {
        active = mine;
      });
    },
    emu: () => {
      if (!active) throw new Error('modeEmulators(): no suite is running');
      return active();
    },
  };
}
