import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { components, deref, groupVersions, kindSchemaName, resolve, schemaForKind } from './index.js';
import type { Schema } from './types.js';

const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const prop = (name: string, field: string) => components[name]!.properties![field]!;

test('components use Kubernetes names for every kind served', () => {
  const kinds: [string, string, string, string][] = [
    ['', 'v1', 'Namespace', `${core}.Namespace`],
    ['', 'v1', 'ServiceAccount', `${core}.ServiceAccount`],
    ['', 'v1', 'Secret', `${core}.Secret`],
    ['', 'v1', 'ConfigMap', `${core}.ConfigMap`],
    ['', 'v1', 'Pod', `${core}.Pod`],
    ['', 'v1', 'PodList', `${core}.PodList`],
    ['', 'v1', 'Node', `${core}.Node`],
    ['', 'v1', 'Event', `${core}.Event`],
    ['', 'v1', 'Status', `${meta}.Status`],
    ['authentication.k8s.io', 'v1', 'TokenRequest', 'io.k8s.api.authentication.v1.TokenRequest'],
    ['authentication.k8s.io', 'v1', 'TokenReview', 'io.k8s.api.authentication.v1.TokenReview'],
    ['authentication.k8s.io', 'v1', 'SelfSubjectReview', 'io.k8s.api.authentication.v1.SelfSubjectReview'],
    ['authentication.k8s.io', 'v1beta1', 'SelfSubjectReview', 'io.k8s.api.authentication.v1beta1.SelfSubjectReview'],
    ['authentication.k8s.io', 'v1alpha1', 'SelfSubjectReview', 'io.k8s.api.authentication.v1alpha1.SelfSubjectReview'],
    ['authorization.k8s.io', 'v1', 'SubjectAccessReview', 'io.k8s.api.authorization.v1.SubjectAccessReview'],
    ['authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'io.k8s.api.authorization.v1.SelfSubjectAccessReview'],
    ['authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'io.k8s.api.authorization.v1.LocalSubjectAccessReview'],
    ['authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'io.k8s.api.authorization.v1.SelfSubjectRulesReview'],
    ['rbac.authorization.k8s.io', 'v1', 'Role', 'io.k8s.api.rbac.v1.Role'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'io.k8s.api.rbac.v1.ClusterRole'],
    ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'io.k8s.api.rbac.v1.RoleBinding'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'io.k8s.api.rbac.v1.ClusterRoleBinding'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBindingList', 'io.k8s.api.rbac.v1.ClusterRoleBindingList'],
    ['rbac.authorization.k8s.io', 'v1', 'DeleteOptions', `${meta}.DeleteOptions`],
  ];
  for (const [g, v, k, name] of kinds) {
    assert.equal(kindSchemaName(g, v, k), name, `${g}/${v} ${k}`);
    assert.ok(schemaForKind(g, v, k)!['x-kubernetes-group-version-kind']!.some((x) => x.kind === k));
  }
  assert.equal(kindSchemaName('', 'v1', 'Deployment'), undefined);
  assert.deepEqual(components[`${core}.Pod`]!['x-kubernetes-group-version-kind'], [
    { group: '', version: 'v1', kind: 'Pod' },
  ]);
  assert.equal(components[`${core}.PodSpec`]!['x-kubernetes-group-version-kind'], undefined);
  assert.equal(groupVersions[0]!.group, '');
  for (const n of ['ObjectMeta', 'ListMeta', 'OwnerReference', 'ManagedFieldsEntry', 'StatusDetails', 'StatusCause'])
    assert.ok(components[`${meta}.${n}`], n);
  for (const n of [
    'LabelSelector',
    'LabelSelectorRequirement',
    'Preconditions',
    'WatchEvent',
    'APIResourceList',
    'Patch',
  ])
    assert.ok(components[`${meta}.${n}`], n);
  for (const n of ['ObjectReference', 'LocalObjectReference', 'NamespaceSpec', 'NamespaceStatus', 'NamespaceCondition'])
    assert.ok(components[`${core}.${n}`], n);
  for (const n of ['PolicyRule', 'Subject', 'RoleRef', 'AggregationRule'])
    assert.ok(components[`io.k8s.api.rbac.v1.${n}`], n);
});

test('patch strategies and list types are declared as Kubernetes declares them', () => {
  const spec = `${core}.PodSpec`;
  const c = `${core}.Container`;
  const ext = (s: Schema) => ({
    ps: s['x-kubernetes-patch-strategy'],
    mk: s['x-kubernetes-patch-merge-key'],
    lt: s['x-kubernetes-list-type'],
    keys: s['x-kubernetes-list-map-keys'],
  });
  assert.deepEqual(ext(prop(spec, 'containers')), { ps: 'merge', mk: 'name', lt: 'map', keys: ['name'] });
  assert.deepEqual(ext(prop(spec, 'initContainers')), { ps: 'merge', mk: 'name', lt: 'map', keys: ['name'] });
  assert.deepEqual(ext(prop(spec, 'volumes')), { ps: 'merge,retainKeys', mk: 'name', lt: 'map', keys: ['name'] });
  assert.deepEqual(ext(prop(c, 'ports')), {
    ps: 'merge',
    mk: 'containerPort',
    lt: 'map',
    keys: ['containerPort', 'protocol'],
  });
  assert.deepEqual(ext(prop(c, 'env')), { ps: 'merge', mk: 'name', lt: 'map', keys: ['name'] });
  assert.deepEqual(ext(prop(c, 'volumeMounts')), { ps: 'merge', mk: 'mountPath', lt: 'map', keys: ['mountPath'] });
  assert.deepEqual(ext(prop(spec, 'tolerations')), { ps: undefined, mk: undefined, lt: 'atomic', keys: undefined });
  assert.deepEqual(ext(prop(`${meta}.ObjectMeta`, 'finalizers')), {
    ps: 'merge',
    mk: undefined,
    lt: 'set',
    keys: undefined,
  });
  assert.deepEqual(ext(prop(`${meta}.ObjectMeta`, 'ownerReferences')), {
    ps: 'merge',
    mk: 'uid',
    lt: 'map',
    keys: ['uid'],
  });
  assert.equal(prop(`${meta}.ObjectMeta`, 'managedFields')['x-kubernetes-list-type'], 'atomic');
  assert.equal(prop(spec, 'nodeSelector')['x-kubernetes-map-type'], 'atomic');
  assert.equal(components[`${meta}.LabelSelector`]!['x-kubernetes-map-type'], 'atomic');
  assert.equal(components['io.k8s.api.rbac.v1.RoleRef']!['x-kubernetes-map-type'], 'atomic');
  assert.deepEqual(components[`${core}.PodSpec`]!.required, ['containers']);
  assert.deepEqual(components[`${core}.Event`]!.required, ['metadata', 'involvedObject']);
});

test('scalars: Time, int-or-string, quantities, enums, bytes', () => {
  assert.deepEqual(components[`${meta}.Time`]!.type, 'string');
  assert.equal(components[`${meta}.Time`]!.format, 'date-time');
  assert.equal(resolve(prop(`${meta}.ObjectMeta`, 'creationTimestamp').$ref!), components[`${meta}.Time`]);
  const port = deref(prop(`${core}.HTTPGetAction`, 'port'));
  assert.equal(port['x-kubernetes-int-or-string'], true);
  assert.equal(port.format, 'int-or-string');
  const limits = prop(`${core}.ResourceRequirements`, 'limits');
  assert.equal(limits.type, 'object');
  assert.equal(deref(limits.additionalProperties as Schema)['x-kubernetes-int-or-string'], true);
  assert.deepEqual(prop(`${core}.PodSpec`, 'restartPolicy'), {
    type: 'string',
    enum: ['Always', 'Never', 'OnFailure'],
  });
  assert.deepEqual((prop(`${core}.Secret`, 'data').additionalProperties as Schema).format, 'byte');
  // required scalars carry their Go zero value as default, and `+default=` markers theirs (kube-openapi)
  assert.deepEqual(prop(`${core}.ContainerPort`, 'containerPort'), { type: 'integer', format: 'int32', default: 0 });
  assert.equal(prop(`${core}.ContainerPort`, 'protocol').default, 'TCP');
  assert.equal(prop(`${core}.EnvVar`, 'name').default, '');
  assert.equal(prop(`${core}.ContainerPort`, 'hostPort').default, undefined);
});

test('the full 1.33 PodSpec, volume sources and probes are present', () => {
  const fields = (n: string) => Object.keys(components[`${core}.${n}`]!.properties!);
  for (const f of ['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'affinity', 'tolerations'])
    assert.ok(fields('PodSpec').includes(f), f);
  for (const f of [
    'topologySpreadConstraints',
    'securityContext',
    'resourceClaims',
    'schedulingGates',
    'os',
    'overhead',
  ])
    assert.ok(fields('PodSpec').includes(f), f);
  for (const f of ['readinessGates', 'dnsConfig', 'hostAliases', 'hostUsers', 'resources', 'preemptionPolicy'])
    assert.ok(fields('PodSpec').includes(f), f);
  assert.equal(fields('PodSpec').length, 40);
  for (const f of [
    'projected',
    'secret',
    'configMap',
    'downwardAPI',
    'emptyDir',
    'hostPath',
    'persistentVolumeClaim',
    'csi',
    'ephemeral',
    'image',
  ])
    assert.ok(fields('Volume').includes(f), f);
  assert.deepEqual(fields('VolumeProjection').sort(), [
    'clusterTrustBundle',
    'configMap',
    'downwardAPI',
    'secret',
    'serviceAccountToken',
  ]);
  assert.deepEqual(fields('ServiceAccountTokenProjection'), ['audience', 'expirationSeconds', 'path']);
  for (const f of ['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'terminationGracePeriodSeconds'])
    assert.ok(fields('Probe').includes(f), f);
  for (const f of ['livenessProbe', 'lifecycle', 'env', 'envFrom', 'resizePolicy', 'restartPolicy', 'securityContext'])
    assert.ok(fields('Container').includes(f), f);
  for (const f of ['conditions', 'containerStatuses', 'podIPs', 'hostIPs', 'qosClass', 'resourceClaimStatuses'])
    assert.ok(fields('PodStatus').includes(f), f);
});

test('every $ref resolves and a $ref never has siblings (they would need allOf)', () => {
  const check = (s: Schema, where: string) => {
    if (s.$ref) {
      assert.ok(resolve(s.$ref), `${where}: ${s.$ref}`);
      assert.deepEqual(Object.keys(s), ['$ref'], where);
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) check(p, `${where}.${k}`);
    if (s.items) check(s.items, `${where}[]`);
    if (typeof s.additionalProperties === 'object') check(s.additionalProperties, `${where}{}`);
  };
  for (const [n, s] of Object.entries(components)) check(s, n);
  assert.ok(Object.keys(components).length > 200);
});

// How fast the module graph loads is measured by the bench (bench/schema.mjs), not here.
test('the folder stays small', async () => {
  const dir = dirname(fileURLToPath(import.meta.url));
  const src = join(dir, '../../../src/api/schema');
  let bytes = 0;
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.ts') && !f.endsWith('.test.ts')) bytes += statSync(p).size;
    }
  };
  walk(src);
  assert.ok(bytes < 200_000, `source is ${bytes} bytes`);
});
