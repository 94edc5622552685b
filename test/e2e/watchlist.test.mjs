// Streaming lists (WatchList) as client-go 1.35 reflectors open them, timeout bookmarks, and the kubectl
// commands that wait on a watch (`wait --for=delete`, `--for=jsonpath`), with client-go's WatchListClient on
// and off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { startKubeauth, kubectlPath, kubectlAbsent } from './harness.mjs';
import { adminCredentials, call } from './http.mjs';

let s;
const ns = 'watchlist';
const cmPath = `/api/v1/namespaces/${ns}/configmaps`;
const endAnnotation = { 'k8s.io/initial-events-end': 'true' };

before(async () => {
  s = await startKubeauth();
  const r = await call(s, '/api/v1/namespaces', {
    method: 'POST',
    body: JSON.stringify({ metadata: { name: ns } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(r.status, 201);
});
after(async () => {
  await s?.stop();
});

const json = { 'Content-Type': 'application/json' };
const create = (name, data = {}) =>
  call(s, cmPath, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name }, data }) });

/** A raw watch stream: `next()` resolves the next event; `ended` resolves when the server ends the stream. */
function stream(path) {
  const creds = adminCredentials(s.kubeconfig);
  const u = new URL(s.url);
  const events = [];
  const waiters = [];
  let buf = '';
  let endedResolve;
  const ended = new Promise((r) => (endedResolve = r));
  const opened = new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, ...creds, headers: { Accept: 'application/json' } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            waiters.shift()?.();
          }
        });
        res.on('end', () => endedResolve());
        resolve({ status: res.statusCode, abort: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
  let read = 0;
  return {
    opened,
    ended,
    events,
    async next() {
      while (events.length <= read) await new Promise((r) => waiters.push(r));
      return events[read++];
    },
  };
}

test('client-go 1.35 reflector: initial events, the end bookmark, then live ADDED/MODIFIED/DELETED', async () => {
  assert.equal((await create('a', { k: '1' })).status, 201);
  assert.equal((await create('b')).status, 201);
  const list = await call(s, cmPath);
  const listRv = Number(list.json.metadata.resourceVersion);
  const names = list.json.items.map((i) => i.metadata.name).sort();
  // What client-go's reflector sends for its first watch-list (no resourceVersion yet).
  const w = stream(
    `${cmPath}?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=540&watch=true`,
  );
  const { status, abort } = await w.opened;
  try {
    assert.equal(status, 200);
    const initial = [];
    let ev;
    while ((ev = await w.next()).type === 'ADDED') initial.push(ev.object.metadata.name);
    assert.deepEqual(initial.sort(), names);
    assert.equal(ev.type, 'BOOKMARK');
    assert.deepEqual(Object.keys(ev.object), ['kind', 'apiVersion', 'metadata']);
    assert.equal(ev.object.kind, 'ConfigMap');
    assert.equal(ev.object.apiVersion, 'v1');
    assert.deepEqual(ev.object.metadata.annotations, endAnnotation);
    assert.ok(Number(ev.object.metadata.resourceVersion) >= listRv);

    const c = await create('c');
    const patched = await call(s, `${cmPath}/c`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { x: 'y' } }),
    });
    assert.equal(patched.status, 200);
    assert.equal((await call(s, `${cmPath}/c`, { method: 'DELETE' })).status, 200);
    const live = [await w.next(), await w.next(), await w.next()];
    assert.deepEqual(
      live.map((e) => [e.type, e.object.metadata.name]),
      [
        ['ADDED', 'c'],
        ['MODIFIED', 'c'],
        ['DELETED', 'c'],
      ],
    );
    assert.equal(live[0].object.metadata.resourceVersion, c.json.metadata.resourceVersion);
    assert.equal(live[1].object.data.x, 'y');
  } finally {
    abort();
  }
});

test('a resumed reflector (sendInitialEvents=false at its revision) gets only the changes after it', async () => {
  const rv = (await call(s, cmPath)).json.metadata.resourceVersion;
  const w = stream(
    `${cmPath}?allowWatchBookmarks=true&resourceVersion=${rv}&resourceVersionMatch=NotOlderThan&sendInitialEvents=false&watch=true`,
  );
  const { abort } = await w.opened;
  try {
    await create('d');
    const ev = await w.next();
    assert.deepEqual([ev.type, ev.object.metadata.name], ['ADDED', 'd']);
  } finally {
    abort();
  }
});

test('a bookmark 2 s before timeoutSeconds, then the server ends the stream', async () => {
  const rv = (await call(s, cmPath)).json.metadata.resourceVersion;
  const w = stream(`${cmPath}?allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=3&watch=true`);
  await w.opened;
  await w.ended;
  assert.deepEqual(
    w.events.map((e) => [e.type, e.object.metadata.annotations]),
    [['BOOKMARK', undefined]],
  );
  assert.ok(Number(w.events[0].object.metadata.resourceVersion) >= Number(rv));
});

test("ListOptions validation over the wire: 422 Invalid with kube-apiserver's body", async () => {
  const r = await call(s, `${cmPath}?sendInitialEvents=true`);
  assert.equal(r.status, 422);
  assert.deepEqual(r.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    reason: 'Invalid',
    details: {
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: sendInitialEvents is forbidden for list',
          field: 'sendInitialEvents',
        },
      ],
    },
    code: 422,
  });
  const w = await call(s, `${cmPath}?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact`);
  assert.equal(w.status, 422);
  assert.equal(
    w.json.message,
    'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting ' +
      'resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
  );
  const t = await call(s, `${cmPath}?watch=1&timeoutSeconds=soon`);
  assert.equal(t.status, 400);
  assert.equal(t.json.message, 'strconv.ParseInt: parsing "soon": invalid syntax');
});

