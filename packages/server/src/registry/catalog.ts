// The set of served resources, grouped for routing and discovery. Group order is kube-apiserver's priority
// order for the groups we serve.
import { gvString, type ResourceDef } from './resource.js';
import type { RequestInfo } from '../request/info.js';

export interface GroupVersionDef {
  group: string;
  version: string;
  resources: ResourceDef[];
}

export class Catalog {
  private readonly byPath = new Map<string, ResourceDef>();
  readonly groups: GroupVersionDef[] = [];

  constructor(defs: ResourceDef[]) {
    for (const d of defs) {
      this.byPath.set(`${d.group}/${d.version}/${d.resource}`, d);
      let gv = this.groups.find((g) => g.group === d.group && g.version === d.version);
      if (!gv) this.groups.push((gv = { group: d.group, version: d.version, resources: [] }));
      gv.resources.push(d);
    }
  }

  find(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  // The catalog does not change once built: a shared (frozen, memoized) RequestInfo keeps its answer.
  private readonly byInfo = new WeakMap<Readonly<RequestInfo>, ResourceDef | null>();

  /** `find` for a request's group, version and resource. */
  findFor(info: Readonly<RequestInfo>): ResourceDef | undefined {
    if (!Object.isFrozen(info)) return this.find(info.apiGroup, info.apiVersion, info.resource);
    let d = this.byInfo.get(info);
    if (d === undefined) this.byInfo.set(info, (d = this.find(info.apiGroup, info.apiVersion, info.resource) ?? null));
    return d ?? undefined;
  }

  groupVersion(group: string, version: string): GroupVersionDef | undefined {
    return this.groups.find((g) => g.group === group && g.version === version);
  }

  /** Versions of a group, preferred first. */
  versionsOf(group: string): GroupVersionDef[] {
    return this.groups.filter((g) => g.group === group);
  }

  /** Named groups (not core), in priority order, each once. */
  namedGroups(): string[] {
    return [...new Set(this.groups.filter((g) => g.group).map((g) => g.group))];
  }

  all(): ResourceDef[] {
    return [...this.byPath.values()];
  }

  gvs(): string[] {
    return this.groups.map((g) => gvString(g));
  }
}
