// Ports of pkg/apis/rbac/validation/validation_test.go (kubernetes/kubernetes; revision in ledger.json). Upstream
// calls the validation functions on internal objects and checks that every returned error has the case's type and
// field; here each object is created (or updated) over the API as the admin, and every cause of the 422 Status must
// carry that type (`FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`) and that field. A valid
// object must be stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, create } from './lib.mjs';

const rbac = '/apis/rbac.authorization.k8s.io/v1';
const group = 'rbac.authorization.k8s.io';
let s;
before(async () => {
  s = await startServer();
});
after(() => s?.stop());

const reasonOf = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
};

/** The Status of a refused write: 422 Invalid, at least one cause, every cause of `type` at `field`. */
function assertInvalid(r, type, field) {
  assert.equal(r.status, 422, r.body);
  assert.equal(r.json.kind, 'Status', r.body);
  assert.equal(r.json.reason, 'Invalid', r.body);
  const causes = r.json.details?.causes ?? [];
  assert.ok(causes.length > 0, `no causes: ${r.body}`);
  for (const c of causes) {
    assert.equal(c.reason, reasonOf[type], `cause type: ${JSON.stringify(c)}`);
    assert.equal(c.field, field, `cause field: ${JSON.stringify(c)}`);
  }
}

const crb = (metadata, roleRef, subjects) => ({
  apiVersion: `${group}/v1`,
  kind: 'ClusterRoleBinding',
  metadata,
  roleRef,
  ...(subjects ? { subjects } : {}),
});
const rb = (metadata, roleRef, subjects) => ({ ...crb(metadata, roleRef, subjects), kind: 'RoleBinding' });
const postCRB = (o) => req(s, 'POST', `${rbac}/clusterrolebindings`, o);
const postRB = (o) => req(s, 'POST', `${rbac}/namespaces/default/rolebindings`, o);
const ref = (kind, name, apiGroup = group) => ({ apiGroup, kind, ...(name === undefined ? {} : { name }) });

// TestValidateClusterRoleBinding

test('[ut.rbac.validation.TestValidateClusterRoleBinding.valid] valid', async () => {
  const r = await postCRB(
    crb({ name: 'master' }, ref('ClusterRole', 'valid'), [
      { name: 'validsaname', apiGroup: '', namespace: 'foo', kind: 'ServiceAccount' },
      { name: 'valid@username', apiGroup: group, kind: 'User' },
      { name: 'valid@groupname', apiGroup: group, kind: 'Group' },
    ]),
  );
  assert.equal(r.status, 201, r.body);
});

const crbCases = {
  'bad-group': [
    crb({ name: 'default' }, ref('ClusterRole', 'valid', 'rbac.GroupName')),
    'NotSupported',
    'roleRef.apiGroup',
  ],
  'bad-kind': [crb({ name: 'default' }, ref('Type', 'valid')), 'NotSupported', 'roleRef.kind'],
  'reference-role': [crb({ name: 'default' }, ref('Role', 'valid')), 'NotSupported', 'roleRef.kind'],
  'zero-length-name': [crb({}, ref('ClusterRole', 'valid')), 'Required', 'metadata.name'],
  'bad-role': [crb({ name: 'default' }, ref('ClusterRole')), 'Required', 'roleRef.name'],
  'bad-subject-kind': [
    crb({ name: 'master' }, ref('ClusterRole', 'valid'), [{ name: 'subject' }]),
    'NotSupported',
    'subjects[0].kind',
  ],
  'bad-subject-name': [
    crb({ name: 'master' }, ref('ClusterRole', 'valid'), [
      { namespace: 'foo', name: 'subject:bad', kind: 'ServiceAccount' },
    ]),
    'Invalid',
    'subjects[0].name',
  ],
  'missing-sa-namespace': [
    crb({ name: 'master' }, ref('ClusterRole', 'valid'), [{ name: 'good', kind: 'ServiceAccount' }]),
    'Required',
    'subjects[0].namespace',
  ],
  'missing-subject-name': [
    crb({ name: 'master' }, ref('ClusterRole', 'valid'), [{ namespace: 'foo', kind: 'ServiceAccount' }]),
    'Required',
    'subjects[0].name',
  ],
};
const crbTitles = {
  'bad-group': 'bad group',
  'bad-kind': 'bad kind',
  'reference-role': 'reference role',
  'zero-length-name': 'zero-length name',
  'bad-role': 'bad role',
  'bad-subject-kind': 'bad subject kind',
  'bad-subject-name': 'bad subject name',
  'missing-sa-namespace': 'missing SA namespace',
  'missing-subject-name': 'missing subject name',
};

