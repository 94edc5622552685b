import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SqliteBackend } from '../storage/sqlite.js';
import { Store } from '../storage/store.js';
import { logCheck, storageCheck } from './health.js';
import { createLogger } from './log.js';
import { healthHandler, type HealthCheck } from './nonresource.js';
import type { NonResourceHandler } from './apiserver.js';

/** Calls a health handler as GET /readyz[?verbose]; returns status and body. */
async function get(h: NonResourceHandler, verbose = false): Promise<{ status: number; body: string }> {
  let status = 0;
  let body = '';
  const res = {
    writeHead: (code: number) => void (status = code),
    end: (b: string) => void (body = b),
  };
  const query = new URLSearchParams(verbose ? 'verbose' : '');
  await h({} as never, res as never, { user: { username: 'u', groups: [] }, query, path: '/readyz' });
  return { status, body };
}

test('readyz: the storage check reads the backend, and fails once it cannot', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await Store.open(new SqliteBackend(join(dir, 'db.sqlite')));
  const log = createLogger('info', new PassThrough());
  const checks = (): HealthCheck[] => [{ name: 'ping', check: () => undefined }, logCheck(log), storageCheck(store)];
  const h = healthHandler('readyz', checks);
  assert.deepEqual(await get(h), { status: 200, body: 'ok' });
  assert.deepEqual(await get(h, true), {
    status: 200,
    body: '[+]ping ok\n[+]log ok\n[+]storage ok\nreadyz check passed\n',
  });
  await store.close();
  assert.match(String(await storageCheck(store).check()), /^storage did not answer: .*not open/);
  assert.deepEqual(await get(h), {
    status: 500,
    body: '[+]ping ok\n[+]log ok\n[-]storage failed: reason withheld\nreadyz check failed\n',
  });
});

test('readyz: the log check fails when the log sink can take no more lines', async () => {
  const sink = new PassThrough();
  const log = createLogger('info', sink);
  const h = healthHandler('readyz', () => [logCheck(log)]);
  log.info('still writable');
  assert.deepEqual(await get(h), { status: 200, body: 'ok' });
  sink.destroy();
  assert.equal(log.sinkError(), 'log sink closed');
  assert.deepEqual(await get(h), { status: 500, body: '[-]log failed: reason withheld\nreadyz check failed\n' });
  const ended = new PassThrough();
  ended.end();
  assert.equal(createLogger('info', ended).sinkError(), 'log sink ended');
});
