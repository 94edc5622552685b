import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { decodeListOptions, listOptions, parseInt64, queryBool } from './listoptions.js';

function failure(query: string): { code: number; message: string; details?: unknown } {
  try {
    listOptions(new URLSearchParams(query));
  } catch (e) {
    assert.ok(e instanceof StatusError, `not a StatusError: ${String(e)}`);
    return { code: e.code, message: e.status.message!, details: e.status.details };
  }
  assert.fail(`${query}: accepted`);
}

const invalid = (errs: string) => `ListOptions.meta.k8s.io "" is invalid: ${errs}`;

test('client-go streaming list options are accepted and kept', () => {
  const o = listOptions(
    new URLSearchParams(
      'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=540',
    ),
  );
  assert.deepEqual(o, {
    watch: true,
    resourceVersion: '',
    resourceVersionMatch: 'NotOlderThan',
    sendInitialEvents: true,
    allowWatchBookmarks: true,
    continue: '',
    timeoutSeconds: 540,
  });
});

test('a legacy watch (resourceVersion "" or "0") defaults to a streaming list; a given revision does not', () => {
  for (const rv of ['', 'resourceVersion=0&']) {
    const o = listOptions(new URLSearchParams(`${rv}watch=true`));
    assert.equal(o.sendInitialEvents, true);
    assert.equal(o.resourceVersionMatch, 'NotOlderThan');
  }
  const o = listOptions(new URLSearchParams('watch=true&resourceVersion=7'));
  assert.equal(o.sendInitialEvents, undefined);
  assert.equal(o.resourceVersionMatch, '');
  // Not a watch parameter (the /watch/ path alone): nothing is defaulted.
  assert.equal(listOptions(new URLSearchParams('')).sendInitialEvents, undefined);
});

test('watch validation: the messages, field paths and 422 of ValidateListOptions', () => {
  const f = failure('watch=true&sendInitialEvents=true');
  assert.equal(f.code, 422);
  assert.equal(
    f.message,
    invalid('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
  );
  assert.deepEqual(f.details, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: [
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        field: 'resourceVersionMatch',
      },
    ],
  });
  assert.equal(
    failure('watch=true&resourceVersion=5&resourceVersionMatch=NotOlderThan').message,
    invalid(
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    ),
  );
  assert.equal(
    failure('watch=true&sendInitialEvents=false&resourceVersionMatch=Exact').message,
    invalid(
      '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, ' +
        'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
    ),
  );
  assert.equal(
    failure('watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&continue=abc').message,
    invalid('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided'),
  );
  // A watch with a revision and a match but no sendInitialEvents is not defaulted: both rules apply.
  assert.equal(
    failure('watch=true&resourceVersion=3&resourceVersionMatch=Exact').message,
    invalid(
      '[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, ' +
        'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
    ),
  );
});

test('list validation: sendInitialEvents is forbidden, whatever its value', () => {
  for (const q of [
    'sendInitialEvents=true',
    'sendInitialEvents=false',
    'sendInitialEvents=',
    'watch=false&sendInitialEvents=1',
  ]) {
    const f = failure(q);
    assert.equal(f.code, 422, q);
    assert.equal(f.message, invalid('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'), q);
  }
});

test('list validation: resourceVersionMatch rules', () => {
  assert.equal(
    failure('resourceVersionMatch=NotOlderThan').message,
    invalid('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'),
  );
  assert.equal(
    failure('resourceVersion=0&resourceVersionMatch=Exact').message,
    invalid('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
  );
  assert.equal(
    failure('resourceVersion=4&resourceVersionMatch=Newest').message,
    invalid('resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'),
  );
  assert.equal(
    failure('resourceVersionMatch=Exact&continue=x').message,
    invalid(
      '[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, ' +
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided]',
    ),
  );
  // Accepted: a match with a revision, an empty match, Exact at a revision.
  for (const q of [
    'resourceVersion=0&resourceVersionMatch=NotOlderThan',
    'resourceVersionMatch=',
    'resourceVersion=9&resourceVersionMatch=Exact',
  ])
    listOptions(new URLSearchParams(q));
});

test('booleans read as the parameter codec reads them', () => {
  assert.equal(queryBool('0'), false);
  assert.equal(queryBool('FaLsE'), false);
  assert.equal(queryBool(''), true);
  assert.equal(queryBool('f'), true);
  assert.equal(queryBool('no'), true);
  assert.equal(decodeListOptions(new URLSearchParams('allowWatchBookmarks')).allowWatchBookmarks, true);
  assert.equal(decodeListOptions(new URLSearchParams('allowWatchBookmarks=0')).allowWatchBookmarks, false);
});

test('timeoutSeconds: strconv.ParseInt, 400 with its text', () => {
  assert.equal(parseInt64('+15'), 15);
  assert.equal(parseInt64('-3'), -3);
  const cases: Array<[string, string]> = [
    ['abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
  ];
  for (const [v, msg] of cases) {
    const f = failure(`watch=true&timeoutSeconds=${encodeURIComponent(v)}`);
    assert.equal(f.code, 400, v);
    assert.equal(f.message, msg, v);
  }
});
