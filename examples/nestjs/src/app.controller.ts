import { Controller, Get, Header, Post, Redirect, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { RobloxAuthStrategy, type AppUser } from './roblox.strategy';
import { RobloxLoginGuard } from './roblox.guard';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

@Controller()
export class AppController {
  constructor(private readonly roblox: RobloxAuthStrategy) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  home(@Req() req: Request): string {
    const user = req.user as AppUser | undefined;
    return user
      ? `<p>Signed in as ${escape(user.name)}</p><p><a href="/me/roblox">Roblox profile</a> · <a href="/experiences">Experiences</a></p>` +
          '<form method="post" action="/logout"><button>Sign out</button></form>'
      : '<p><a href="/auth/roblox">Sign in with Roblox</a></p>';
  }

  @Get('auth/roblox')
  @UseGuards(RobloxLoginGuard)
  login(): void {
    // The guard redirects to Roblox.
  }

  @Get('auth/roblox/callback')
  @UseGuards(RobloxLoginGuard)
  @Redirect('/')
  callback(): void {
    // Signed in: the guard stored the user and the tokens.
  }

  /** refreshTokens() (see AppModule) put fresh tokens on the request. */
  @Get('me/roblox')
  me(@Req() req: Request) {
    return this.roblox.client.userinfo(req.robloxTokens!.accessToken);
  }

  @Get('experiences')
  experiences(@Req() req: Request) {
    return req.robloxResources!.universes;
  }

  /** revokeTokens() (see AppModule) revoked the grant and ended the session. Production: add CSRF protection. */
  @Post('logout')
  @Redirect('/', 303)
  logout(): void {}
}
