// Manifests read as Kubernetes reads YAML: into JSON values, so an unquoted timestamp stays a string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError, parseManifest } from './manifests.js';

test('timestamps stay strings; merge keys, nulls, numbers and Lists as YAML has them', () => {
  const [role, binding, ...rest] = parseManifest(
    [
      'kind: Role',
      'metadata: {name: r, namespace: n, creationTimestamp: 2024-01-02T03:04:05Z}',
      'rules:',
      '- &read {verbs: [get], apiGroups: [""], resources: [pods], resourceNames: ~}',
      '- {<<: *read, resources: [secrets]}',
      '---',
      '# a comment-only document, as helm template writes them',
      '---',
      'kind: RoleBindingList',
      'items:',
      '- metadata: {name: b, namespace: n, generation: 2}',
      '  roleRef: {kind: Role, name: r}',
    ].join('\n'),
  );
  assert.equal(rest.length, 0);
  assert.equal(role!.metadata.creationTimestamp, '2024-01-02T03:04:05Z');
  assert.deepEqual(role!.rules, [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: null },
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: null },
  ]);
  assert.equal(binding!.kind, 'RoleBinding');
  assert.equal(binding!.metadata.generation, 2);
  assert.throws(() => parseManifest('a: [', 'bad.yaml'), ManifestError);
});
