// The public surface changes only on purpose: api-report.md (checked in) must match the built declarations.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it('api-report.md matches the public surface (regenerate: node packages/verify/scripts/api-report.mjs --write)', async () => {
  const { apiReport } = (await import(join(pkgDir, 'scripts', 'api-report.mjs'))) as { apiReport: () => string };
  assert.equal(apiReport(), readFileSync(join(pkgDir, 'api-report.md'), 'utf8'));
});

it('the root entry point exports no internals', async () => {
  const root = await import('./index.js');
  for (const name of ['parseYaml', 'UNAUTHORIZED_BODY', 'attachKubeAuth', 'FrontedLruCache']) {
    assert.equal(Object.hasOwn(root, name), false, name);
  }
  assert.equal(
    Object.keys(root).filter((k) => k.startsWith('DEFAULT_')).length,
    0,
    'no DEFAULT_* constants in the public surface',
  );
});
