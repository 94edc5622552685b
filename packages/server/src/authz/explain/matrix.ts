// What one user may do: verbs × resources, per namespace, in one pass over the rules bound to the user — the
// cluster rules are evaluated once and each namespace adds only its own RoleBindings' rules — instead of one
// access review per cell.
import type { UserInfo } from '../../api/types.js';
import type { RbacIndex } from '../rbac/index.js';
import { listerErrorMessage } from '../rbac/resolution.js';
import { type PreparedRequest, prepareRequest, preparedRuleAllows } from '../rbac/rules.js';
import type { PolicyRule } from '../rbac/types.js';
import { systemMasters } from '../union.js';
import type { ResourceInfo } from './catalog.js';
import { mismatches } from './mismatch.js';
import { toAttributes } from './query.js';

/** yes: allowed for every name; names: only for some resourceNames; no: not at all. */
export type Cell = 'yes' | 'names' | 'no';

export interface MatrixRow {
  group: string;
  resource: string;
  /** Cells in the order of `verbs`. */
  cells: Cell[];
}

export interface MatrixScope {
  /** '' for cluster-wide (cluster-scoped resources, and namespaced ones across all namespaces). */
  namespace: string;
  rows: MatrixRow[];
}

export interface Matrix {
  verbs: string[];
  scopes: MatrixScope[];
  /** Why an answer might be incomplete (other authorizers, aggregation, missing roles); empty when complete. */
  incomplete: string[];
}

export interface MatrixOptions {
  resources: readonly ResourceInfo[];
  verbs: readonly string[];
  /** The namespaces to show; [''] (the default) is the cluster-wide view. */
  namespaces?: readonly string[];
  /** Aggregated ClusterRoles whose rules may grow with roles this policy does not hold. */
  aggregated?: ReadonlySet<string>;
  /** Set when authorizers other than RBAC may decide (a live cluster: Node, Webhook...). */
  otherAuthorizers?: string;
}

export function matrix(index: RbacIndex, user: UserInfo, opts: MatrixOptions): Matrix {
  const namespaces = opts.namespaces ?? [''];
  const incomplete: string[] = [];
  if (opts.otherAuthorizers) incomplete.push(opts.otherAuthorizers);
  const privileged = user.groups.includes(systemMasters);
  const clusterRules = collect(index, user, '', false, opts, incomplete);
  // One prepared request per cell, shared by every namespace (namespace is not part of rule matching).
  const cells = opts.resources.map((r) =>
    opts.verbs.map((verb) => {
      const slash = r.resource.indexOf('/');
      const a = toAttributes(user, {
        verb,
        apiGroup: r.group,
        resource: slash < 0 ? r.resource : r.resource.slice(0, slash),
        subresource: slash < 0 ? '' : r.resource.slice(slash + 1),
      });
      return prepareRequest(a);
    }),
  );
  const clusterCells = cells.map((row) => row.map((p) => (privileged ? 'yes' : decide(p, clusterRules, 'no'))));
  const scopes: MatrixScope[] = [];
  for (const ns of namespaces) {
    const nsRules = ns ? collect(index, user, ns, true, opts, incomplete) : [];
    const rows: MatrixRow[] = [];
    opts.resources.forEach((r, i) => {
      if (ns && !r.namespaced) return;
      const base = clusterCells[i]!;
      const out =
        nsRules.length === 0
          ? base
          : base.map((cell, j) => (cell === 'yes' ? cell : decide(cells[i]![j]!, nsRules, cell)));
      rows.push({ group: r.group, resource: r.resource, cells: out });
    });
    scopes.push({ namespace: ns, rows });
  }
  return { verbs: [...opts.verbs], scopes, incomplete: [...new Set(incomplete)] };
}

function decide(p: PreparedRequest, rules: readonly PolicyRule[], start: Cell): Cell {
  let cell = start;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (preparedRuleAllows(p, rule)) return 'yes';
    // Name-restricted rules that match otherwise: allowed for those names only.
    if (cell === 'no' && rule.resourceNames?.length) {
      const m = mismatches(p, rule);
      if (m.length === 1 && m[0] === 'resourceName') cell = 'names';
    }
  }
  return cell;
}

/** The rules of the bindings of one scope that apply to the user (cluster bindings, or one namespace's). */
function collect(
  index: RbacIndex,
  user: UserInfo,
  namespace: string,
  namespaceOnly: boolean,
  opts: MatrixOptions,
  incomplete: string[],
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  index.visit(user, namespace, (b) => {
    if (namespaceOnly && !b.namespace) return true;
    const role = b.role;
    if (!role) {
      incomplete.push(
        `binding ${b.namespace ? `${b.namespace}/` : ''}${b.name}: ${listerErrorMessage(index.bindingError(b)!)}`,
      );
      return true;
    }
    if (role.kind === 'ClusterRole' && opts.aggregated?.has(role.name))
      incomplete.push(`ClusterRole ${role.name} is aggregated: ClusterRoles outside this policy may add rules`);
    for (const r of role.rules) rules.push(r);
    return true;
  });
  return rules;
}
