// Discovery documents generated from the catalog: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and
// aggregated (apidiscovery.k8s.io/v2 and v2beta1), as client-go reads them.
import { createHash } from 'node:crypto';
import type { Catalog, GroupVersionDef } from '../registry/catalog.js';
import type { ResourceDef } from '../registry/resource.js';

/** kube-apiserver's storageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<Kind>"). */
function storageVersionHash(d: ResourceDef): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest().subarray(0, 8).toString('base64');
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(cat: Catalog, group: string) {
  const versions = cat.versionsOf(group).map((g) => ({ groupVersion: `${group}/${g.version}`, version: g.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(cat: Catalog) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: cat.namedGroups().map((g) => groupEntry(cat, g)) };
}

export function apiGroup(cat: Catalog, group: string) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(cat, group) };
}

export function apiResourceList(gv: GroupVersionDef) {
  const resources: Record<string, unknown>[] = [];
  for (const d of gv.resources) {
    const r: Record<string, unknown> = {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
    };
    if (d.shortNames.length) r.shortNames = d.shortNames;
    if (d.categories.length) r.categories = d.categories;
    if (d.strategy) r.storageVersionHash = storageVersionHash(d);
    resources.push(r);
    for (const s of d.subresources) {
      const sr: Record<string, unknown> = {
        name: `${d.resource}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
      };
      if (s.group !== undefined) sr.group = s.group;
      if (s.version !== undefined) sr.version = s.version;
      sr.kind = s.kind;
      sr.verbs = s.verbs;
      resources.push(sr);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version,
    resources,
  };
}

function aggregatedResource(d: ResourceDef) {
  const r: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
  };
  if (d.shortNames.length) r.shortNames = d.shortNames;
  if (d.categories.length) r.categories = d.categories;
  if (d.subresources.length)
    r.subresources = d.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind },
      verbs: s.verbs,
    }));
  return r;
}

export function aggregatedDiscovery(cat: Catalog, core: boolean, version: 'v2' | 'v2beta1') {
  const groups = core ? [''] : cat.namedGroups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g, creationTimestamp: null },
      versions: cat.versionsOf(g).map((gv) => ({
        version: gv.version,
        resources: gv.resources.map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

/** Whether the Accept header asks for aggregated discovery; returns the version to serve. */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type !== 'application/json') continue;
    const p = new Map(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (p.get('g') === 'apidiscovery.k8s.io' && p.get('as') === 'APIGroupDiscoveryList') {
      const v = p.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
    }
    if (p.size === 0) return undefined;
  }
  return undefined;
}
