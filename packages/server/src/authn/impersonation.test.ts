import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import { impersonate, ImpersonationHeadersError, type ImpersonationDeps } from './impersonation.js';

const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'] };
const allowAll: ImpersonationDeps = {
  authorize: () => ({ decision: 'Allow', reason: '' }),
  forbidden: (_a, reason) => errors.forbidden(null, '', reason),
};

test('impersonate: extra keys are percent-unescaped after lower-casing, as kube does (url.PathUnescape)', () => {
  const u = impersonate(
    {
      'impersonate-user': 'bob',
      // node lower-cases header names; kube lower-cases before unescaping, so an escaped capital survives.
      'impersonate-extra-example.com%2fkey%4a': 'v1',
      'impersonate-extra-a+b': 'v2',
    },
    alice,
    allowAll,
  );
  assert.deepEqual(u?.extra, { 'example.com/keyJ': ['v1'], 'a+b': ['v2'] });
});

test('impersonate: a malformed escape in an extra key is kept verbatim, never an exception', () => {
  for (const key of ['%zz', '%', '%4', 'a%g0', '%ff%fe']) {
    const u = impersonate({ 'impersonate-user': 'bob', [`impersonate-extra-${key}`]: 'v' }, alice, allowAll);
    // %ff%fe is a valid escape of bytes that are not UTF-8: decoded (as Go does), shown as U+FFFD.
    const want = key === '%ff%fe' ? '\ufffd\ufffd' : key;
    assert.deepEqual(u?.extra, { [want]: ['v'] }, key);
  }
});

test('impersonate: a malformed extra key without a user is refused with kube 1.33 text (written as a 500)', () => {
  assert.throws(
    () => impersonate({ 'impersonate-extra-%zz': 'v' }, alice, allowAll),
    (e: unknown) =>
      e instanceof ImpersonationHeadersError &&
      e.message === 'requested [{UserExtra  v  authentication.k8s.io/v1  %zz}] without impersonating a user',
  );
});
