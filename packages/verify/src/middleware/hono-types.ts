/**
 * Type augmentation for Hono apps (what Hono's own jwt middleware does for `jwtPayload`): `c.get('kubeAuth')` is
 * typed once `@kubeauth/verify/hono` is imported. Only the Hono entry point loads this file.
 *
 * @module
 */
import type { KubeAuthContext } from './core.js';
import type {} from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `honoKubeAuth` on admitted requests. */
    kubeAuth: KubeAuthContext;
  }
}
