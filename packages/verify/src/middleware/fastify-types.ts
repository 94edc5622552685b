/**
 * Type augmentation for Fastify apps (what @fastify/jwt does for `request.user`): `request.kubeAuth` is typed once
 * `@kubeauth/verify/fastify` is imported. Only the Fastify entry point loads this file, so apps without Fastify
 * never see the module declaration.
 *
 * @module
 */
import type { KubeAuthContext } from './core.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `@kubeauth/verify` hook on admitted requests (`null` where the hook did not run). */
    kubeAuth: KubeAuthContext;
  }
}
