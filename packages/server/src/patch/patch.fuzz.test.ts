// Every patch type, fuzzed against a stored object: a patched object or a Status error, never another throw.
import { test } from 'node:test';
import fc from 'fast-check';
import { isStatusError } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import { applyPatchRequest, type PatchContext } from './index.js';
import { resolver } from './testing.js';
import { fuzz, nearJson, nearYaml } from '../testing/fuzz.js';

const ctx: PatchContext = {
  resolver,
  schemaName: 'Pod',
  apiVersion: 'v1',
  kind: 'Pod',
  gr: { group: '', resource: 'pods' },
  name: 'p',
  namespace: 'default',
  now: new Date('2024-05-01T10:00:00Z'),
  fieldManager: 'fuzz',
};
const live = (): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '1', labels: { a: 'b' } },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
  }) as unknown as KObject;

/**
 * A 4xx, or kube's own 500 for an apply configuration the schema cannot type (structured-merge-diff's
 * "failed to create typed patch object" is not a Status error in kube-apiserver either, so it answers 500).
 */
function allowed(e: unknown): boolean {
  if (!isStatusError(e)) return false;
  const code = e.status.code ?? 0;
  if (code >= 400 && code < 500) return true;
  return code === 500 && /^failed to create typed patch object /.test(e.status.message ?? '');
}

const patchDoc = fc.oneof(
  nearJson(),
  fc
    .array(
      fc.record({
        op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
        path: fc.constantFrom(
          '/metadata/labels/x',
          '/metadata/labels/__proto__',
          '/spec/containers/0',
          '/spec/containers/-',
          '/a/b/c',
          '',
          '/',
          '/metadata/labels/a~1b',
        ),
        from: fc.constantFrom('/metadata/labels/a', '/spec', '/nope'),
        value: fc.jsonValue({ maxDepth: 3 }),
      }),
      { maxLength: 5 },
    )
    .map((ops) => JSON.stringify(ops)),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => JSON.stringify({ metadata: { labels: v }, spec: { containers: v, $patch: 'replace' } })),
);

for (const type of [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
]) {
  test(`${type} patches`, () => {
    fuzz(patchDoc, (body) => applyPatchRequest(type, live(), body, ctx), allowed);
  });
}

test('apply configurations, JSON and YAML, to a live and to a missing object', () => {
  fuzz(
    fc.tuple(fc.oneof(patchDoc, nearYaml()), fc.boolean()),
    ([body, exists]) => applyPatchRequest('application/apply-patch+yaml', exists ? live() : undefined, body, ctx),
    allowed,
  );
});
