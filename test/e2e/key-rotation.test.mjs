// `kubeauth keys rotate`: the new key signs, the old one still verifies, and the JWKS publishes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeauth, mainJs } from './harness.mjs';
import { call } from './http.mjs';

const kid = (t) => JSON.parse(Buffer.from(t.split('.')[0], 'base64url')).kid;

async function review(s, token) {
  const r = await call(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
  });
  return r.json.status;
}

test('rotate: old tokens keep verifying, new tokens use the new kid, JWKS has both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-rotate-'));
  try {
    let s = await startKubeauth([], { dataDir: dir });
    const before = (await s.kubectl(['create', 'token', 'default'])).stdout.trim();
    await s.stop({ keepDir: true });
    const out = execFileSync(process.execPath, [mainJs, 'keys', 'rotate', `--data-dir=${dir}`], { encoding: 'utf8' });
    assert.match(out, /^new RS256 signing key written/);
    s = await startKubeauth([], { dataDir: dir });
    try {
      const after = (await s.kubectl(['create', 'token', 'default'])).stdout.trim();
      assert.notEqual(kid(after), kid(before));
      assert.equal((await review(s, before)).authenticated, true, 'token signed by the retired key');
      assert.equal((await review(s, after)).authenticated, true);
      const jwks = (await call(s, '/openid/v1/jwks')).json;
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [kid(before), kid(after)].sort());
    } finally {
      await s.stop({ keepDir: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
