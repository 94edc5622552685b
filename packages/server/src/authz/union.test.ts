import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, Authorizer } from './authorizer.js';
import { RbacAuthorizer } from './rbac/authorizer.js';
import { RbacIndex } from './rbac/index.js';
import { clusterRole, clusterRoleBinding, resourceAttrs, rule, userSubject } from './rbac/testing.js';
import {
  AuthorizationModeError,
  alwaysAllow,
  alwaysDeny,
  buildAuthorizer,
  mastersAuthorizer,
  unionAuthorizer,
  validateAuthorizationModes,
} from './union.js';

const jane = { username: 'jane', groups: ['system:authenticated'] };
const attrs: Attributes = resourceAttrs(jane, 'get', 'pods', { namespace: 'x' });
const fixed = (decision: 'Allow' | 'Deny' | 'NoOpinion', reason: string, error?: string): Authorizer => ({
  authorize: () => (error ? { decision, reason, error } : { decision, reason }),
});

test('union: first Allow/Deny wins with its own reason; NoOpinion reasons joined by newlines', () => {
  assert.deepEqual(
    unionAuthorizer([fixed('NoOpinion', 'a'), fixed('Deny', 'no', 'boom'), fixed('Allow', 'yes')]).authorize(attrs),
    {
      decision: 'Deny',
      reason: 'no',
      error: 'boom',
    },
  );
  assert.deepEqual(
    unionAuthorizer([
      fixed('NoOpinion', 'a'),
      fixed('NoOpinion', ''),
      fixed('NoOpinion', 'b', 'e1'),
      fixed('NoOpinion', '', 'e2'),
    ]).authorize(attrs),
    {
      decision: 'NoOpinion',
      reason: 'a\nb',
      error: '[e1, e2]',
    },
  );
  assert.deepEqual(unionAuthorizer([]).authorize(attrs), { decision: 'NoOpinion', reason: '' });
});

test('AlwaysAllow, AlwaysDeny, system:masters', () => {
  assert.deepEqual(alwaysAllow.authorize(attrs), { decision: 'Allow', reason: '' });
  assert.deepEqual(alwaysDeny.authorize(attrs), { decision: 'NoOpinion', reason: 'Everything is forbidden.' });
  assert.deepEqual(mastersAuthorizer.authorize(attrs), { decision: 'NoOpinion', reason: '' });
  assert.deepEqual(mastersAuthorizer.authorize({ ...attrs, user: { username: 'x', groups: ['system:masters'] } }), {
    decision: 'Allow',
    reason: '',
  });
});

test('buildAuthorizer: masters first, modes in order, RBAC rules for SSRR', () => {
  const index = new RbacIndex();
  index.load([clusterRole('r', [rule(['get'], [''], ['pods'])]), clusterRoleBinding('b', 'r', [userSubject('jane')])]);
  const rbac = new RbacAuthorizer(index);
  const chain = buildAuthorizer(['AlwaysDeny', 'RBAC'], rbac);
  assert.equal(chain.authorize(attrs).decision, 'Allow');
  assert.deepEqual(chain.authorize({ ...attrs, verb: 'delete' }), {
    decision: 'NoOpinion',
    reason: 'Everything is forbidden.',
  });
  assert.deepEqual(
    chain.authorize({ ...attrs, verb: 'delete', user: { username: 'root', groups: ['system:masters'] } }),
    {
      decision: 'Allow',
      reason: '',
    },
  );
  assert.deepEqual(chain.rulesFor(jane, 'x'), {
    resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    nonResourceRules: [],
    incomplete: false,
  });
  assert.deepEqual(buildAuthorizer(['AlwaysAllow'], rbac).rulesFor(jane, 'x'), {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  });
});

test('authorization-mode validation messages', () => {
  assert.deepEqual(validateAuthorizationModes([]), ['at least one authorization-mode must be passed']);
  assert.deepEqual(validateAuthorizationModes(['RBAC', 'Foo', 'RBAC']), [
    'authorization-mode "Foo" is not a valid mode',
    'authorization-mode ["RBAC" "Foo" "RBAC"] has mode specified more than once',
  ]);
  assert.deepEqual(validateAuthorizationModes(['Node', 'RBAC']), [
    'authorization-mode "Node" is not supported by kubeauth (supported: AlwaysAllow, AlwaysDeny, RBAC)',
  ]);
  assert.throws(() => buildAuthorizer(['Webhook'], alwaysAllow), AuthorizationModeError);
  assert.throws(() => buildAuthorizer(['rbac'], alwaysAllow), /authorization-mode "rbac" is not a valid mode/);
});
