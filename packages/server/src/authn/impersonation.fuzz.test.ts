// Property: over any set of impersonation headers — random keys and values, valid and malformed
// percent-escapes — impersonate() yields a user, nothing, or a 4xx Status error; never another throw (a 500).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { errors, isStatusError } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import { impersonate, ImpersonationHeadersError, type ImpersonationDeps } from './impersonation.js';
import { fuzzRuns, withinCaseBudget } from '../testing/fuzz.js';

const requester: UserInfo = { username: 'alice', groups: ['system:authenticated'] };

const hex = fc.constantFrom(...'0123456789abcdefABCDEFgzZ%'.split(''));
/** A percent-escape: valid (`%2f`), truncated (`%`, `%4`), or not hex (`%zz`). */
const escape = fc.tuple(hex, hex, fc.nat(2)).map(([a, b, n]) => '%' + (a + b).slice(0, n));
const keyPart = fc.oneof(fc.string({ maxLength: 6 }), escape, fc.constantFrom('.', '/', '+', 'é', '\ud800'));
const key = fc.array(keyPart, { maxLength: 6 }).map((p) => p.join('').toLowerCase());
const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ',', ' , ', 'system:anonymous'));
const values = fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }));
const user = fc.oneof(
  value,
  fc.constantFrom('system:serviceaccount:ns:sa', 'system:serviceaccount::', 'system:serviceaccount:a:b:c'),
);

const headers = fc
  .record(
    {
      'impersonate-user': fc.oneof(user, fc.array(user, { minLength: 1, maxLength: 2 })),
      'impersonate-group': values,
      'impersonate-uid': fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 2 })),
    },
    { requiredKeys: [] },
  )
  .chain((h) =>
    fc
      .array(fc.tuple(key, values), { maxLength: 4 })
      .map((extras) => ({ ...h, ...Object.fromEntries(extras.map(([k, v]) => [`impersonate-extra-${k}`, v])) })),
  );

test('impersonate: any header set gives a user, nothing, a 4xx Status error, or the no-user refusal', () => {
  fc.assert(
    fc.property(headers, fc.boolean(), (h, allow) => {
      const deps: ImpersonationDeps = {
        authorize: () => (allow ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: 'no' }),
        forbidden: (_a, reason) => errors.forbidden(null, '', reason),
      };
      withinCaseBudget(() => {
        try {
          const u = impersonate(h as Record<string, string | string[]>, requester, deps);
          if (u !== undefined) {
            assert.equal(typeof u.username, 'string');
            assert.ok(u.groups.every((g) => typeof g === 'string'));
          }
        } catch (e) {
          // Headers without a user: kube 1.33's plain-text 500, written by the server (ImpersonationHeadersError).
          if (e instanceof ImpersonationHeadersError) return assert.match(e.message, / without impersonating a user$/);
          if (!isStatusError(e) || e.code < 400 || e.code > 499) throw e;
        }
      });
    }),
    { numRuns: fuzzRuns },
  );
});
