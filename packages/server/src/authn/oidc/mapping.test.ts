// Claim mapping with claims and extra keys named after Object.prototype members: in kube-apiserver claims are a
// Go map, so `constructor`, `toString` or `__proto__` are ordinary claims (and absent ones are absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type CompiledExpression, compile } from './cel.js';
import { mapClaims } from './mapping.js';
import type { JwtAuthenticatorConfig } from './types.js';
import type { CelMapper } from './validation.js';

function cel(variable: 'claims' | 'user', expr: string, want: 'any' | 'bool' = 'any'): CompiledExpression {
  const c = compile(variable, expr, want);
  if ('detail' in c) throw new Error(c.detail);
  return c;
}

function config(m: Partial<JwtAuthenticatorConfig['claimMappings']> = {}): JwtAuthenticatorConfig {
  return {
    issuer: { url: 'https://issuer.example', audiences: ['kube'] },
    claimValidationRules: [],
    claimMappings: { username: {}, groups: {}, uid: {}, extra: [], ...m },
    userValidationRules: [],
    signingAlgs: ['RS256'],
  };
}

// JSON.parse, as the verifier decodes the payload: `__proto__` is an own member, not the prototype.
const claims = JSON.parse(
  '{"sub":"s","constructor":"c","__proto__":"p","toString":["g1","g2"],"nested":{"constructor":"n"}}',
) as Record<string, unknown>;

test('CEL mappings read claims named constructor, __proto__ and toString', () => {
  const m: CelMapper = {
    username: cel('claims', 'claims.constructor + ":" + claims.__proto__'),
    groups: cel('claims', 'claims.toString'),
    uid: cel('claims', 'claims.nested.constructor'),
    extra: [
      { key: 'example.com/has', compiled: cel('claims', 'has(claims.valueOf) ? "yes" : "no"') },
      { key: 'example.com/size', compiled: cel('claims', 'string(size(claims))') },
    ],
    claimValidationRules: [{ compiled: cel('claims', '"constructor" in claims', 'bool'), message: 'no ctor' }],
    userValidationRules: [
      { compiled: cel('user', '!("constructor" in user.extra) && user.username == "c:p"', 'bool'), message: 'x' },
    ],
  };
  assert.deepEqual(mapClaims(config(), m, claims), {
    value: {
      username: 'c:p',
      groups: ['g1', 'g2'],
      uid: 'n',
      extra: { 'example.com/has': ['no'], 'example.com/size': ['5'] },
    },
  });
});

test('an absent claim named after a prototype member is absent', () => {
  const none = JSON.parse('{"sub":"s"}') as Record<string, unknown>;
  assert.deepEqual(mapClaims(config(), { username: cel('claims', 'claims.constructor') }, none), {
    error:
      "oidc: error evaluating username claim expression: expression 'claims.constructor' resulted in error: no such key: constructor",
  });
  assert.deepEqual(mapClaims(config({ username: { claim: 'toString' } }), {}, none), {
    error: 'oidc: parse username claims "toString": claim not present',
  });
  assert.deepEqual(mapClaims(config({ username: { claim: 'sub' }, groups: { claim: 'constructor' } }), {}, none), {
    value: { username: 's', groups: [] },
  });
});

test('plain claim mappings name claims called __proto__ and constructor', () => {
  const cfg = config({ username: { claim: '__proto__', prefix: '' }, groups: { claim: 'constructor' } });
  assert.deepEqual(mapClaims(cfg, {}, claims), { value: { username: 'p', groups: ['c'] } });
});