test('[ut.rbac.validation.TestValidateClusterRoleBinding.bad-group] bad group', () => crbCase('bad-group'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.bad-kind] bad kind', () => crbCase('bad-kind'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.reference-role] reference role', () =>
  crbCase('reference-role'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.zero-length-name] zero-length name', () =>
  crbCase('zero-length-name'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.bad-role] bad role', () => crbCase('bad-role'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.bad-subject-kind] bad subject kind', () =>
  crbCase('bad-subject-kind'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.bad-subject-name] bad subject name', () =>
  crbCase('bad-subject-name'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.missing-sa-namespace] missing SA namespace', () =>
  crbCase('missing-sa-namespace'));
test('[ut.rbac.validation.TestValidateClusterRoleBinding.missing-subject-name] missing subject name', () =>
  crbCase('missing-subject-name'));

async function crbCase(k) {
  assert.ok(crbTitles[k]);
  const [o, type, field] = crbCases[k];
  assertInvalid(await postCRB(o), type, field);
}

// TestValidateRoleBinding (namespace "default"; the URL names it, so upstream's "zero-length namespace" case cannot
// be sent — see its ledger entry)

test('[ut.rbac.validation.TestValidateRoleBinding.valid] valid', async () => {
  const r = await postRB(
    rb({ namespace: 'default', name: 'master' }, ref('Role', 'valid'), [
      { name: 'validsaname', apiGroup: '', kind: 'ServiceAccount' },
      { name: 'valid@username', apiGroup: group, kind: 'User' },
      { name: 'valid@groupname', apiGroup: group, kind: 'Group' },
    ]),
  );
  assert.equal(r.status, 201, r.body);
});

const md = (name) => ({ namespace: 'default', ...(name ? { name } : {}) });
const rbCase = async (o, type, field) => assertInvalid(await postRB(o), type, field);

test('[ut.rbac.validation.TestValidateRoleBinding.bad-group] bad group', () =>
  rbCase(rb(md('default'), ref('ClusterRole', 'valid', 'rbac.GroupName')), 'NotSupported', 'roleRef.apiGroup'));
test('[ut.rbac.validation.TestValidateRoleBinding.bad-kind] bad kind', () =>
  rbCase(rb(md('default'), ref('Type', 'valid')), 'NotSupported', 'roleRef.kind'));
test('[ut.rbac.validation.TestValidateRoleBinding.zero-length-name] zero-length name', () =>
  rbCase(rb(md(), ref('Role', 'valid')), 'Required', 'metadata.name'));
test('[ut.rbac.validation.TestValidateRoleBinding.bad-role] bad role', () =>
  rbCase(rb(md('default'), ref('Role')), 'Required', 'roleRef.name'));
test('[ut.rbac.validation.TestValidateRoleBinding.bad-subject-kind] bad subject kind', () =>
  rbCase(rb(md('master'), ref('Role', 'valid'), [{ name: 'subject' }]), 'NotSupported', 'subjects[0].kind'));
test('[ut.rbac.validation.TestValidateRoleBinding.bad-subject-name] bad subject name', () =>
  rbCase(
    rb(md('master'), ref('Role', 'valid'), [{ name: 'subject:bad', kind: 'ServiceAccount' }]),
    'Invalid',
    'subjects[0].name',
  ));
test('[ut.rbac.validation.TestValidateRoleBinding.missing-subject-name] missing subject name', () =>
  rbCase(rb(md('master'), ref('Role', 'valid'), [{ kind: 'ServiceAccount' }]), 'Required', 'subjects[0].name'));

// TestValidateRoleBindingUpdate: the old object is stored first, then replaced (resourceVersion from the server).

async function storedBinding(name) {
  const o = await create(s, `${rbac}/namespaces/default/rolebindings`, rb(md(name), ref('Role', 'valid')));
  return o.metadata.resourceVersion;
}

test('[ut.rbac.validation.TestValidateRoleBindingUpdate.valid] valid', async () => {
  const rv = await storedBinding('update-valid');
  const r = await req(
    s,
    'PUT',
    `${rbac}/namespaces/default/rolebindings/update-valid`,
    rb({ ...md('update-valid'), resourceVersion: rv }, ref('Role', 'valid')),
  );
  assert.equal(r.status, 200, r.body);
});

