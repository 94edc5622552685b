import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogBackend } from './log-backend.js';
import { legacyLine, type AuditEvent } from './event.js';

function event(i: number, pad = 0): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${i}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods?x=' + 'a'.repeat(pad),
    verb: 'list',
    user: { username: 'alice', groups: ['g1', 'g2'] },
    sourceIPs: ['10.0.0.1'],
    userAgent: 'kubectl',
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-01-02T03:04:05.120000Z',
    stageTimestamp: '2026-01-02T03:04:05.130000Z',
  };
}

test('rotation: past maxsize the file is renamed with its time, compressed, and only maxbackup kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  let t = Date.UTC(2026, 0, 2, 3, 4, 5, 0);
  const b = new LogBackend({
    path,
    format: 'json',
    maxAgeDays: 0,
    maxBackups: 1,
    maxSizeMB: 1,
    compress: true,
    now: () => new Date((t += 1000)),
  });
  // Each flush writes ~0.3 MiB: three fit in 1 MiB, the fourth rotates.
  for (let i = 0; i < 8; i++) {
    b.processEvents(event(i, 300 * 1024));
    b.flush();
  }
  b.close();
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['audit-2026-01-02T03-04-07.000.log.gz', 'audit.log']);
  const last = gunzipSync(readFileSync(join(dir, files[0]!)))
    .toString('utf8')
    .trim()
    .split('\n');
  assert.deepEqual(
    last.map((l) => (JSON.parse(l) as AuditEvent).auditID),
    ['id-3', 'id-4', 'id-5'],
  );
  assert.deepEqual(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as AuditEvent).auditID),
    ['id-6', 'id-7'],
  );
});

test('events of one turn are one write, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  const b = new LogBackend({ path, format: 'json', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, compress: false });
  b.processEvents(event(1));
  b.processEvents(event(2), event(3));
  assert.equal(readFileSync(path, 'utf8'), '');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as AuditEvent).auditID),
    ['id-1', 'id-2', 'id-3'],
  );
  b.close();
});

test('legacy format is kube EventString', () => {
  assert.equal(
    legacyLine(event(7)),
    '2026-01-02T03:04:05.12Z AUDIT: id="id-7" stage="ResponseComplete" ip="10.0.0.1" method="list" user="alice" groups="\\"g1\\",\\"g2\\"" as="<self>" asgroups="<lookup>" user-agent="kubectl" namespace="default" uri="/api/v1/namespaces/default/pods?x=" response="200"',
  );
});
