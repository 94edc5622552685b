import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../field.js';
import type { ObjectMeta } from '../types.js';
import { createErrors, updateErrors } from './generic.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';

const sub = { namespaced: true, nameFn: nameIsDNSSubdomain };
const msgs = (errs: Parameters<typeof fieldErrorString>[0][]) => errs.map(fieldErrorString);

const qualified =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('ValidateObjectMeta messages', () => {
  const cases: Array<[string, ObjectMeta, boolean, string[]]> = [
    ['valid', { name: 'a', namespace: 'default' }, true, []],
    [
      'name required',
      { namespace: 'default' },
      true,
      ['metadata.name: Required value: name or generateName is required'],
    ],
    ['namespace required', { name: 'a' }, true, ['metadata.namespace: Required value']],
    [
      'namespace forbidden',
      { name: 'a', namespace: 'x' },
      false,
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    [
      'bad namespace',
      { name: 'a', namespace: 'a.b' },
      true,
      ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    ],
    [
      'bad generateName',
      { generateName: 'Ab-', name: 'a', namespace: 'd' },
      true,
      [
        "metadata.generateName: Invalid value: \"Ab-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    [
      'negative generation',
      { name: 'a', namespace: 'd', generation: -1 },
      true,
      ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'label key and value',
      { name: 'a', namespace: 'd', labels: { '-k': 'v', k: '-v' } },
      true,
      [
        `metadata.labels: Invalid value: "-k": name part ${qualified}`,
        "metadata.labels: Invalid value: \"-v\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'annotation keys are checked lower-cased',
      { name: 'a', namespace: 'd', annotations: { 'Example.com/A': 'x', 'a b': 'y' } },
      true,
      [`metadata.annotations: Invalid value: "a b": name part ${qualified}`],
    ],
    [
      'annotations too large',
      { name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024) } },
      true,
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    ],
    [
      'owner references',
      { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] },
      true,
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      ],
    ],
    [
      'two controllers',
      {
        name: 'a',
        namespace: 'd',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: '2', controller: true },
        ],
      },
      true,
      [
        'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"v1", Kind:"Pod", Name:"p", UID:"1", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"r", UID:"2", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}}: Only one reference can have Controller set to true. Found "true" in references for Pod/p and ReplicaSet/r',
      ],
    ],
    [
      'events may not own',
      { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] },
      true,
      [
        'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"1", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
      ],
    ],
    [
      'finalizers',
      { name: 'a', namespace: 'd', finalizers: ['my-finalizer', 'orphan', 'foregroundDeletion', 'example.com/x'] },
      true,
      [
        'metadata.finalizers: Invalid value: []string{"my-finalizer", "orphan", "foregroundDeletion", "example.com/x"}: finalizer orphan and foregroundDeletion cannot be both set',
        'metadata.finalizers[0]: Invalid value: "my-finalizer": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
  ];
  for (const [what, meta, namespaced, want] of cases)
    assert.deepEqual(msgs(validateObjectMeta(meta, { ...sub, namespaced })), want, what);
});

test('namespace names are DNS labels', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameFn: nameIsDNSLabel })), [
    'metadata.name: Invalid value: "a.b": must not contain dots',
  ]);
});

test('ValidateObjectMetaUpdate messages', () => {
  const old: ObjectMeta = {
    name: 'a',
    namespace: 'd',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old }, old)), []);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, resourceVersion: undefined }, old)), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
  ]);
  assert.deepEqual(
    msgs(
      validateObjectMetaUpdate(
        { ...old, name: 'b', namespace: 'e', uid: 'u2', generation: 1, creationTimestamp: '2024-01-02T03:04:06Z' },
        old,
      ),
    ),
    [
      'metadata.generation: Invalid value: 1: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "e": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2024-01-02 03:04:06 +0000 UTC: field is immutable',
    ],
  );
  const deleting = { ...old, deletionTimestamp: '2024-01-03T00:00:00Z', finalizers: ['a/b'] };
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a/b', 'x/y', 'c/d'] }, deleting)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"c/d", "x/y"}',
  ]);
});

test('generic registry checks run after the kind validation on create, before it on update', () => {
  // Kind errors hide the generic checks on create.
  const kindErr = { type: 'FieldValueRequired' as const, field: 'spec', badValue: '', detail: '' };
  assert.deepEqual(createErrors([kindErr], { name: 'a/b' }, false), [kindErr]);
  assert.deepEqual(msgs(createErrors([], { name: 'a%b' }, false)), [
    'metadata.name: Invalid value: "a%b": may not contain \'%\'',
  ]);
  // On update both the common and the kind's ValidateObjectMetaUpdate report the immutable name.
  const old: ObjectMeta = { name: 'a', resourceVersion: '1' };
  const now: ObjectMeta = { name: 'b', resourceVersion: '1' };
  assert.deepEqual(msgs(updateErrors(validateObjectMetaUpdate(now, old), now, old, false)), [
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.name: Invalid value: "b": field is immutable',
  ]);
});
