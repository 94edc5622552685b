// `kubeauth rbac test`: access assertions checked against a policy. Each gives a subject, a request and the
// expected answer; the result carries the explanation so a failure says why.
import type { UserInfo } from '../../api/types.js';
import type { RbacIndex } from '../rbac/index.js';
import { serviceAccountUsername } from '../rbac/subjects.js';
import type { Subject } from '../rbac/types.js';
import { explain, type Explanation } from './explain.js';
import { type AccessQuery, describeQuery, impliedUser, toAttributes } from './query.js';

export interface Assertion {
  subject: Subject;
  /** Extra groups for a User subject (as `--as-group`). */
  groups?: string[];
  query: AccessQuery;
  expect: 'allow' | 'deny';
  /** Where it was written (file:index), for reports. */
  source: string;
}

export interface AssertionResult {
  assertion: Assertion;
  name: string;
  passed: boolean;
  explanation: Explanation;
}

export function assertionUser(a: Pick<Assertion, 'subject' | 'groups'>): UserInfo {
  const s = a.subject;
  if (s.kind === 'ServiceAccount') return impliedUser(serviceAccountUsername(s.namespace ?? '', s.name), a.groups);
  if (s.kind === 'Group') return impliedUser(`member of ${s.name}`, [s.name, ...(a.groups ?? [])]);
  return impliedUser(s.name, a.groups);
}

export function checkAssertions(index: RbacIndex, assertions: readonly Assertion[]): AssertionResult[] {
  return assertions.map((a) => {
    const e = explain(index, toAttributes(assertionUser(a), a.query));
    const where = a.query.namespace ? ` in ${a.query.namespace}` : '';
    const who =
      a.subject.kind === 'ServiceAccount'
        ? `ServiceAccount/${a.subject.namespace}/${a.subject.name}`
        : `${a.subject.kind}/${a.subject.name}`;
    return {
      assertion: a,
      name: `${who} ${a.expect === 'allow' ? 'can' : 'cannot'} ${describeQuery(a.query)}${where}`,
      passed: e.allowed === (a.expect === 'allow'),
      explanation: e,
    };
  });
}
