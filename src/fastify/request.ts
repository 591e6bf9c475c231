import type {} from 'fastify';
import type { RobloxRequestFields } from '../middleware/request';

// Importing passport-roblox-oidc/fastify adds the hooks' fields to Fastify's request type (types only: no runtime import).
declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyRequest extends RobloxRequestFields {}
}
