// Risky grants and escalation paths. Each technique is a set of probe requests; a rule is risky when the
// authorizer's own matcher lets a probe through, so a finding always names a rule that really grants it.
// Escalation paths are followed over several hops: a subject that can run pods (or mint tokens, or impersonate,
// or read token Secrets) in a namespace becomes that namespace's ServiceAccounts, which may in turn do the same
// elsewhere; a path is reported when it ends at a subject that holds more than the one it started from.
import type { KObject, UserInfo } from '../../api/types.js';
import type { Attributes } from '../authorizer.js';
import type { BindingEntry, RbacIndex, RoleEntry } from '../rbac/index.js';
import { ruleAllows } from '../rbac/rules.js';
import { firstApplyingSubject, serviceAccountUsername } from '../rbac/subjects.js';
import type { PolicyRule, Subject } from '../rbac/types.js';
import { impliedUser } from './query.js';
import {
  type BindingRef,
  type RoleRefName,
  bindingRef,
  effectiveSubject,
  formatBinding,
  formatRole,
  formatSubject,
  roleRefName,
} from './refs.js';

export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export interface Finding {
  /** The technique (`RBAC001`...), stable across runs. */
  id: string;
  technique: string;
  severity: Severity;
  subject: Subject;
  /** The grant (or chain of grants) that gives the capability, spelled out step by step. */
  path: string[];
  binding: BindingRef;
  role: RoleRefName;
  ruleIndex?: number;
  message: string;
  fix: string;
}

interface Probe {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** A non-resource URL instead of a resource. */
  url?: string;
}

interface Technique {
  id: string;
  name: string;
  severity: Severity;
  probes: Probe[];
  what: string;
  fix: string;
}

const p = (verb: string, group: string, resource: string, subresource = ''): Probe => ({
  verb,
  group,
  resource,
  subresource,
});
const workloads: Array<[string, string]> = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];
const rbacGroup = 'rbac.authorization.k8s.io';
const rbacWrite = ['create', 'update', 'patch', 'delete'];
const rbacResources = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];

export const techniques: Technique[] = [
  {
    id: 'RBAC001',
    name: 'escalate',
    severity: 'critical',
    probes: [p('escalate', rbacGroup, 'roles'), p('escalate', rbacGroup, 'clusterroles')],
    what: 'may write roles granting permissions it does not hold (verb escalate)',
    fix: 'remove the escalate verb; grant the permissions the role needs directly',
  },
  {
    id: 'RBAC002',
    name: 'bind',
    severity: 'critical',
    probes: [p('bind', rbacGroup, 'roles'), p('bind', rbacGroup, 'clusterroles')],
    what: 'may bind any role, including ones more powerful than its own (verb bind)',
    fix: 'remove the bind verb, or restrict it with resourceNames to the roles it may hand out',
  },
  {
    id: 'RBAC003',
    name: 'impersonate',
    severity: 'critical',
    probes: ['users', 'groups', 'serviceaccounts', 'uids'].map((r) =>
      p('impersonate', r === 'uids' ? 'authentication.k8s.io' : '', r),
    ),
    what: 'may act as other users, groups or ServiceAccounts (verb impersonate)',
    fix: 'restrict impersonate with resourceNames to the identities needed, or remove it',
  },
  {
    id: 'RBAC004',
    name: 'wildcard',
    severity: 'high',
    probes: [],
    what: 'uses a wildcard (`*`) in verbs, apiGroups or resources: it also grants whatever is added later',
    fix: 'list the verbs, apiGroups and resources needed instead of `*`',
  },
  {
    id: 'RBAC005',
    name: 'workload-create',
    severity: 'high',
    probes: workloads.map(([g, r]) => p('create', g, r)),
    what: 'may create pods or workloads, running as any ServiceAccount of the namespace',
    fix: 'limit workload creation to namespaces whose ServiceAccounts hold no more than this subject',
  },
  {
    id: 'RBAC006',
    name: 'secret-read',
    severity: 'high',
    probes: ['get', 'list', 'watch'].map((v) => p(v, '', 'secrets')),
    what: 'may read Secrets, including legacy ServiceAccount token Secrets',
    fix: 'restrict secret reads with resourceNames, and remove legacy service-account-token Secrets',
  },
  {
    id: 'RBAC007',
    name: 'serviceaccount-token',
    severity: 'high',
    probes: [p('create', '', 'serviceaccounts', 'token')],
    what: 'may mint tokens for ServiceAccounts (serviceaccounts/token create)',
    fix: 'restrict serviceaccounts/token create with resourceNames, or remove it',
  },
  {
    id: 'RBAC008',
    name: 'nodes-proxy',
    severity: 'critical',
    probes: ['get', 'create'].map((v) => p(v, '', 'nodes', 'proxy')),
    what: 'may reach the kubelet API through nodes/proxy (exec in any pod on the node, bypassing audit)',
    fix: 'remove nodes/proxy; use nodes/metrics or nodes/stats for monitoring',
  },
  {
    id: 'RBAC009',
    name: 'csr-approval',
    severity: 'high',
    probes: [
      p('update', 'certificates.k8s.io', 'certificatesigningrequests', 'approval'),
      p('approve', 'certificates.k8s.io', 'signers'),
    ],
    what: 'may approve certificate signing requests (client certificates for any identity)',
    fix: 'remove certificatesigningrequests/approval update and signers approve, or limit signers with resourceNames',
  },
  {
    id: 'RBAC010',
    name: 'webhook-config',
    severity: 'high',
    probes: rbacWrite.flatMap((v) =>
      ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].map((r) =>
        p(v, 'admissionregistration.k8s.io', r),
      ),
    ),
    what: 'may write admission webhook configurations (intercept or rewrite every request)',
    fix: 'remove write access to admission webhook configurations',
  },
  {
    id: 'RBAC011',
    name: 'system-rbac-write',
    severity: 'high',
    probes: rbacWrite.flatMap((v) => rbacResources.map((r) => p(v, rbacGroup, r))),
    what: "may modify system:-prefixed roles or bindings (the cluster's own policy)",
    fix: 'restrict RBAC writes with resourceNames that exclude system: objects',
  },
  {
    id: 'RBAC012',
    name: 'missing-role',
    severity: 'low',
    probes: [],
    what: 'references a role that does not exist: it grants nothing now, and whatever a role of that name later grants',
    fix: 'create the role or delete the binding',
  },
];

