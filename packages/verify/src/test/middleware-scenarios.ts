/**
 * Test-only: one authenticator stub, one options object and one set of scenarios that every middleware adapter
 * must pass identically (401 without/with a bad token, 403 from authorize, 503 when the reviewer is down, 500 on a
 * bug, 200 with the user).
 *
 * @module
 */
import assert from 'node:assert/strict';
import { ReviewError } from '../errors.js';
import { UNAUTHORIZED_BODY } from '../middleware/status.js';
import type { KubeAuthOptions } from '../middleware/core.js';
import { EMPTY_USER, type AuthenticationResult, type Authenticator, type UserInfo } from '../types.js';

export const ALICE: UserInfo = {
  username: 'system:serviceaccount:team-a:alice',
  uid: 'uid-alice',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
  extra: {},
};

/** good → ALICE; down → ReviewError; bug → Error; anything else → unauthenticated. Records calls. */
export function stubAuthenticator(): Authenticator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async authenticate(token: string): Promise<AuthenticationResult> {
      calls.push(token);
      if (token === 'good') return { authenticated: true, user: ALICE, audiences: ['my-audience'] };
      if (token === 'down') throw new ReviewError('unavailable', 'API server unreachable');
      if (token === 'bug') throw new Error('boom');
      return { authenticated: false, user: EMPTY_USER, audiences: [], error: 'invalid bearer token' };
    },
  };
}

/** Options every adapter test uses: `/admin` is denied with SAR-like attributes, `/private` with `false`. */
export function scenarioOptions(
  errors: unknown[],
): KubeAuthOptions & { authenticator: ReturnType<typeof stubAuthenticator> } {
  return {
    authenticator: stubAuthenticator(),
    authorize: (user, req) => {
      if (req.path === '/admin') {
        return {
          allowed: false,
          reason: 'no RBAC policy matched',
          attributes: {
            resourceAttributes: {
              verb: 'get',
              resource: 'widgets',
              group: 'example.com',
              namespace: 'prod',
              name: 'w1',
            },
          },
        };
      }
      return req.path !== '/private';
    },
    onError: (err) => errors.push(err),
  };
}

/** Sends a request to the adapter under test. */
export type Send = (path: string, headers?: Record<string, string>) => Promise<Response>;

/** The shared expectations; the adapter's handler must answer `{"user": <username>}` as JSON. */
export async function runScenarios(send: Send, errors: unknown[]): Promise<void> {
  // No credentials: 401, challenge without error code, kube-apiserver's exact body.
  let res = await send('/hello');
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="kubernetes"');
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(await res.text(), UNAUTHORIZED_BODY);

  for (const authorization of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'bearer ', 'Token good']) {
    res = await send('/hello', { authorization });
    assert.equal(res.status, 401, authorization);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="kubernetes"', authorization);
    await res.arrayBuffer();
  }
  // A token was presented but is bad or garbled: error="invalid_token".
  for (const authorization of ['Bearer nope', 'Bearer good extra', 'Bearer  good', 'Bearer \u00e9t\u00e9']) {
    res = await send('/hello', { authorization: authorization });
    assert.equal(res.status, 401, authorization);
    assert.equal(
      res.headers.get('www-authenticate'),
      'Bearer realm="kubernetes", error="invalid_token"',
      authorization,
    );
    assert.equal(await res.text(), UNAUTHORIZED_BODY);
  }
  // Good token: the handler runs and sees the user. Scheme is case-insensitive.
  res = await send('/hello?x=1', { authorization: 'bearer good' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { user: ALICE.username });

  // authorize denies: kube-apiserver's Forbidden Status.
  res = await send('/admin', { authorization: 'Bearer good' });
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'widgets.example.com "w1" is forbidden: User "system:serviceaccount:team-a:alice" cannot get resource "widgets" in API group "example.com" in the namespace "prod": no RBAC policy matched',
    reason: 'Forbidden',
    details: { name: 'w1', group: 'example.com', kind: 'widgets' },
    code: 403,
  });
  res = await send('/private', { authorization: 'Bearer good' });
  assert.equal(res.status, 403);
  assert.equal(
    ((await res.json()) as { message: string }).message,
    'forbidden: User "system:serviceaccount:team-a:alice" cannot get path "/private"',
  );

  // The reviewer is down: 503, fail closed, distinguishable from 401.
  const before = errors.length;
  res = await send('/hello', { authorization: 'Bearer down' });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal(((await res.json()) as { reason: string }).reason, 'ServiceUnavailable');
  // A bug in the authenticator: 500.
  res = await send('/hello', { authorization: 'Bearer bug' });
  assert.equal(res.status, 500);
  assert.equal(((await res.json()) as { reason: string }).reason, 'InternalError');
  assert.equal(errors.length, before + 2);
  assert.ok(errors[before] instanceof ReviewError);
}
