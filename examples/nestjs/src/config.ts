/** What the app needs to know; main.ts fills it in (here: from the embedded emulator). */
export interface RobloxConfig {
  clientID: string;
  clientSecret?: string;
  callbackURL: string;
  issuer?: string;
  scope?: string[];
}

/** The injection token of the {@link RobloxConfig}. */
export const ROBLOX_CONFIG = Symbol('ROBLOX_CONFIG');
