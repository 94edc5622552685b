// The web inspector's RBAC questions, as JSON in and JSON out, over any policy (a running kubeauth's own index,
// or the RBAC objects listed from another cluster): who-can, explain, the matrix of a subject and the graph of a
// selection, answered by the engine `kubeauth rbac` uses, so the page and the command agree.
import type { KObject, UserInfo } from '../../api/types.js';
import type { RbacIndex, RoleEntry } from '../rbac/index.js';
import { serviceAccountUsername } from '../rbac/subjects.js';
import type { Subject } from '../rbac/types.js';
import { builtinResources, matrixVerbs, type ResourceInfo } from './catalog.js';
import { explain } from './explain.js';
import { lint, type Finding } from './lint.js';
import { matrix } from './matrix.js';
import { type AccessQuery, impliedUser, toAttributes } from './query.js';
import { whoCan } from './who-can.js';

/** What the inspector answers from. */
export interface InspectorSource {
  index: RbacIndex;
  /** Every object lint may need (the RBAC objects, ServiceAccounts). */
  objects(): readonly KObject[];
  /** Aggregated ClusterRoles whose rules may grow with roles the source does not hold (manifests). */
  aggregated?: ReadonlySet<string>;
  /** Set when authorizers other than RBAC may decide (a live cluster). */
  otherAuthorizers?: string;
}

/** A question the page sent that cannot be answered: the HTTP layer turns it into a 400 Status. */
export class InspectorInputError extends Error {}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : ({} as Rec));
const str = (v: unknown, field: string, required = false): string => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new InspectorInputError(`${field} is required`);
    return '';
  }
  if (typeof v !== 'string') throw new InspectorInputError(`${field} must be a string`);
  if (v.length > 1024) throw new InspectorInputError(`${field} is longer than 1024 characters`);
  return v;
};
const strings = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new InspectorInputError(`${field} must be a list of strings`);
  if (v.length > 256) throw new InspectorInputError(`${field} has more than 256 entries`);
  return v as string[];
};

/** `{verb, resource: "pods/log", group, name, namespace}` or `{verb, nonResourceURL}`. */
export function queryFrom(body: unknown): AccessQuery {
  const b = rec(body);
  const verb = str(b.verb, 'verb', true);
  const url = str(b.nonResourceURL, 'nonResourceURL');
  if (url) {
    if (!url.startsWith('/')) throw new InspectorInputError('nonResourceURL must start with "/"');
    return { verb, nonResourceURL: url };
  }
  const res = str(b.resource, 'resource', true);
  const slash = res.indexOf('/');
  return {
    verb,
    apiGroup: str(b.group, 'group'),
    resource: slash < 0 ? res : res.slice(0, slash),
    subresource: slash < 0 ? '' : res.slice(slash + 1),
    name: str(b.name, 'name'),
    namespace: str(b.namespace, 'namespace'),
  };
}

/** `{kind: User|ServiceAccount|Group, name, namespace}` plus extra groups → the user an authenticator makes. */
export function userFrom(subject: unknown, groups: unknown): UserInfo {
  const s = rec(subject);
  const kind = str(s.kind, 'subject.kind', true);
  const name = str(s.name, 'subject.name', true);
  const extra = strings(groups, 'groups');
  if (kind === 'User') return impliedUser(name, extra);
  if (kind === 'ServiceAccount')
    return impliedUser(serviceAccountUsername(str(s.namespace, 'subject.namespace', true), name), extra);
  // A member of the group and nothing else.
  if (kind === 'Group') return { username: '', uid: '', groups: [name, ...extra], extra: {} };
  throw new InspectorInputError('subject.kind must be User, Group or ServiceAccount');
}