export const escalationPathId = 'RBAC013';

export interface LintOptions {
  /** Also lint kube-apiserver's own bootstrap bindings (kubernetes.io/bootstrapping, `system:` names). */
  includeSystem?: boolean;
  /** How many hops an escalation path may take. */
  maxHops?: number;
}

const isSystemBinding = (b: BindingEntry) =>
  b.name.startsWith('system:') ||
  (b.object as KObject).metadata?.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults';

/** The indexes of rules a technique's probes match (syntactic for the wildcard technique). */
function ruleHits(t: Technique, rule: PolicyRule, user: UserInfo): boolean {
  if (t.name === 'wildcard')
    return rule.verbs.includes('*') || !!rule.apiGroups?.includes('*') || !!rule.resources?.includes('*');
  if (
    t.name === 'system-rbac-write' &&
    rule.resourceNames?.length &&
    !rule.resourceNames.some((n) => n.startsWith('system:'))
  )
    return false;
  for (const pr of t.probes) {
    // A name-restricted rule still grants the capability for those names (system-rbac-write: checked above).
    const name = rule.resourceNames?.[0] ?? '';
    if (ruleAllows(probeAttrs(user, pr, '', name), rule)) return true;
  }
  return false;
}

function probeAttrs(user: UserInfo, pr: Probe, namespace: string, name = ''): Attributes {
  return {
    user,
    verb: pr.verb,
    isResourceRequest: !pr.url,
    path: pr.url ?? '',
    apiGroup: pr.group,
    apiVersion: '',
    resource: pr.resource,
    subresource: pr.subresource ?? '',
    namespace,
    name,
  };
}

const nobody: UserInfo = { username: '', groups: [] };

/** The user a subject stands for when it acts (a Group: some member of it). */
export function subjectUser(s: Subject): UserInfo {
  if (s.kind === 'ServiceAccount') return impliedUser(serviceAccountUsername(s.namespace ?? '', s.name));
  if (s.kind === 'Group') return impliedUser(`member of ${s.name}`, [s.name]);
  return impliedUser(s.name);
}

