// The smallest RBAC objects that allow exactly what a subject was seen doing. Every rule is an exact product:
// each (verb, resource, name) it allows was requested, and no request is allowed by two rules, so dropping any
// rule, verb, resource, name or URL refuses some request the log holds (see replay.ts, which checks both ways).
//
// Scope: requests with no namespace (cluster-scoped resources, lists across all namespaces, non-resource URLs)
// go to one ClusterRole bound by a ClusterRoleBinding; namespaced requests go to a Role and RoleBinding in their
// namespace, unless the ClusterRole already allows them (a ClusterRoleBinding applies in every namespace).
// `namespaces` is always cluster scope, although kube's request info sets the namespace of
// `/api/v1/namespaces/NAME` to NAME (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
import type { KObject } from '../api/types.js';
import type { PolicyRule } from '../authz/rbac/types.js';
import { rbacApiVersion, rbacGroup } from '../authz/rbac/types.js';
import { namedVerbs, subjectUsername, type ObservedRequest, type Subject } from './requests.js';

/** Usual kube order for verbs, then anything else alphabetically. */
const verbOrder = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
function byVerb(a: string, b: string): number {
  const ia = verbOrder.indexOf(a);
  const ib = verbOrder.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
const sorted = (s: Iterable<string>) => [...s].sort();

/** What one scope's requests need, before rules are formed. */
class ScopeNeeds {
  /** apiGroup \0 resource[/subresource] → verbs allowed for any name */
  readonly unnamed = new Map<string, Set<string>>();
  /** apiGroup \0 resource[/subresource] → verb → names */
  readonly named = new Map<string, Map<string, Set<string>>>();
  /** path → verbs */
  readonly urls = new Map<string, Set<string>>();

  add(r: ObservedRequest): void {
    if (!r.isResourceRequest) {
      getOr(this.urls, r.path, () => new Set<string>()).add(r.verb);
      return;
    }
    const key = `${r.apiGroup}\0${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}`;
    if (namedVerbs.has(r.verb) && r.name) {
      getOr(
        getOr(this.named, key, () => new Map()),
        r.verb,
        () => new Set<string>(),
      ).add(r.name);
    } else getOr(this.unnamed, key, () => new Set<string>()).add(r.verb);
  }

  empty(): boolean {
    return !this.unnamed.size && !this.named.size && !this.urls.size;
  }

  /** Rules, merging resources (of one API group) that need the same verbs and names. */
  rules(): PolicyRule[] {
    // group \0 verbs \0 names → resources
    const merged = new Map<string, { group: string; verbs: string[]; names?: string[]; resources: Set<string> }>();
    const put = (group: string, resource: string, verbs: string[], names?: string[]) => {
      const k = `${group}\0${verbs.join(',')}\0${names?.join(',') ?? '\u0001'}`;
      getOr(merged, k, () => ({ group, verbs, names, resources: new Set<string>() })).resources.add(resource);
    };
    const keys = new Set([...this.unnamed.keys(), ...this.named.keys()]);
    for (const key of keys) {
      const [group, resource] = key.split('\0') as [string, string];
      const any = this.unnamed.get(key);
      if (any) put(group, resource, [...any].sort(byVerb));
      // Verbs with the same names share a rule; a verb already allowed for any name needs no named rule.
      const byNames = new Map<string, { names: string[]; verbs: string[] }>();
      for (const [verb, names] of this.named.get(key) ?? []) {
        if (any?.has(verb)) continue;
        const n = sorted(names);
        getOr(byNames, n.join('\0'), () => ({ names: n, verbs: [] })).verbs.push(verb);
      }
      for (const { names, verbs } of byNames.values()) put(group, resource, verbs.sort(byVerb), names);
    }
    const rules: PolicyRule[] = [...merged.values()].map((m) => {
      const rule: PolicyRule = { verbs: m.verbs, apiGroups: [m.group], resources: sorted(m.resources) };
      if (m.names) rule.resourceNames = m.names;
      return rule;
    });
    rules.sort((a, b) => byBytes(ruleKey(a), ruleKey(b)));
    const byVerbs = new Map<string, { verbs: string[]; urls: string[] }>();
    for (const [path, verbs] of this.urls) {
      const v = [...verbs].sort(byVerb);
      getOr(byVerbs, v.join(','), () => ({ verbs: v, urls: [] })).urls.push(path);
    }
    const urlRules = [...byVerbs.values()]
      .map(({ verbs, urls }): PolicyRule => ({ verbs, nonResourceURLs: urls.sort() }))
      .sort((a, b) => byBytes(a.nonResourceURLs![0]!, b.nonResourceURLs![0]!));
    return [...rules, ...urlRules];
  }
}

const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rules in order of API group, then resource, a rule for any name before the named ones. */
function ruleKey(r: PolicyRule): string {
  return `${r.apiGroups![0]}\0${r.resources![0]}\0${r.resourceNames ? 1 : 0}\0${r.verbs.join(',')}`;
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

/** Whether cluster-scope needs already allow a namespaced request (through the ClusterRoleBinding). */
function clusterAllows(cluster: ScopeNeeds, r: ObservedRequest): boolean {
  const key = `${r.apiGroup}\0${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}`;
  if (cluster.unnamed.get(key)?.has(r.verb)) return true;
  return !!(namedVerbs.has(r.verb) && r.name && cluster.named.get(key)?.get(r.verb)?.has(r.name));
}

export interface GenerateOptions {
  subject: Subject;
  /** Name of every generated object; default `audit2rbac:<username>` ('/' and '%' replaced by '-'). */
  name?: string;
}

export function defaultName(s: Subject): string {
  return `audit2rbac:${subjectUsername(s)}`.replace(/[/%]/g, '-');
}

/** The objects, ClusterRole and ClusterRoleBinding first, then a Role and RoleBinding per namespace by name. */
export function generateRbac(requests: readonly ObservedRequest[], o: GenerateOptions): KObject[] {
  const name = o.name ?? defaultName(o.subject);
  const cluster = new ScopeNeeds();
  const namespaced = new Map<string, ScopeNeeds>();
  const inCluster = (r: ObservedRequest) => !r.isResourceRequest || !r.namespace || r.resource === 'namespaces';
  for (const r of requests) if (inCluster(r)) cluster.add(r);
  for (const r of requests) {
    if (inCluster(r) || clusterAllows(cluster, r)) continue;
    getOr(namespaced, r.namespace, () => new ScopeNeeds()).add(r);
  }
  const subject =
    o.subject.kind === 'User'
      ? { kind: 'User', apiGroup: rbacGroup, name: o.subject.name }
      : { kind: 'ServiceAccount', name: o.subject.name, namespace: o.subject.namespace };
  const out: KObject[] = [];
  if (!cluster.empty()) {
    out.push({ apiVersion: rbacApiVersion, kind: 'ClusterRole', metadata: { name }, rules: cluster.rules() });
    out.push({
      apiVersion: rbacApiVersion,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name },
      subjects: [subject],
    });
  }
  for (const ns of sorted(namespaced.keys())) {
    const needs = namespaced.get(ns)!;
    out.push({ apiVersion: rbacApiVersion, kind: 'Role', metadata: { name, namespace: ns }, rules: needs.rules() });
    out.push({
      apiVersion: rbacApiVersion,
      kind: 'RoleBinding',
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name },
      subjects: [subject],
    });
  }
  return out;
}
