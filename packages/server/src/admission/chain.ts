// Admission: plugins run in order on create/update/delete of stored resources (mutating, then validating).
import type { KObject } from '../api/types.js';
import type { HandlerContext, ResourceDef } from '../registry/resource.js';
import type { Admission } from '../registry/rest.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionPlugin {
  name: string;
  admit(op: Operation, def: ResourceDef, obj: KObject, old: KObject | undefined, ctx: HandlerContext): void;
}

export class AdmissionChain implements Admission {
  constructor(private readonly plugins: AdmissionPlugin[]) {}
  admit(op: Operation, def: ResourceDef, obj: KObject, old: KObject | undefined, ctx: HandlerContext): void {
    for (const p of this.plugins) p.admit(op, def, obj, old, ctx);
  }
}