export function lint(index: RbacIndex, objects: readonly KObject[], opts: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const memo = new Map<RoleEntry, Array<[Technique, number]>>();
  const bindings = [...index.listClusterRoleBindings(), ...index.listRoleBindings()].filter(
    (b) => opts.includeSystem || !isSystemBinding(b),
  );
  const hitsOf = (role: RoleEntry) => {
    let hits = memo.get(role);
    if (hits) return hits;
    hits = [];
    for (const t of techniques) {
      if (t.name === 'missing-role') continue;
      const i = role.rules.findIndex((r) => ruleHits(t, r, nobody));
      if (i >= 0) hits.push([t, i]);
    }
    memo.set(role, hits);
    return hits;
  };
  const missing = techniques.find((t) => t.name === 'missing-role')!;
  for (const b of bindings) {
    const subjects = b.subjects
      .filter(
        (s) => s.kind === 'User' || s.kind === 'Group' || (s.kind === 'ServiceAccount' && (s.namespace || b.namespace)),
      )
      .map((s) => effectiveSubject(s, b.namespace));
    if (!b.role) {
      for (const subject of subjects)
        findings.push({
          id: missing.id,
          technique: missing.name,
          severity: missing.severity,
          subject,
          path: [
            `${formatSubject(subject)} is bound by ${formatBinding(bindingRef(b))} to ${formatRole(roleRefName(b))}, which does not exist`,
          ],
          binding: bindingRef(b),
          role: roleRefName(b),
          message: `${formatBinding(bindingRef(b))} ${missing.what}`,
          fix: missing.fix,
        });
      continue;
    }
    const where = b.namespace ? `in namespace ${b.namespace}` : 'in every namespace';
    for (const [t, ruleIndex] of hitsOf(b.role))
      for (const subject of subjects)
        findings.push({
          id: t.id,
          technique: t.name,
          severity: t.severity,
          subject,
          path: [
            `${formatSubject(subject)} --${formatBinding(bindingRef(b))}--> ${formatRole(roleRefName(b))} rule ${ruleIndex} ${describeRule(b.role.rules[ruleIndex]!)} ${where}`,
          ],
          binding: bindingRef(b),
          role: roleRefName(b),
          ruleIndex,
          message: `${formatSubject(subject)} ${t.what} ${where}`,
          fix: t.fix,
        });
  }
  findings.push(...escalationPaths(index, objects, bindings, hitsOf, opts.maxHops ?? 3));
  return findings;
}

export function describeRule(r: PolicyRule): string {
  const parts = [`verbs=${r.verbs.join(',')}`];
  if (r.apiGroups) parts.push(`apiGroups=${r.apiGroups.map((g) => g || '""').join(',')}`);
  if (r.resources) parts.push(`resources=${r.resources.join(',')}`);
  if (r.resourceNames) parts.push(`resourceNames=${r.resourceNames.join(',')}`);
  if (r.nonResourceURLs) parts.push(`nonResourceURLs=${r.nonResourceURLs.join(',')}`);
  return `[${parts.join(' ')}]`;
}

// --- escalation paths -------------------------------------------------------------------------------------------
//
// Worked out per namespace rather than per request, so it stays linear in the policy: a subject's hops are the
// namespaces where one of its bindings lets it run workloads (or mint tokens, read token Secrets, impersonate
// ServiceAccounts); from a namespace, the hops of that namespace's ServiceAccounts lead on. A subject's power is
// the set of risky techniques it holds and where; a path is reported when it reaches a ServiceAccount holding a
// technique the start does not.

const hopTechniques = new Set(['workload-create', 'serviceaccount-token', 'secret-read', 'impersonate']);
const hopVerb: Record<string, string> = {
  'workload-create': 'create workloads in',
  'serviceaccount-token': 'create serviceaccounts/token in',
  'secret-read': 'read token Secrets in',
  impersonate: 'impersonate ServiceAccounts in',
};
const maxPathsPerSubject = 5;

interface Capability {
  technique: string;
  /** A namespace, or '*' for all of them. */
  scope: string;
  binding: BindingEntry;
}

