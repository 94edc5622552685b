import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../authorizer.js';
import { ruleAllows, rulesAllow } from './rules.js';
import type { PolicyRule } from './types.js';

const user = { username: 'jane', groups: [] };

function resource(verb: string, group: string, res: string, sub = '', name = '', namespace = 'default'): Attributes {
  return {
    user,
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: group,
    apiVersion: 'v1',
    resource: res,
    subresource: sub,
    namespace,
    name,
  };
}

function path(verb: string, p: string): Attributes {
  return {
    user,
    verb,
    isResourceRequest: false,
    path: p,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
}

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => {
  const rule: PolicyRule = { verbs, apiGroups, resources };
  if (resourceNames) rule.resourceNames = resourceNames;
  return rule;
};

test('resource rule matching', () => {
  const cases: Array<[string, PolicyRule, Attributes, boolean]> = [
    ['exact verb/group/resource', r(['get'], [''], ['pods']), resource('get', '', 'pods'), true],
    ['verb mismatch', r(['get'], [''], ['pods']), resource('list', '', 'pods'), false],
    ['verb *', r(['*'], [''], ['pods']), resource('deletecollection', '', 'pods'), true],
    ['group mismatch', r(['get'], ['apps'], ['pods']), resource('get', '', 'pods'), false],
    ['core group is ""', r(['get'], [''], ['deployments']), resource('get', 'apps', 'deployments'), false],
    ['group *', r(['get'], ['*'], ['deployments']), resource('get', 'apps', 'deployments'), true],
    ['resource *', r(['get'], [''], ['*']), resource('get', '', 'secrets'), true],
    ['resource * covers subresources', r(['get'], [''], ['*']), resource('get', '', 'pods', 'log'), true],
    ['pods does not match pods/log', r(['get'], [''], ['pods']), resource('get', '', 'pods', 'log'), false],
    ['pods/log matches', r(['get'], [''], ['pods/log']), resource('get', '', 'pods', 'log'), true],
    ['pods/log does not match pods', r(['get'], [''], ['pods/log']), resource('get', '', 'pods'), false],
    ['*/log matches any resource log', r(['get'], [''], ['*/log']), resource('get', '', 'nodes', 'log'), true],
    ['*/log does not match status', r(['get'], [''], ['*/log']), resource('get', '', 'pods', 'status'), false],
    ['*/log does not match the resource', r(['get'], [''], ['*/log']), resource('get', '', 'log'), false],
    ['pods/* is not a wildcard', r(['get'], [''], ['pods/*']), resource('get', '', 'pods', 'log'), false],
    ['*/scale with group *', r(['get'], ['*'], ['*/scale']), resource('get', 'apps', 'deployments', 'scale'), true],
    [
      'resourceNames match the name',
      r(['get'], [''], ['pods'], ['web-0']),
      resource('get', '', 'pods', '', 'web-0'),
      true,
    ],
    [
      'resourceNames other name',
      r(['get'], [''], ['pods'], ['web-0']),
      resource('get', '', 'pods', '', 'web-1'),
      false,
    ],
    [
      'resourceNames never match nameless list',
      r(['list'], [''], ['pods'], ['web-0']),
      resource('list', '', 'pods'),
      false,
    ],
    [
      'resourceNames never match create',
      r(['create'], [''], ['pods'], ['web-0']),
      resource('create', '', 'pods'),
      false,
    ],
    ['empty resourceNames match any', r(['get'], [''], ['pods'], []), resource('get', '', 'pods', '', 'x'), true],
    ['resource rule never matches a path', r(['get'], ['*'], ['*']), path('get', '/api'), false],
  ];
  for (const [name, rule, attrs, want] of cases) assert.equal(ruleAllows(attrs, rule), want, name);
});

test('non-resource URL matching', () => {
  const u = (urls: string[], verbs = ['get']): PolicyRule => ({ verbs, nonResourceURLs: urls });
  const cases: Array<[string, PolicyRule, Attributes, boolean]> = [
    ['exact path', u(['/healthz']), path('get', '/healthz'), true],
    ['exact path only', u(['/healthz']), path('get', '/healthz/etcd'), false],
    ['star matches all', u(['*']), path('get', '/anything/at/all'), true],
    ['prefix star', u(['/apis/*']), path('get', '/apis/apps/v1'), true],
    ['prefix star matches the bare prefix', u(['/apis/*']), path('get', '/apis/'), true],
    ['prefix star does not match without slash', u(['/apis/*']), path('get', '/apis'), false],
    ['trailing stars trimmed', u(['/api**']), path('get', '/apiextensions'), true],
    ['mid-path star is literal', u(['/a/*/b']), path('get', '/a/x/b'), false],
    ['verb is the lowercase method', u(['/metrics'], ['get']), path('post', '/metrics'), false],
    ['verb *', u(['/metrics'], ['*']), path('post', '/metrics'), true],
    ['non-resource rule never matches a resource', u(['*'], ['*']), resource('get', '', 'pods'), false],
  ];
  for (const [name, rule, attrs, want] of cases) assert.equal(ruleAllows(attrs, rule), want, name);
});

test('rulesAllow: any rule', () => {
  const rules = [r(['get'], [''], ['pods']), r(['list'], ['apps'], ['deployments'])];
  assert.equal(rulesAllow(resource('list', 'apps', 'deployments'), rules), true);
  assert.equal(rulesAllow(resource('list', '', 'pods'), rules), false);
  assert.equal(rulesAllow(resource('get', '', 'pods'), []), false);
});