test('@kubernetes/client-node Watch with the streaming-list parameters sees the end bookmark', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(s.kubeconfig);
  const seen = [];
  let gotBookmark;
  const bookmark = new Promise((r) => (gotBookmark = r));
  const ctl = await new k8s.Watch(kc).watch(
    cmPath,
    { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
    (type, obj) => {
      seen.push(type);
      if (type === 'BOOKMARK') gotBookmark(obj);
    },
    () => undefined,
  );
  try {
    const obj = await bookmark;
    assert.deepEqual(obj.metadata.annotations, endAnnotation);
    assert.ok(seen.slice(0, -1).length >= 3 && seen.slice(0, -1).every((t) => t === 'ADDED'));
  } finally {
    ctl.abort();
  }
});

/**
 * Runs kubectl with client-go's request log (-v=6); resolves `watching` when a watch request of `resource`
 * has been answered, and `done` with {code, stderr, stdout}.
 */
function kubectlWatching(args, env = {}, version = '1.33') {
  const p = spawn(kubectlPath(version) ?? kubectlPath(), [...args, '-v=6'], {
    env: { ...process.env, KUBECONFIG: s.kubeconfig, HOME: s.dir, ...env },
  });
  let stderr = '';
  let stdout = '';
  let onWatch;
  const watching = new Promise((r) => (onWatch = r));
  p.stderr.on('data', (d) => {
    stderr += d;
    // Both log formats: `GET <url> 200 OK in 3 milliseconds` and `"Response" verb="GET" url="<url>" status="200 OK"`.
    const m = /(?:GET |url=")(https:[^"\s]*watch=true[^"\s]*)"?\s+(?:status=")?200 OK/.exec(stderr);
    if (m) onWatch(m[1]);
  });
  p.stdout.on('data', (d) => (stdout += d));
  const done = new Promise((r) => p.on('exit', (code) => r({ code, stderr, stdout })));
  return { watching, done };
}

// kubectl 1.35 streams its lists by default (client-go 1.35's WatchListClient); 1.33 only with the gate on.
for (const [label, env, version, tag] of [
  ['a list then a watch', { KUBE_FEATURE_WatchListClient: 'false' }, '1.33', 'lw'],
  ['a streaming list (WatchListClient, as in client-go 1.35)', { KUBE_FEATURE_WatchListClient: 'true' }, '1.33', 'wl'],
  ['kubectl 1.35 defaults (a streaming list)', {}, '1.35', 'k135'],
]) {
  test(`kubectl wait --for=delete and --for=jsonpath over ${label}`, { skip: kubectlAbsent(version) }, async () => {
    assert.equal((await create(`gone-${tag}`)).status, 201);
    const del = kubectlWatching(
      ['wait', '--for=delete', `configmap/gone-${tag}`, '-n', ns, '--timeout=30s'],
      env,
      version,
    );
    const url = await del.watching;
    if (tag !== 'lw') assert.match(url, /sendInitialEvents=true&timeoutSeconds=\d+&watch=true/);
    else assert.doesNotMatch(url, /sendInitialEvents/);
    assert.equal((await call(s, `${cmPath}/gone-${tag}`, { method: 'DELETE' })).status, 200);
    const d = await del.done;
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`configmap/gone-${tag} condition met`));

    assert.equal((await create(`ready-${tag}`, { state: 'pending' })).status, 201);
    const jp = kubectlWatching(
      ['wait', '--for=jsonpath={.data.state}=ready', `configmap/ready-${tag}`, '-n', ns, '--timeout=30s'],
      env,
      version,
    );
    await jp.watching;
    const p = await call(s, `${cmPath}/ready-${tag}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { state: 'ready' } }),
    });
    assert.equal(p.status, 200);
    const j = await jp.done;
    assert.equal(j.code, 0, j.stderr);
    assert.match(j.stdout, new RegExp(`configmap/ready-${tag} condition met`));
  });
}

test(
  'kubectl 1.35: wait gives up on a condition that never holds; delete --wait --cascade=foreground returns once gone',
  { skip: kubectlAbsent('1.35') },
  async () => {
    assert.equal((await create('stays', { state: 'pending' })).status, 201);
    const never = kubectlWatching(
      ['wait', '--for=jsonpath={.data.state}=ready', 'configmap/stays', '-n', ns, '--timeout=1s'],
      {},
      '1.35',
    );
    // The streaming list reached the end of its initial events (so the failure is the condition, not the watch).
    assert.match(await never.watching, /sendInitialEvents=true/);
    const n = await never.done;
    assert.equal(n.code, 1);
    assert.match(n.stderr, /error: timed out waiting for the condition on configmaps\/stays\n/);
    assert.doesNotMatch(n.stderr, /hasn't received required bookmark/);

    const d = kubectlWatching(['delete', 'configmap/stays', '-n', ns, '--wait', '--cascade=foreground'], {}, '1.35');
    const r = await d.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `configmap "stays" deleted from ${ns} namespace\n`);
    assert.equal((await call(s, `${cmPath}/stays`)).status, 404);
  },
);
