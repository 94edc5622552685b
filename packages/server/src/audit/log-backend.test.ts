import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogBackend } from './log-backend.js';
import { entryOf, legacyLine, type AuditEvent } from './event.js';

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
    b.processEvents(entryOf(event(i, 300 * 1024)));
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

test('maxage: rotated files whose name is older than maxage days are removed at the next rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  // Backups left by earlier runs: 10 days, 2 days and 12 hours before the rotation below; another log's file.
  const old = [
    'audit-2026-01-20T00-00-00.000.log',
    'audit-2026-01-28T00-00-00.000.log.gz',
    'audit-2026-01-29T12-00-00.000.log',
  ];
  for (const f of [...old, 'other-2026-01-01T00-00-00.000.log']) writeFileSync(join(dir, f), 'x\n');
  // File times say nothing: only the time in the name counts.
  for (const f of readdirSync(dir)) utimesSync(join(dir, f), new Date(), new Date());
  const b = new LogBackend({
    path,
    format: 'json',
    maxAgeDays: 1,
    maxBackups: 0,
    maxSizeMB: 1,
    compress: false,
    now: () => new Date(Date.UTC(2026, 0, 30, 0, 0, 0)),
  });
  for (let i = 0; i < 4; i++) {
    b.processEvents(entryOf(event(i, 300 * 1024)));
    b.flush();
  }
  b.close();
  assert.deepEqual(readdirSync(dir).sort(), [
    'audit-2026-01-29T12-00-00.000.log',
    'audit-2026-01-30T00-00-00.000.log',
    'audit.log',
    'other-2026-01-01T00-00-00.000.log',
  ]);
});

test('events of one turn are one write, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  const b = new LogBackend({ path, format: 'json', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, compress: false });
  b.processEvents(entryOf(event(1)));
  b.processEvents(entryOf(event(2)), entryOf(event(3)));
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

test('events are serialized when written: in the order given across turns, and close() writes what is pending', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  const b = new LogBackend({ path, format: 'json', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, compress: false });
  let serializedAt = 0;
  const tracked = (i: number) => {
    const e = entryOf(event(i));
    return { event: e.event, json: () => (serializedAt++, e.json()) };
  };
  b.processEvents(tracked(1), tracked(2));
  assert.equal(serializedAt, 0, 'nothing is serialized on the request path');
  await new Promise((r) => setImmediate(r));
  b.processEvents(tracked(3));
  b.processEvents(tracked(4));
  b.close(); // the shutdown path: before the next turn
  const ids = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as AuditEvent).auditID);
  assert.deepEqual(ids, ['id-1', 'id-2', 'id-3', 'id-4']);
  assert.equal(serializedAt, 4);
  assert.equal(readFileSync(path, 'utf8'), [1, 2, 3, 4].map((i) => JSON.stringify(event(i)) + '\n').join(''));
});

test('the legacy format writes each entry as kube EventString', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  const b = new LogBackend({ path, format: 'legacy', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, compress: false });
  b.processEvents(entryOf(event(7)), entryOf(event(8)));
  b.close();
  assert.equal(readFileSync(path, 'utf8'), `${legacyLine(event(7))}\n${legacyLine(event(8))}\n`);
});

test('multi-byte text is written whole, in turns small and large', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
  const path = join(dir, 'audit.log');
  const b = new LogBackend({ path, format: 'json', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 0, compress: false });
  const wide = (i: number, n: number) => ({ ...event(i), userAgent: 'é€😀'.repeat(n) });
  const all = [wide(1, 1), wide(2, 30_000), wide(3, 2)];
  b.processEvents(entryOf(all[0]!));
  b.flush();
  b.processEvents(entryOf(all[1]!), entryOf(all[2]!));
  b.close();
  assert.equal(readFileSync(path, 'utf8'), all.map((e) => JSON.stringify(e) + '\n').join(''));
});
