// Structures derived from an RbacIndex, built once per index generation. The index bumps its generation on every
// change (a watch event, a relist), so a derived structure is rebuilt on the first question after any change and
// can never answer from a policy that is no longer current.
import type { RbacIndex } from '../rbac/index.js';

export class PerGeneration<T> {
  private readonly cache = new WeakMap<RbacIndex, { generation: number; value: T }>();

  constructor(private readonly build: (index: RbacIndex) => T) {}

  get(index: RbacIndex): T {
    const hit = this.cache.get(index);
    if (hit && hit.generation === index.generation) return hit.value;
    const generation = index.generation;
    const value = this.build(index);
    this.cache.set(index, { generation, value });
    return value;
  }
}
