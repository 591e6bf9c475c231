/**
 * Time travel for the middleware tests: only `Date` is faked (timers, I/O and `performance` stay real, and the
 * fake clock keeps ticking with real time), so the app, the emulator, jose and express-session, which all run
 * in the test process, see the same jump, e.g. "16 minutes later the access token has expired".
 */
export function useTimeTravel(): (ms: number) => void {
  let installed = false;
  afterEach(() => {
    if (installed) jest.useRealTimers();
    installed = false;
  });
  return (ms: number) => {
    if (!installed) {
      jest.useFakeTimers({
        advanceTimers: true,
        doNotFake: [
          'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
          'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval',
          'clearInterval', 'setTimeout', 'clearTimeout',
        ],
      });
      installed = true;
    }
    jest.setSystemTime(Date.now() + ms);
  };
}

/** Sixteen minutes: past a Roblox access token's 15-minute lifetime and the default 60 s skew. */
export const AFTER_EXPIRY = 16 * 60_000;
