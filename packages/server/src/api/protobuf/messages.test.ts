import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageForKind, messages } from './messages.js';

test('tables: every referenced message exists, numbers and JSON names are unique per message', () => {
  assert.ok(messages.size > 150);
  for (const def of messages.values()) {
    const names = new Set<string>();
    assert.equal(def.byNumber.size, def.fields.length, `${def.name}: duplicate field number`);
    for (const f of def.fields) {
      if (f.kind === 'message') assert.ok(messages.has(f.type), `${def.name}.${f.name}: unknown message ${f.type}`);
      if (f.inline) assert.ok(f.kind === 'message' && !f.repeated && !f.map && !f.pointer, `${def.name}: bad inline`);
      else {
        assert.ok(!names.has(f.name), `${def.name}.${f.name}: duplicate name`);
        names.add(f.name);
      }
      assert.ok(f.number > 0);
    }
  }
});

test('tables: spot checks against the generated.proto files', () => {
  const field = (m: string, name: string) => messages.get(m)!.fields.find((f) => f.name === name)!;
  assert.equal(messages.get('meta.ObjectMeta')!.byNumber.get(8)!.name, 'creationTimestamp');
  assert.equal(field('meta.ObjectMeta', 'managedFields').number, 17);
  assert.equal(field('meta.ManagedFieldsEntry', 'fieldsV1').type, 'FieldsV1');
  assert.equal(field('core.PodSpec', 'containers').number, 2);
  assert.deepEqual(
    { ...field('core.PodSpec', 'containers') },
    {
      name: 'containers',
      number: 2,
      type: 'core.Container',
      kind: 'message',
      repeated: true,
      map: false,
      pointer: false,
      omitempty: false,
      inline: false,
    },
  );
  assert.equal(field('core.PodSpec', 'resources').number, 40);
  assert.equal(field('core.Container', 'resizePolicy').number, 23);
  assert.equal(field('core.Secret', 'data').map, true);
  assert.equal(field('core.Secret', 'data').type, 'bytes');
  assert.equal(field('core.Volume', '...').type, 'core.VolumeSource');
  assert.equal(field('core.Probe', '...').type, 'core.ProbeHandler');
  assert.equal(field('core.HTTPGetAction', 'port').type, 'IntOrString');
  assert.equal(field('core.Lifecycle', 'stopSignal').pointer, true);
  assert.equal(field('authn.BoundObjectReference', 'uid').number, 4);
  assert.equal(field('authn.TokenRequestSpec', 'audiences').omitempty, false);
  assert.equal(field('authn.UserInfo', 'extra').type, 'StringList');
  assert.equal(field('authz.ResourceAttributes', 'fieldSelector').number, 8);
  assert.equal(field('authz.ResourceAttributes', 'labelSelector').type, 'authz.LabelSelectorAttributes');
  assert.equal(field('rbac.ClusterRole', 'aggregationRule').type, 'rbac.AggregationRule');
  assert.equal(field('rbac.PolicyRule', 'nonResourceURLs').number, 5);
});

test('messageForKind: served kinds, DeleteOptions in every group version, unknown kinds', () => {
  assert.equal(messageForKind('v1', 'Pod')!.name, 'core.Pod');
  assert.equal(messageForKind('authentication.k8s.io/v1', 'TokenRequest')!.name, 'authn.TokenRequest');
  assert.equal(messageForKind('authentication.k8s.io/v1beta1', 'SelfSubjectReview')!.name, 'authn.SelfSubjectReview');
  assert.equal(
    messageForKind('authorization.k8s.io/v1', 'SelfSubjectRulesReview')!.name,
    'authz.SelfSubjectRulesReview',
  );
  assert.equal(messageForKind('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')!.name, 'rbac.ClusterRoleBinding');
  assert.equal(messageForKind('rbac.authorization.k8s.io/v1', 'DeleteOptions')!.name, 'meta.DeleteOptions');
  assert.equal(messageForKind('meta.k8s.io/v1', 'DeleteOptions')!.name, 'meta.DeleteOptions');
  assert.equal(messageForKind('v1', 'Service')!.name, 'core.Service');
  assert.equal(messageForKind('v1', 'Endpoints'), undefined);
  assert.equal(messageForKind('apps/v1', 'Deployment'), undefined);
  assert.equal(messageForKind('v1', 'Role'), undefined);
});