test('[ut.rbac.validation.TestValidateRoleBindingUpdate.changedref] changedRef', async () => {
  const rv = await storedBinding('update-changed');
  const r = await req(
    s,
    'PUT',
    `${rbac}/namespaces/default/rolebindings/update-changed`,
    rb({ ...md('update-changed'), resourceVersion: rv }, ref('Role', 'changed')),
  );
  assertInvalid(r, 'Invalid', 'roleRef');
});

// The role tests. Upstream names every object "default"; names are made distinct here so that the valid ones,
// which are stored, do not collide (the name plays no part in what is checked).

const role = (metadata, rules) => ({ apiVersion: `${group}/v1`, kind: 'Role', metadata, ...(rules ? { rules } : {}) });
const clusterRole = (metadata, rules) => ({ ...role(metadata, rules), kind: 'ClusterRole' });
const postRole = (o) => req(s, 'POST', `${rbac}/namespaces/default/roles`, o);
const postClusterRole = (o) => req(s, 'POST', `${rbac}/clusterroles`, o);

test('[ut.rbac.validation.TestValidateRoleZeroLengthName] TestValidateRoleZeroLengthName', async () =>
  assertInvalid(await postRole(role({ namespace: 'default' })), 'Required', 'metadata.name'));

test('[ut.rbac.validation.TestValidateRoleValidRole] TestValidateRoleValidRole', async () => {
  const r = await postRole(role({ namespace: 'default', name: 'default' }));
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.validation.TestValidateRoleValidRoleNoNamespace] TestValidateRoleValidRoleNoNamespace', async () => {
  const r = await postClusterRole(clusterRole({ name: 'default-no-namespace' }));
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.validation.TestValidateRoleNonResourceURL] TestValidateRoleNonResourceURL', async () => {
  const r = await postClusterRole(
    clusterRole({ name: 'default-non-resource-url' }, [{ verbs: ['get'], nonResourceURLs: ['/*'] }]),
  );
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.validation.TestValidateRoleNamespacedNonResourceURL] TestValidateRoleNamespacedNonResourceURL', async () =>
  assertInvalid(
    await postRole(role({ namespace: 'default', name: 'nrurl' }, [{ verbs: ['get'], nonResourceURLs: ['/*'] }])),
    'Invalid',
    'rules[0].nonResourceURLs',
  ));

test('[ut.rbac.validation.TestValidateRoleNonResourceURLNoVerbs] TestValidateRoleNonResourceURLNoVerbs', async () =>
  assertInvalid(
    await postClusterRole(clusterRole({ name: 'default-no-verbs' }, [{ verbs: [], nonResourceURLs: ['/*'] }])),
    'Required',
    'rules[0].verbs',
  ));

test('[ut.rbac.validation.TestValidateRoleMixedNonResourceAndResource] TestValidateRoleMixedNonResourceAndResource', async () =>
  assertInvalid(
    await postRole(
      role({ namespace: 'default', name: 'mixed' }, [
        { verbs: ['get'], nonResourceURLs: ['/*'], apiGroups: ['v1'], resources: ['pods'] },
      ]),
    ),
    'Invalid',
    'rules[0].nonResourceURLs',
  ));

test('[ut.rbac.validation.TestValidateRoleValidResource] TestValidateRoleValidResource', async () => {
  const r = await postRole(
    role({ namespace: 'default', name: 'valid-resource' }, [
      { verbs: ['get'], apiGroups: ['v1'], resources: ['pods'] },
    ]),
  );
  assert.equal(r.status, 201, r.body);
});

test('[ut.rbac.validation.TestValidateRoleNoAPIGroup] TestValidateRoleNoAPIGroup', async () =>
  assertInvalid(
    await postRole(role({ namespace: 'default', name: 'no-api-group' }, [{ verbs: ['get'], resources: ['pods'] }])),
    'Required',
    'rules[0].apiGroups',
  ));

test('[ut.rbac.validation.TestValidateRoleNoResources] TestValidateRoleNoResources', async () =>
  assertInvalid(
    await postRole(role({ namespace: 'default', name: 'no-resources' }, [{ verbs: ['get'], apiGroups: ['v1'] }])),
    'Required',
    'rules[0].resources',
  ));