function escalationPaths(
  index: RbacIndex,
  objects: readonly KObject[],
  bindings: BindingEntry[],
  hitsOf: (role: RoleEntry) => Array<[Technique, number]>,
  maxHops: number,
): Finding[] {
  const allBindings = [...index.listClusterRoleBindings(), ...index.listRoleBindings()];
  // The ServiceAccounts known per namespace: named by bindings, or present as objects in the source.
  const accounts = new Map<string, Map<string, Subject>>();
  const addSa = (ns: string, name: string) => {
    if (!ns || !name) return;
    let m = accounts.get(ns);
    if (!m) accounts.set(ns, (m = new Map()));
    m.set(name, { kind: 'ServiceAccount', name, namespace: ns });
  };
  for (const b of allBindings)
    for (const s of b.subjects) if (s.kind === 'ServiceAccount') addSa(s.namespace || b.namespace, s.name);
  for (const o of objects) if (o.kind === 'ServiceAccount') addSa(o.metadata?.namespace ?? '', o.metadata?.name ?? '');
  const namespaces = [...accounts.keys()].sort();
  // Every binding filed under each user, ServiceAccount username and group it names, across all scopes.
  const byKey = new Map<string, BindingEntry[]>();
  for (const b of allBindings)
    for (const s of b.subjects) {
      const k = s.kind === 'ServiceAccount' ? serviceAccountUsername(s.namespace || b.namespace, s.name) : s.name;
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(b);
    }

  // What a subject holds, worked out once per subject: every risky capability through any binding that applies
  // to it (groups included), the ones that lead on to other ServiceAccounts, and its power (technique@scope).
  interface Holder {
    subject: Subject;
    hops: Capability[];
    power: Set<string>;
  }
  const holders = new Map<string, Holder>();
  const holder = (s: Subject): Holder => {
    const key = formatSubject(s);
    const hit = holders.get(key);
    if (hit) return hit;
    const user = subjectUser(s);
    const caps: Capability[] = [];
    const seen = new Set<BindingEntry>();
    for (const k of [user.username, ...user.groups])
      for (const b of byKey.get(k) ?? [])
        if (!seen.has(b) && firstApplyingSubject(user, b.subjects, b.namespace) >= 0) {
          seen.add(b);
          if (b.role)
            for (const [t] of hitsOf(b.role)) caps.push({ technique: t.name, scope: b.namespace || '*', binding: b });
        }
    const h: Holder = {
      subject: s,
      hops: caps.filter((c) => hopTechniques.has(c.technique)),
      power: new Set(caps.map((c) => `${c.technique}@${c.scope}`)),
    };
    holders.set(key, h);
    return h;
  };
  // `technique@scope` → `technique@*`, computed once per distinct entry.
  const anywhere = new Map<string, string>();
  const everywhere = (x: string) => {
    let all = anywhere.get(x);
    if (all === undefined) anywhere.set(x, (all = `${x.slice(0, x.indexOf('@'))}@*`));
    return all;
  };
  const gainedOver = (target: Set<string>, mine: Set<string>): string[] => {
    const out: string[] = [];
    for (const x of target) if (!mine.has(x) && !mine.has(everywhere(x))) out.push(x);
    return out;
  };

  // Per namespace, worked out once: its ServiceAccounts, the union of their power (no ServiceAccount there can
  // hold what the union does not), and where their hops lead: each namespace once, through the first
  // ServiceAccount and grant that reaches it — the one a breadth-first walk expanding this namespace meets first.
  interface Edge {
    to: string;
    from: Subject;
    hop: Capability;
  }
  interface Place {
    holders: Holder[];
    power: Set<string>;
    edges: Edge[] | undefined;
  }
  const places = new Map<string, Place>();
  for (const [ns, sas] of accounts) {
    const hs = [...sas.values()].map(holder);
    const power = new Set<string>();
    for (const h of hs) for (const x of h.power) power.add(x);
    places.set(ns, { holders: hs, power, edges: undefined });
  }
  const allPower = new Set<string>();
  for (const pl of places.values()) for (const x of pl.power) allPower.add(x);
  const edgesFrom = (hops: Array<{ from: Subject; hop: Capability }>): Edge[] => {
    const edges: Edge[] = [];
    const seen = new Set<string>();
    for (const { from, hop } of hops) {
      if (seen.size === namespaces.length) break;
      for (const to of hop.scope === '*' ? namespaces : [hop.scope]) {
        if (seen.has(to) || !accounts.has(to)) continue;
        seen.add(to);
        edges.push({ to, from, hop });
      }
    }
    return edges;
  };
  const edgesOf = (ns: string): Edge[] => {
    const pl = places.get(ns)!;
    pl.edges ??= edgesFrom(pl.holders.flatMap((h) => h.hops.map((hop) => ({ from: h.subject, hop }))));
    return pl.edges;
  };

  const findings: Finding[] = [];
  const starts = new Map<string, { subject: Subject; binding: BindingEntry }>();
  for (const b of bindings)
    for (const s of b.subjects)
      if (s.kind === 'User' || s.kind === 'Group' || s.kind === 'ServiceAccount') {
        const subject = effectiveSubject(s, b.namespace);
        if (subject.kind === 'ServiceAccount' && !subject.namespace) continue;
        if (!starts.has(formatSubject(subject))) starts.set(formatSubject(subject), { subject, binding: b });
      }

  for (const { subject, binding } of starts.values()) {
    const start = holder(subject);
    if (start.hops.length === 0) continue;
    const mine = start.power;
    // Nothing anywhere holds more than this subject: no path can be reported.
    if (gainedOver(allPower, mine).length === 0) continue;
    // Breadth-first over namespaces; each remembers the edge that reached it, to spell the path out. Paths are
    // reported as namespaces are reached (the order a full walk would list them in), and the walk stops at the
    // report limit.
    interface Reach {
      prev: string | undefined;
      edge: Edge;
    }
    const reached = new Map<string, Reach>();
    const pathTo = (ns: string): string[] => {
      const steps: string[] = [];
      for (let at: string | undefined = ns; at !== undefined;) {
        const { prev, edge }: Reach = reached.get(at)!;
        steps.push(
          `${formatSubject(edge.from)} --${formatBinding(bindingRef(edge.hop.binding))}: ${hopVerb[edge.hop.technique]} ${at}--> ServiceAccounts of ${at}`,
        );
        at = prev;
      }
      return steps.reverse();
    };
    let reported = 0;
    const report = (ns: string) => {
      const pl = places.get(ns)!;
      if (gainedOver(pl.power, mine).length === 0) return;
      let path: string[] | undefined;
      for (const sa of pl.holders) {
        if (reported >= maxPathsPerSubject) return;
        const s = sa.subject;
        if (s.kind === subject.kind && s.name === subject.name && s.namespace === subject.namespace) continue;
        const gained = gainedOver(sa.power, mine);
        if (!gained.length) continue;
        reported++;
        path ??= pathTo(ns);
        findings.push({
          id: escalationPathId,
          technique: 'escalation-path',
          severity: gained.some((g) => /^(escalate|bind|impersonate|nodes-proxy|wildcard)@/.test(g))
            ? 'critical'
            : 'high',
          subject,
          path: [...path, `${formatSubject(s)} holds ${gained.join(', ')}`],
          binding: bindingRef(binding),
          role: roleRefName(binding),
          message: `${formatSubject(subject)} can act as ${formatSubject(s)} in ${path.length} hop(s) and gain ${gained.join(', ')}`,
          fix: `do not let ${formatSubject(subject)} run workloads as, mint tokens for or read the token of ${formatSubject(s)}, or reduce ${formatSubject(s)}'s grants`,
        });
      }
    };
    const done = () => reported >= maxPathsPerSubject || reached.size === namespaces.length;
    const reach = (edge: Edge, prev: string | undefined, next: string[]) => {
      if (reached.has(edge.to)) return;
      reached.set(edge.to, { prev, edge });
      report(edge.to);
      if (places.get(edge.to)!.holders.some((h) => h.hops.length)) next.push(edge.to);
    };
    // The start's own hops, then level by level the namespaces reached last.
    let level: string[] = [];
    for (const hop of start.hops) {
      for (const to of hop.scope === '*' ? namespaces : [hop.scope]) {
        if (!accounts.has(to)) continue;
        reach({ to, from: subject, hop }, undefined, level);
        if (done()) break;
      }
      if (done()) break;
    }
    for (let depth = 1; depth < maxHops && level.length && !done(); depth++) {
      const next: string[] = [];
      for (const from of level) {
        // A namespace's edges are worked out once, and only when a walk gets past it.
        for (const edge of edgesOf(from)) {
          reach(edge, from, next);
          if (done()) break;
        }
        if (done()) break;
      }
      level = next;
    }
  }
  return findings;
}

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return severities.indexOf(s) >= severities.indexOf(min);
}
