import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/**
 * Starts and finishes "Sign in with Roblox", and logs the user in through the session (`super.logIn`), which is
 * when passport-roblox-oidc stores the user's tokens.
 */
@Injectable()
export class RobloxLoginGuard extends AuthGuard('roblox') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}
