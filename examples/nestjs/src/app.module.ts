import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { authorizedResources, refreshTokens, revokeTokens } from 'passport-roblox-oidc';
import { AppController } from './app.controller';
import { ROBLOX_CONFIG, type RobloxConfig } from './config';
import { RobloxAuthStrategy } from './roblox.strategy';

@Module({})
export class AppModule implements NestModule {
  static register(config: RobloxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PassportModule.register({ session: true })],
      controllers: [AppController],
      providers: [{ provide: ROBLOX_CONFIG, useValue: config }, RobloxAuthStrategy],
    };
  }

  constructor(private readonly roblox: RobloxAuthStrategy) {}

  // The package's Express middleware, as Nest middleware on the routes that need Roblox tokens.
  configure(consumer: MiddlewareConsumer): void {
    const client = this.roblox.client;
    consumer.apply(refreshTokens({ client })).forRoutes('me/roblox');
    consumer.apply(refreshTokens({ client }), authorizedResources({ client })).forRoutes('experiences');
    consumer.apply(revokeTokens({ client })).forRoutes({ path: 'logout', method: RequestMethod.POST });
  }
}
