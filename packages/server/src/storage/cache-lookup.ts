// ObjectLookup over the Store's in-memory state: the hot-path read used by token validation, RBAC, admission.
import type { KObject } from '../api/types.js';
import type { ObjectLookup } from './lookup.js';
import { resourcePrefix, storageKey, type Store } from './store.js';

export class StoreLookup implements ObjectLookup {
  constructor(private readonly store: Store) {}
  get(group: string, resource: string, namespace: string, name: string): KObject | undefined {
    return this.store.get(storageKey(group, resource, namespace, name))?.object;
  }
  list(group: string, resource: string, namespace?: string): KObject[] {
    return this.store.list(resourcePrefix(group, resource), namespace).map((e) => e.object);
  }
}
