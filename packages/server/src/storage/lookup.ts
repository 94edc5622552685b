// Synchronous reads from the watch cache, for hot paths (token validation, RBAC, admission).
import type { KObject } from '../api/types.js';

export interface ObjectLookup {
  /** The current object at `resource/namespace/name` (namespace '' for cluster-scoped), or undefined. */
  get(group: string, resource: string, namespace: string, name: string): KObject | undefined;
  /** All current objects of a resource, optionally in one namespace. */
  list(group: string, resource: string, namespace?: string): KObject[];
}
