// kubectl verbs end to end (oldest and newest supported kubectl): apply (client- and server-side), edit, patch,
// label/annotate, watch, output formats, dry-run, generateName, replace, explain, version, tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeauth, eventually, kubectlPath } from './harness.mjs';
import { call } from './http.mjs';

let s;
before(async () => {
  s = await startKubeauth();
});
after(async () => {
  await s?.stop();
});

const versions = ['1.27', '1.33'].filter((v) => kubectlPath(v));

const ok = (r) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

for (const v of versions) {
  const tag = v.replace('.', '-');
  const ns = `verbs-${tag}`;
  const k = (argv, o = {}) => s.kubectl(argv, { version: v, ...o });
  const file = (name, text) => {
    const p = join(s.dir, `${tag}-${name}`);
    writeFileSync(p, text);
    return p;
  };
  const cm = (name, data) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n` +
    Object.entries(data)
      .map(([a, b]) => `  ${a}: "${b}"\n`)
      .join('');

  test(`kubectl ${v}: create namespace`, async () => {
    ok(await k(['create', 'namespace', ns]));
  });

  test(`kubectl ${v}: client-side apply created / unchanged / configured`, async () => {
    const f = file('csa.yaml', cm('csa', { a: '1' }));
    let r = await k(['apply', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/csa created');
    r = await k(['apply', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/csa unchanged');
    writeFileSync(f, cm('csa', { a: '2', b: '3' }));
    r = await k(['apply', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/csa configured');
    r = await k(['get', 'cm', 'csa', '-n', ns, '-o', 'json']);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(o.data, { a: '2', b: '3' });
    assert.ok(o.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    // removing a field from the file removes it from the object (three-way merge)
    writeFileSync(f, cm('csa', { a: '2' }));
    r = await k(['apply', '-f', f]);
    assert.equal(r.stdout.trim(), 'configmap/csa configured');
    r = await k(['get', 'cm', 'csa', '-n', ns, '-o', 'jsonpath={.data}']);
    assert.deepEqual(JSON.parse(r.stdout), { a: '2' });
  });

  test(`kubectl ${v}: server-side apply, conflicts and --force-conflicts`, async () => {
    const f = file('ssa.yaml', cm('ssa', { x: '1' }));
    let r = await k(['apply', '--server-side', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/ssa serverside-applied');
    r = await k(['apply', '--server-side', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/ssa serverside-applied');
    r = await k(['get', 'cm', 'ssa', '-n', ns, '-o', 'json', '--show-managed-fields']);
    const o = JSON.parse(r.stdout);
    const mf = o.metadata.managedFields.find((m) => m.manager === 'kubectl');
    assert.equal(mf.operation, 'Apply');
    assert.deepEqual(mf.fieldsV1, { 'f:data': { 'f:x': {} } });
    // another manager takes ownership of data.x with a different value
    writeFileSync(f, cm('ssa', { x: '2' }));
    r = await k(['apply', '--server-side', '--field-manager=other', '-f', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.x/);
    r = await k(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/ssa serverside-applied');
    r = await k(['get', 'cm', 'ssa', '-n', ns, '-o', 'jsonpath={.data.x}']);
    assert.equal(r.stdout, '2');
  });

  test(`kubectl ${v}: diff and server-side apply --dry-run=server`, async () => {
    const f = file('diff.yaml', cm('ssa', { x: '2' }));
    let r = await k(['diff', '-f', f]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    writeFileSync(f, cm('ssa', { x: '3' }));
    r = await k(['diff', '-f', f]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^-\s+x: "2"$/m);
    assert.match(r.stdout, /^\+\s+x: "3"$/m);
    r = await k(['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', f]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/ssa serverside-applied (server dry run)');
    r = await k(['get', 'cm', 'ssa', '-n', ns, '-o', 'jsonpath={.data.x}']);
    assert.equal(r.stdout, '2');
    r = await k(['get', 'cm', '-n', ns, '--sort-by=.metadata.name', '-o', 'custom-columns=N:.metadata.name,X:.data.x']);
    ok(r);
    assert.match(r.stdout, /^N\s+X\n/);
    assert.match(r.stdout, /^ssa\s+2$/m);
  });

  test(`kubectl ${v}: client-side apply then server-side apply of a pod (managed-fields migration)`, async () => {
    const pod = (img) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: mig\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: ${img}\n`;
    let r = await k(['apply', '-f', '-'], { input: pod('nginx:1') });
    ok(r);
    r = await k(['get', 'pod', 'mig', '-n', ns, '-o', 'json', '--show-managed-fields']);
    const o = JSON.parse(r.stdout);
    const csa = o.metadata.managedFields.find((m) => m.manager === 'kubectl-client-side-apply');
    // fields set by admission (token volume and mount, service account, priority, tolerations) have no manager
    for (const f of ['f:volumes', 'f:serviceAccountName', 'f:serviceAccount', 'f:priority', 'f:tolerations'])
      assert.equal(csa.fieldsV1['f:spec'][f], undefined, f);
    assert.equal(csa.fieldsV1['f:spec']['f:containers']['k:{"name":"c"}']['f:volumeMounts'], undefined);
    assert.deepEqual(csa.fieldsV1['f:spec']['f:containers']['k:{"name":"c"}']['f:imagePullPolicy'], {});
    assert.ok(o.spec.volumes.length === 1 && o.spec.serviceAccountName === 'default');
    // the upgrade to server-side apply migrates ownership and re-applies without complaint
    r = await k(['apply', '--server-side', '-f', '-'], { input: pod('nginx:2') });
    ok(r);
    assert.equal(r.stdout.trim(), 'pod/mig serverside-applied');
    assert.equal(r.stderr, '');
    r = await k(['get', 'pod', 'mig', '-n', ns, '-o', 'json']);
    const p = JSON.parse(r.stdout);
    assert.equal(p.spec.containers[0].image, 'nginx:2');
    assert.equal(p.spec.volumes.length, 1);
    ok(await k(['delete', 'pod', 'mig', '-n', ns]));
  });

  test(`kubectl ${v}: edit with KUBE_EDITOR`, async () => {
    ok(await k(['create', 'configmap', 'ed', '-n', ns, '--from-literal=k=before']));
    const ed = join(s.dir, `${tag}-editor.sh`);
    writeFileSync(ed, '#!/bin/sh\nsed -i "s/k: before/k: after/" "$1"\n');
    chmodSync(ed, 0o755);
    let r = await k(['edit', 'cm', 'ed', '-n', ns], { env: { KUBE_EDITOR: ed, EDITOR: ed } });
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/ed edited');
    r = await k(['get', 'cm', 'ed', '-n', ns, '-o', 'jsonpath={.data.k}']);
    assert.equal(r.stdout, 'after');
    // no change: kubectl says so and exits 0
    r = await k(['edit', 'cm', 'ed', '-n', ns], { env: { KUBE_EDITOR: 'true', EDITOR: 'true' } });
    ok(r);
    assert.match(r.stderr + r.stdout, /Edit cancelled, no changes made\./);
  });

  test(`kubectl ${v}: patch json, merge and strategic`, async () => {
    ok(await k(['create', 'configmap', 'pt', '-n', ns, '--from-literal=a=1']));
    let r = await k([
      'patch',
      'cm',
      'pt',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/data/b","value":"2"}]',
    ]);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/pt patched');
    r = await k(['patch', 'cm', 'pt', '-n', ns, '--type=merge', '-p', '{"data":{"a":null,"c":"3"}}']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/pt patched');
    r = await k(['patch', 'cm', 'pt', '-n', ns, '-p', '{"data":{"d":"4"}}']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/pt patched');
    r = await k(['patch', 'cm', 'pt', '-n', ns, '-p', '{"data":{"d":"4"}}']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/pt patched (no change)');
    r = await k(['get', 'cm', 'pt', '-n', ns, '-o', 'jsonpath={.data}']);
    assert.deepEqual(JSON.parse(r.stdout), { b: '2', c: '3', d: '4' });
    // strategic merge on a list with a merge key (pod containers, by name)
    ok(
      await k([
        'run',
        'pp',
        '-n',
        ns,
        '--image=nginx',
        '--restart=Never',
        '--overrides',
        '{"spec":{"containers":[{"name":"pp","image":"nginx"},{"name":"side","image":"busybox"}]}}',
      ]),
    );
    r = await k(['patch', 'pod', 'pp', '-n', ns, '-p', '{"spec":{"activeDeadlineSeconds":30}}']);
    ok(r);
    r = await k(['get', 'pod', 'pp', '-n', ns, '-o', 'json']);
    const p = JSON.parse(r.stdout);
    assert.equal(p.spec.activeDeadlineSeconds, 30);
    assert.deepEqual(
      p.spec.containers.map((c) => c.name),
      ['pp', 'side'],
    );
    r = await k(['patch', 'cm', 'pt', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/data/zz"}]']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The request is invalid: the server rejected our request due to an error in our request/);
  });

  test(`kubectl ${v}: label and annotate add / overwrite / remove`, async () => {
    ok(await k(['create', 'configmap', 'la', '-n', ns]));
    let o;
    let r = await k(['label', 'cm', 'la', '-n', ns, 'team=a']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/la labeled');
    r = await k(['label', 'cm', 'la', '-n', ns, 'team=b']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /'team' already has a value \(a\), and --overwrite is false/);
    r = await k(['label', 'cm', 'la', '-n', ns, 'team=b', '--overwrite']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/la labeled');
    r = await k(['get', 'cm', '-n', ns, '-l', 'team=b', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'configmap/la');
    r = await k(['get', 'cm', '-n', ns, '--show-labels']);
    assert.match(r.stdout, /^la\s+0\s+\S+\s+team=b$/m);
    r = await k(['label', 'cm', 'la', '-n', ns, 'team-']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/la unlabeled');
    // the last label gone: no empty map, and kubectl-label no longer owns anything
    r = await k(['get', 'cm', 'la', '-n', ns, '-o', 'json', '--show-managed-fields']);
    o = JSON.parse(r.stdout);
    assert.equal(o.metadata.labels, undefined);
    assert.deepEqual(
      (o.metadata.managedFields ?? []).filter((m) => m.manager === 'kubectl-label'),
      [],
      JSON.stringify(o.metadata.managedFields),
    );
    r = await k(['annotate', 'cm', 'la', '-n', ns, 'note=hello world']);
    ok(r);
    // (kubectl 1.27 itself prints `annotate`, a client-side wording)
    assert.match(r.stdout.trim(), /^configmap\/la annotated?$/);
    r = await k(['annotate', 'cm', 'la', '-n', ns, 'note=bye', '--overwrite']);
    ok(r);
    r = await k(['get', 'cm', 'la', '-n', ns, '-o', 'json']);
    o = JSON.parse(r.stdout);
    assert.equal(o.metadata.annotations.note, 'bye');
    assert.equal(o.metadata.labels, undefined, JSON.stringify(o.metadata));
    r = await k(['annotate', 'cm', 'la', '-n', ns, 'note-']);
    ok(r);
    assert.match(r.stdout.trim(), /^configmap\/la annotated?$/);
    o = JSON.parse((await k(['get', 'cm', 'la', '-n', ns, '-o', 'json'])).stdout);
    assert.equal(o.metadata.annotations?.note, undefined);
  });

  test(`kubectl ${v}: get -w --output-watch-events`, async () => {
    const wns = `watch-${tag}`;
    ok(await k(['create', 'namespace', wns]));
    const child = spawn(
      kubectlPath(v),
      ['get', 'cm', '-n', wns, '-w', '--output-watch-events', '--request-timeout=20s'],
      { env: { ...process.env, KUBECONFIG: s.kubeconfig, HOME: s.dir } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      // initial list: kube-root-ca.crt (if the controller created it) shows up as ADDED; wait for the watch
      await new Promise((r) => setTimeout(r, 1500));
      ok(await k(['create', 'configmap', 'w1', '-n', wns]));
      ok(await k(['label', 'cm', 'w1', '-n', wns, 'x=y']));
      ok(await k(['delete', 'cm', 'w1', '-n', wns]));
      await eventually(() => /DELETED\s+w1/.test(out), 8000);
      const lines = out.trim().split('\n');
      assert.match(lines[0], /^EVENT\s+NAME\s+DATA\s+AGE$/, err);
      assert.deepEqual(
        lines.filter((l) => /\sw1\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 3).join(' ')),
        ['ADDED w1 0', 'MODIFIED w1 0', 'DELETED w1 0'],
        out + err,
      );
    } finally {
      child.kill();
    }
    // `kubectl wait --for=delete` watches one object by field selector
    ok(await k(['create', 'configmap', 'w2', '-n', wns]));
    const wait = k(['wait', '--for=delete', 'cm/w2', '-n', wns, '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 300));
    ok(await k(['delete', 'cm', 'w2', '-n', wns]));
    const r = await wait;
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/w2 condition met');
  });

  test(`kubectl ${v}: get -o yaml | json | wide | name, and jsonpath`, async () => {
    ok(await k(['create', 'configmap', 'out', '-n', ns, '--from-literal=k=v']));
    let r = await k(['get', 'cm', 'out', '-n', ns, '-o', 'yaml']);
    ok(r);
    assert.match(r.stdout, /^apiVersion: v1\ndata:\n {2}k: v\nkind: ConfigMap\nmetadata:\n/);
    r = await k(['get', 'cm', 'out', '-n', ns, '-o', 'json']);
    const o = JSON.parse(r.stdout);
    assert.equal(o.kind, 'ConfigMap');
    assert.equal(o.metadata.name, 'out');
    assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
    r = await k(['get', 'cm', '-n', ns, '-o', 'json']);
    const list = JSON.parse(r.stdout);
    assert.equal(list.kind, 'List');
    assert.ok(list.items.some((i) => i.metadata.name === 'out'));
    r = await k(['get', 'cm', 'out', '-n', ns, '-o', 'wide']);
    assert.match(r.stdout, /^NAME\s+DATA\s+AGE\nout\s+1\s+\d+s\n$/);
    r = await k(['get', 'cm', 'out', 'csa', '-n', ns, '-o', 'name']);
    assert.equal(r.stdout, 'configmap/out\nconfigmap/csa\n');
    r = await k(['get', 'cm', '-A', '--field-selector', `metadata.namespace=${ns},metadata.name=out`, '-o', 'name']);
    assert.equal(r.stdout, 'configmap/out\n');
    r = await k(['get', 'ns', ns, '-o', 'jsonpath={.status.phase}']);
    assert.equal(r.stdout, 'Active');
  });

  test(`kubectl ${v}: --dry-run=server does not persist`, async () => {
    let r = await k(['create', 'configmap', 'dry', '-n', ns, '--dry-run=server', '-o', 'json']);
    ok(r);
    assert.equal(JSON.parse(r.stdout).metadata.name, 'dry');
    r = await k(['create', 'configmap', 'dry', '-n', ns, '--dry-run=server']);
    assert.equal(r.stdout.trim(), 'configmap/dry created (server dry run)');
    r = await k(['get', 'cm', 'dry', '-n', ns]);
    assert.match(r.stderr, /NotFound/);
    r = await k(['label', 'cm', 'out', '-n', ns, 'dry=run', '--dry-run=server']);
    ok(r);
    r = await k(['get', 'cm', 'out', '-n', ns, '-o', 'jsonpath={.metadata.labels}']);
    assert.equal(r.stdout, '');
    r = await k(['delete', 'cm', 'out', '-n', ns, '--dry-run=server']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap "out" deleted (server dry run)');
    ok(await k(['get', 'cm', 'out', '-n', ns]));
  });

  test(`kubectl ${v}: create -f with generateName, replace, delete --all`, async () => {
    const gnns = `gen-${tag}`;
    ok(await k(['create', 'namespace', gnns]));
    const f = file(
      'gen.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n  namespace: ${gnns}\ndata:\n  a: "1"\n`,
    );
    let r = await k(['create', '-f', f]);
    ok(r);
    assert.match(r.stdout.trim(), /^configmap\/gen-[a-z0-9]{5} created$/);
    r = await k(['create', '-f', f]);
    ok(r);
    r = await k(['get', 'cm', '-n', gnns, '-o', 'name']);
    const names = r.stdout
      .trim()
      .split('\n')
      .filter((n) => n.startsWith('configmap/gen-'));
    assert.equal(names.length, 2);
    assert.notEqual(names[0], names[1]);
    const name = names[0].slice('configmap/'.length);
    const o = JSON.parse((await k(['get', 'cm', name, '-n', gnns, '-o', 'json'])).stdout);
    assert.equal(o.metadata.generateName, 'gen-');
    o.data.a = 'replaced';
    r = await k(['replace', '-f', '-'], { input: JSON.stringify(o) });
    ok(r);
    assert.equal(r.stdout.trim(), `configmap/${name} replaced`);
    // a stale resourceVersion conflicts
    r = await k(['replace', '-f', '-'], { input: JSON.stringify(o) });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      ),
    );
    r = await k(['get', 'cm', name, '-n', gnns, '-o', 'jsonpath={.data.a}']);
    assert.equal(r.stdout, 'replaced');
    r = await k(['delete', 'cm', '--all', '-n', gnns]);
    ok(r);
    assert.match(r.stdout, new RegExp(`configmap "${name}" deleted`));
    r = await k(['get', 'cm', '-n', gnns, '-o', 'name']);
    assert.ok(!/gen-/.test(r.stdout), r.stdout);
  });

  test(`kubectl ${v}: explain, version, get --raw /version`, async () => {
    let r = await k(['explain', 'pod.spec.containers']);
    ok(r);
    assert.match(r.stdout, /^KIND:\s+Pod$/m);
    assert.match(r.stdout, /^FIELD:\s+containers <\[\]Container>$/m);
    assert.match(r.stdout, /^\s+image\s+<string>$/m);
    r = await k(['explain', 'serviceaccounts']);
    ok(r);
    assert.match(r.stdout, /^KIND:\s+ServiceAccount$/m);
    r = await k(['get', '--raw', '/version']);
    ok(r);
    const ver = JSON.parse(r.stdout);
    assert.equal(ver.major, '1');
    assert.equal(ver.minor, '33');
    assert.match(ver.gitVersion, /^v1\.33\.\d+$/);
    r = await k(['version', '-o', 'json']);
    ok(r);
    assert.equal(JSON.parse(r.stdout).serverVersion.gitVersion, ver.gitVersion);
    r = await k(['version']);
    ok(r);
    if (v === '1.27')
      assert.match(r.stdout, /^Server Version: version\.Info\{Major:"1", Minor:"33", GitVersion:"v1\.33\.\d+"/m);
    else assert.match(r.stdout, /^Server Version: v1\.33\.\d+$/m);
    if (v === '1.33' || v === '1.32') assert.doesNotMatch(r.stderr, /WARNING/);
    else if (v === '1.27')
      assert.match(
        r.stderr,
        /WARNING: version difference between client \(1\.27\) and server \(1\.33\) exceeds the supported minor version skew of \+\/-1/,
      );
  });

  test(`kubectl ${v}: events, describe ns, api-resources`, async () => {
    let r = await k(['get', 'events', '-n', ns]);
    ok(r);
    r = await k(['get', 'events', '-A']);
    ok(r);
    r = await k(['describe', 'ns', ns]);
    ok(r);
    assert.match(r.stdout, new RegExp(`^Name:\\s+${ns}$`, 'm'));
    assert.match(r.stdout, /^Status:\s+Active$/m);
    r = await k(['api-resources']);
    ok(r);
    assert.match(r.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(r.stdout, /^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$/m);
    assert.match(r.stdout, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(r.stdout, /^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview$/m);
    assert.match(r.stdout, /^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m);
    assert.match(r.stdout, /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m);
    assert.match(r.stdout, /^subjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SubjectAccessReview$/m);
    r = await k(['api-resources', '--api-group=rbac.authorization.k8s.io', '-o', 'name']);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [
      'clusterrolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'roles.rbac.authorization.k8s.io',
    ]);
  });

  test(`kubectl ${v}: create secret generic / configmap`, async () => {
    let r = await k([
      'create',
      'secret',
      'generic',
      'sec',
      '-n',
      ns,
      '--from-literal=user=admin',
      '--from-literal=pw=s3cr3t',
    ]);
    ok(r);
    assert.equal(r.stdout.trim(), 'secret/sec created');
    const sec = JSON.parse((await k(['get', 'secret', 'sec', '-n', ns, '-o', 'json'])).stdout);
    assert.equal(sec.type, 'Opaque');
    assert.equal(Buffer.from(sec.data.pw, 'base64').toString(), 's3cr3t');
    r = await k(['get', 'secret', 'sec', '-n', ns]);
    assert.match(r.stdout, /^NAME\s+TYPE\s+DATA\s+AGE\nsec\s+Opaque\s+2\s+/);
    r = await k(['create', 'configmap', 'cfg', '-n', ns, '--from-literal=a=b']);
    ok(r);
    assert.equal(r.stdout.trim(), 'configmap/cfg created');
  });

  test(`kubectl ${v}: typed-client creates of many sizes (kubectl 1.32+ sends protobuf)`, async () => {
    // Protobuf length bytes can be any value, including '}' and ']': the body must not be scanned as JSON.
    const pns = `sizes-${tag}`;
    ok(await k(['create', 'namespace', pns]));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        k(['create', 'configmap', `size-${i}`, '-n', pns, `--from-literal=k=${'v'.repeat(70 + i)}`]),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.code !== 0).map((r) => r.stderr),
      [],
    );
    // a YAML body with unbalanced brackets in a plain scalar is not JSON either
    const y = await call(s, `/api/v1/namespaces/${pns}/configmaps?fieldValidation=Strict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-brackets\ndata:\n  a: echo }]\n',
    });
    assert.equal(y.status, 201, y.body);
    assert.equal(y.json.data.a, 'echo }]');
    ok(await k(['delete', 'namespace', pns, '--wait=false']));
  });

  test(`kubectl ${v}: create token --duration --audience, --bound-object-kind=Secret`, async () => {
    await eventually(async () => (await k(['get', 'sa', 'default', '-n', ns])).code === 0);
    let r = await k(['create', 'token', 'default', '-n', ns, '--duration=10m', '--audience', 'a', '--audience', 'b']);
    ok(r);
    let c = claims(r.stdout.trim());
    assert.deepEqual(c.aud, ['a', 'b']);
    assert.equal(c.exp - c.iat, 600);
    assert.equal(c.sub, `system:serviceaccount:${ns}:default`);
    assert.equal(c['kubernetes.io'].namespace, ns);
    assert.equal(c['kubernetes.io'].serviceaccount.name, 'default');
    const sec = JSON.parse((await k(['get', 'secret', 'sec', '-n', ns, '-o', 'json'])).stdout);
    r = await k(['create', 'token', 'default', '-n', ns, '--bound-object-kind=Secret', '--bound-object-name=sec']);
    ok(r);
    c = claims(r.stdout.trim());
    assert.deepEqual(c['kubernetes.io'].secret, { name: 'sec', uid: sec.metadata.uid });
    r = await k([
      'create',
      'token',
      'default',
      '-n',
      ns,
      '--bound-object-kind=Secret',
      '--bound-object-name=sec',
      '--bound-object-uid=00000000-0000-0000-0000-000000000000',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: failed to create token: Operation cannot be fulfilled on Secret "sec": the UID in the bound object reference \(00000000-0000-0000-0000-000000000000\) does not match the UID in record\. The object might have been deleted and then recreated$/m,
    );
    r = await k(['create', 'token', 'default', '-n', ns, '--bound-object-kind=Secret', '--bound-object-name=nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /secrets "nope" not found/);
  });
}
