// The RequestInfo parser, fuzzed: any method, path and query give a RequestInfo; it never throws.
import { test } from 'node:test';
import fc from 'fast-check';
import { requestInfo, requestInfoNoQuery } from './info.js';
import { fuzz } from '../testing/fuzz.js';

const segment = fc.constantFrom(
  'api',
  'apis',
  'v1',
  'namespaces',
  'default',
  'pods',
  'p',
  'status',
  'watch',
  'proxy',
  'rbac.authorization.k8s.io',
  '',
  '.',
  '..',
  '%2F',
  'a b',
  '__proto__',
  'constructor',
);
const path = fc.oneof(
  fc.string(),
  fc.array(segment, { maxLength: 9 }).map((s) => '/' + s.join('/')),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'BREW', '');
const query = fc.constantFrom(
  '',
  'watch=true',
  'watch=1',
  'watch=banana',
  'fieldSelector=metadata.name%3Dx',
  'labelSelector=a',
  'dryRun=All',
);

test('requestInfo never throws', () => {
  fuzz(
    fc.tuple(method, path, query),
    ([m, p, q]) => {
      const info = q ? requestInfo(m, p, new URLSearchParams(q)) : requestInfoNoQuery(m, p);
      if (typeof info.verb !== 'string' || typeof info.isResourceRequest !== 'boolean') throw new Error('bad info');
      // As in kube's RequestInfoFactory, a resource request may still have an empty resource (`/api/v1//x`).
      for (const k of ['namespace', 'resource', 'name', 'apiGroup', 'apiVersion'] as const)
        if (typeof info[k] !== 'string') throw new Error(`${k} is not a string`);
    },
    () => false,
  );
});
