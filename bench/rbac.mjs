// (h) In-process SubjectAccessReview decisions: RbacIndex + RbacAuthorizer with synthetic policy.
import path from 'node:path';
import { ROOT, pct } from './lib.mjs';

const G = 'rbac.authorization.k8s.io';
const V = `${G}/v1`;
const RESOURCES = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'jobs', 'events', 'leases'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function policy(crbCount, rbCount, nsCount, roleCount) {
  const objs = [];
  const clusterRoles = Math.max(1, Math.floor(roleCount / 5));
  const rolesPerNs = Math.max(1, Math.floor((roleCount - clusterRoles) / nsCount));
  const rules = (i) => [
    {
      apiGroups: [''],
      resources: [RESOURCES[i % 8], RESOURCES[(i + 3) % 8]],
      verbs: [VERBS[i % 7], VERBS[(i + 2) % 7]],
    },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  ];
  for (let i = 0; i < clusterRoles; i++)
    objs.push({ apiVersion: V, kind: 'ClusterRole', metadata: { name: `cr-${i}` }, rules: rules(i) });
  for (let n = 0; n < nsCount; n++)
    for (let r = 0; r < rolesPerNs; r++)
      objs.push({
        apiVersion: V,
        kind: 'Role',
        metadata: { name: `role-${r}`, namespace: `ns-${n}` },
        rules: rules(n + r),
      });
  const subj = (i) =>
    i % 3 === 0
      ? { kind: 'User', apiGroup: G, name: `user-${i % 2000}` }
      : i % 3 === 1
        ? { kind: 'Group', apiGroup: G, name: `group-${i % 500}` }
        : { kind: 'ServiceAccount', name: `sa-${i % 100}`, namespace: `ns-${i % nsCount}` };
  for (let i = 0; i < crbCount; i++)
    objs.push({
      apiVersion: V,
      kind: 'ClusterRoleBinding',
      metadata: { name: `crb-${i}` },
      roleRef: { apiGroup: G, kind: 'ClusterRole', name: `cr-${i % clusterRoles}` },
      subjects: [subj(i)],
    });
  for (let i = 0; i < rbCount; i++) {
    const ns = i % nsCount;
    const toCluster = i % 4 === 0;
    objs.push({
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: `rb-${i}`, namespace: `ns-${ns}` },
      roleRef: toCluster
        ? { apiGroup: G, kind: 'ClusterRole', name: `cr-${i % clusterRoles}` }
        : { apiGroup: G, kind: 'Role', name: `role-${i % rolesPerNs}` },
      subjects: [subj(i + 1)],
    });
  }
  return objs;
}

/** The synthetic policy for `bindings` ClusterRoleBindings (and as many RoleBindings), as rbacBench loads it. */
export function syntheticPolicy(bindings) {
  const { nsCount, roleCount } = policySize(bindings);
  return policy(bindings, bindings, nsCount, roleCount);
}

function policySize(bindings) {
  return { nsCount: Math.min(1000, Math.max(10, bindings / 10)), roleCount: Math.max(50, bindings / 2) };
}

export async function rbacBench({ bindings, samples }) {
  const { RbacIndex } = await import(path.join(ROOT, 'packages/server/dist/authz/rbac/index.js'));
  const { RbacAuthorizer } = await import(path.join(ROOT, 'packages/server/dist/authz/rbac/authorizer.js'));
  const { nsCount, roleCount } = policySize(bindings);
  const idx = new RbacIndex();
  const t0 = performance.now();
  idx.load(policy(bindings, bindings, nsCount, roleCount));
  const loadMs = performance.now() - t0;
  const authz = new RbacAuthorizer(idx);
  // Request mix: users, group members and service accounts; namespaced, some allowed, most denied.
  const reqs = [];
  for (let i = 0; i < 4096; i++) {
    const kind = i % 3;
    const ns = `ns-${(i * 7) % nsCount}`;
    const user =
      kind === 0
        ? {
            username: `user-${(i * 13) % 2000}`,
            uid: '',
            groups: ['system:authenticated', `group-${i % 700}`],
            extra: {},
          }
        : kind === 1
          ? { username: `alice-${i}`, uid: '', groups: ['system:authenticated', `group-${(i * 3) % 500}`], extra: {} }
          : {
              username: `system:serviceaccount:ns-${i % nsCount}:sa-${i % 100}`,
              uid: '',
              groups: ['system:serviceaccounts', `system:serviceaccounts:ns-${i % nsCount}`, 'system:authenticated'],
              extra: {},
            };
    reqs.push({
      user,
      verb: VERBS[i % 7],
      isResourceRequest: true,
      path: '',
      apiGroup: '',
      apiVersion: 'v1',
      resource: RESOURCES[(i * 5) % 8],
      subresource: '',
      namespace: ns,
      name: '',
    });
  }
  let allowed = 0;
  for (let w = 0; w < 3; w++) for (const r of reqs) authz.authorize(r); // warm
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const r = reqs[i & 4095];
    const s = process.hrtime.bigint();
    const d = authz.authorize(r);
    times[i] = Number(process.hrtime.bigint() - s) / 1000;
    if (d.decision === 'Allow') allowed++;
  }
  // hrtime overhead, subtracted from nothing but reported.
  const o0 = process.hrtime.bigint();
  for (let i = 0; i < 10000; i++) process.hrtime.bigint();
  const overheadUs = Number(process.hrtime.bigint() - o0) / 1000 / 10000;
  const sorted = Array.from(times).sort((a, b) => a - b);
  return {
    bindings: bindings * 2,
    clusterRoleBindings: bindings,
    roleBindings: bindings,
    namespaces: nsCount,
    roles: roleCount,
    loadMs,
    p50us: pct(sorted, 50),
    p99us: pct(sorted, 99),
    allowedFraction: allowed / samples,
    hrtimeOverheadUs: overheadUs,
  };
}