/** `limit` (optional): only the first grants, with `total` saying how many there are (the page's first screen). */
export function answerWhoCan(src: InspectorSource, body: unknown) {
  const q = queryFrom(body);
  const b = rec(body);
  const limit = b.limit === undefined ? undefined : Number(b.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new InspectorInputError('limit must be a positive integer');
  const r = whoCan(src.index, q, { allNamespaces: b.allNamespaces === true });
  const total = r.grants.length;
  if (limit !== undefined && total > limit) r.grants = r.grants.slice(0, limit);
  return { request: q, total, ...r };
}

export function answerExplain(src: InspectorSource, body: unknown) {
  const b = rec(body);
  const user = userFrom(b.subject, b.groups);
  const q = queryFrom(b.request);
  return { user, request: q, ...explain(src.index, toAttributes(user, q)) };
}

export function answerMatrix(src: InspectorSource, body: unknown) {
  const b = rec(body);
  const user = userFrom(b.subject, b.groups);
  const verbs = b.verbs === undefined ? matrixVerbs : strings(b.verbs, 'verbs');
  const namespace = str(b.namespace, 'namespace');
  const m = matrix(src.index, user, {
    resources: policyResources(src.index),
    verbs,
    namespaces: [namespace],
    aggregated: src.aggregated,
    otherAuthorizers: src.otherAuthorizers,
  });
  return { user, namespace, ...m };
}

const resourcesCache = new WeakMap<RbacIndex, { generation: number; resources: ResourceInfo[] }>();

/** Kubernetes' built-in resources plus any other a role names explicitly (custom resources), sorted. */
export function policyResources(index: RbacIndex): ResourceInfo[] {
  const hit = resourcesCache.get(index);
  if (hit && hit.generation === index.generation) return hit.resources;
  const resources = scanResources(index);
  resourcesCache.set(index, { generation: index.generation, resources });
  return resources;
}

function scanResources(index: RbacIndex): ResourceInfo[] {
  const known = new Set(builtinResources.map((r) => `${r.group}/${r.resource}`));
  const extra: ResourceInfo[] = [];
  const roles = [...index.listClusterRoles(), ...index.listRoles()];
  for (const role of roles)
    for (const rule of role.rules)
      for (const g of rule.apiGroups ?? [])
        for (const r of rule.resources ?? []) {
          if (g === '*' || r.includes('*') || known.has(`${g}/${r}`)) continue;
          known.add(`${g}/${r}`);
          extra.push({ group: g, resource: r, namespaced: true });
        }
  extra.sort((a, b) => (a.group + '/' + a.resource < b.group + '/' + b.resource ? -1 : 1));
  return [...builtinResources, ...extra];
}

// ---- Graph ----

export interface GraphNode {
  id: string;
  type: 'subject' | 'binding' | 'role' | 'rule';
  label: string;
  /** Kind and namespace details for the tooltip and the side panel. */
  detail: string;
  /** The highest lint severity of a finding through this node. */
  severity?: string;
  findings?: string[];
}

export interface GraphAnswer {
  nodes: GraphNode[];
  edges: Array<[string, string]>;
  /** Bindings that matched the filter, and how many of them are drawn (at most `limit`). */
  matched: number;
  shown: number;
  totalBindings: number;
  /** Lint findings of the drawn bindings (escalation paths and risky grants). */
  findings: Finding[];
}

const lintCache = new WeakMap<RbacIndex, { generation: number; findings: Finding[] }>();

function findingsOf(src: InspectorSource): Finding[] {
  const hit = lintCache.get(src.index);
  if (hit && hit.generation === src.index.generation) return hit.findings;
  const findings = lint(src.index, src.objects());
  lintCache.set(src.index, { generation: src.index.generation, findings });
  return findings;
}

const rank = ['info', 'low', 'medium', 'high', 'critical'];
const subjectId = (s: Subject, ns: string) =>
  s.kind === 'ServiceAccount' ? `s:ServiceAccount/${s.namespace || ns}/${s.name}` : `s:${s.kind}/${s.name}`;
const subjectLabel = (s: Subject, ns: string) =>
  s.kind === 'ServiceAccount'
    ? `sa ${s.namespace || ns}/${s.name}`
    : `${s.kind === 'User' ? 'user' : 'group'} ${s.name}`;

/**
 * `{text, namespace, kind, risky, limit}`: the bindings whose subject, binding or role name contains `text`, in
 * `namespace` ('' any; '-' cluster bindings only), optionally only those on a lint finding's path; at most `limit`
 * (default 60, max 500) are drawn, with their subjects, roles and rules.
 */
export function answerGraph(src: InspectorSource, body: unknown): GraphAnswer {
  const b = rec(body);
  const text = str(b.text, 'text').toLowerCase();
  const namespace = str(b.namespace, 'namespace');
  const risky = b.risky === true;
  const limitRaw = b.limit === undefined ? 60 : Number(b.limit);
  if (!Number.isInteger(limitRaw) || limitRaw < 1) throw new InspectorInputError('limit must be a positive integer');
  const limit = Math.min(limitRaw, 500);
  const all = [...src.index.listClusterRoleBindings(), ...src.index.listRoleBindings()];
  const findings = risky || b.findings !== false ? findingsOf(src) : [];
  const byBinding = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.binding.kind}/${f.binding.namespace ?? ''}/${f.binding.name}`;
    let list = byBinding.get(key);
    if (!list) byBinding.set(key, (list = []));
    list.push(f);
  }
  const matched = all.filter((bd) => {
    if (namespace === '-' ? bd.namespace !== '' : namespace && bd.namespace !== namespace) return false;
    if (risky && !byBinding.has(`${bd.kind}/${bd.namespace}/${bd.name}`)) return false;
    if (!text) return true;
    if (bd.name.toLowerCase().includes(text) || bd.roleRef.name.toLowerCase().includes(text)) return true;
    return bd.subjects.some((s) => s.name.toLowerCase().includes(text));
  });
  const nodes = new Map<string, GraphNode>();
  const edges: Array<[string, string]> = [];
  const drawn: Finding[] = [];
  const mark = (n: GraphNode, fs: Finding[]) => {
    for (const f of fs) {
      if (!n.severity || rank.indexOf(f.severity) > rank.indexOf(n.severity)) n.severity = f.severity;
      const ids = (n.findings ??= []);
      if (!ids.includes(f.id)) ids.push(f.id);
    }
  };
  for (const bd of matched.slice(0, limit)) {
    const fs = byBinding.get(`${bd.kind}/${bd.namespace}/${bd.name}`) ?? [];
    drawn.push(...fs);
    const bid = `b:${bd.kind}/${bd.namespace}/${bd.name}`;
    const bn: GraphNode = {
      id: bid,
      type: 'binding',
      label: bd.namespace ? `${bd.namespace}/${bd.name}` : bd.name,
      detail: bd.kind,
    };
    mark(bn, fs);
    nodes.set(bid, bn);
    for (const s of bd.subjects) {
      const sid = subjectId(s, bd.namespace);
      let sn = nodes.get(sid);
      if (!sn)
        nodes.set(sid, (sn = { id: sid, type: 'subject', label: subjectLabel(s, bd.namespace), detail: s.kind }));
      mark(
        sn,
        fs.filter((f) => subjectId(f.subject, '') === sid),
      );
      edges.push([sid, bid]);
    }
    const role: RoleEntry | undefined = bd.role;
    const rid =
      bd.roleRef.kind === 'Role' ? `r:Role/${bd.namespace}/${bd.roleRef.name}` : `r:ClusterRole/${bd.roleRef.name}`;
    let rn = nodes.get(rid);
    if (!rn)
      nodes.set(
        rid,
        (rn = {
          id: rid,
          type: 'role',
          label: bd.roleRef.kind === 'Role' ? `${bd.namespace}/${bd.roleRef.name}` : bd.roleRef.name,
          detail: role ? bd.roleRef.kind : `${bd.roleRef.kind} (missing)`,
        }),
      );
    mark(rn, fs);
    edges.push([bid, rid]);
    if (!role) continue;
    role.rules.forEach((rule, i) => {
      const id = `${rid}#${i}`;
      let n = nodes.get(id);
      if (!n) {
        const what = rule.nonResourceURLs?.length
          ? rule.nonResourceURLs.join(',')
          : `${(rule.resources ?? []).join(',')}${rule.apiGroups?.some((g) => g) ? ` (${rule.apiGroups.filter((g) => g).join(',')})` : ''}`;
        nodes.set(id, (n = { id, type: 'rule', label: `${rule.verbs.join(',')} ${what}`, detail: `rule ${i}` }));
        edges.push([rid, id]);
      }
      mark(
        n,
        fs.filter((f) => f.ruleIndex === i),
      );
    });
  }
  const uniq = [...new Set(drawn)];
  return {
    nodes: [...nodes.values()],
    edges,
    matched: matched.length,
    shown: Math.min(matched.length, limit),
    totalBindings: all.length,
    findings: uniq,
  };
}

/** Subjects named by bindings, for the page's pickers (at most `limit`, those containing `text`). */
export function answerSubjects(src: InspectorSource, text: string, limit = 50) {
  const t = text.toLowerCase();
  const seen = new Map<string, Subject>();
  for (const bd of [...src.index.listClusterRoleBindings(), ...src.index.listRoleBindings()])
    for (const s of bd.subjects) {
      if (t && !s.name.toLowerCase().includes(t)) continue;
      const full: Subject = s.kind === 'ServiceAccount' ? { ...s, namespace: s.namespace || bd.namespace } : s;
      const id = subjectId(full, '');
      if (!seen.has(id)) seen.set(id, full);
      if (seen.size >= limit) return [...seen.values()];
    }
  return [...seen.values()];
}
