import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { RobloxStrategy, type RobloxProfile } from 'passport-roblox-oidc';
import { ROBLOX_CONFIG, type RobloxConfig } from './config';

/** The signed-in user, kept small: it is stored in the session. */
export interface AppUser {
  id: string;
  name: string;
}

/**
 * The strategy as NestJS writes it. `verifyForm: 'profile'` names the form of `validate` (Nest wraps it in a
 * function whose arity says nothing): `(accessToken, refreshToken, profile)`. With 'params' it would be
 * `(accessToken, refreshToken, params, profile)`.
 */
@Injectable()
export class RobloxAuthStrategy extends PassportStrategy(RobloxStrategy, 'roblox') {
  constructor(@Inject(ROBLOX_CONFIG) config: RobloxConfig) {
    super({ ...config, verifyForm: 'profile' });
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: RobloxProfile): AppUser {
    return { id: profile.id, name: profile.displayName };
  }
}
