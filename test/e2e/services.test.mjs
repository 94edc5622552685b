// Services, Endpoints, EndpointSlices and Leases through kubectl and @kubernetes/client-node: ClusterIP
// allocation from --service-cluster-ip-range, kube's allocation errors, the `default/kubernetes` Service
// maintained by the server, `kubectl cluster-info`, and server-side apply of Services and Pods by two managers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKubeauth, eventually } from './harness.mjs';

let s;
let kc;
before(async () => {
  s = await startKubeauth(['--service-cluster-ip-range=10.96.0.0/24']);
  kc = new k8s.KubeConfig();
  kc.loadFromFile(s.kubeconfig);
});
after(async () => {
  await s?.stop();
});

const port = () => Number(new URL(s.url).port);
const ok = (r) => assert.equal(r.code, 0, r.stderr);

test('cluster-info names the control plane, and the kubernetes Service points at kubeauth', async () => {
  const r = await s.kubectl(['cluster-info']);
  ok(r);
  assert.match(r.stdout, new RegExp(`Kubernetes control plane is running at https://127\\.0\\.0\\.1:${port()}`));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const svc = await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  assert.equal(svc.spec.clusterIP, '10.96.0.1');
  assert.deepEqual(svc.spec.clusterIPs, ['10.96.0.1']);
  assert.deepEqual(svc.spec.ipFamilies, ['IPv4']);
  assert.equal(svc.spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
  assert.equal(svc.spec.ports.length, 1);
  assert.deepEqual(
    { name: svc.spec.ports[0].name, port: svc.spec.ports[0].port, targetPort: svc.spec.ports[0].targetPort },
    { name: 'https', port: 443, targetPort: port() },
  );
  const ep = await core.readNamespacedEndpoints({ name: 'kubernetes', namespace: 'default' });
  assert.deepEqual(JSON.parse(JSON.stringify(ep.subsets)), [
    { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: port(), protocol: 'TCP' }] },
  ]);
  const slices = kc.makeApiClient(k8s.DiscoveryV1Api);
  const slice = await slices.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(
    slice.endpoints.map((e) => e.addresses),
    [['127.0.0.1']],
  );
  const t = await s.kubectl(['get', 'svc', 'kubernetes']);
  ok(t);
  assert.match(t.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
  assert.match(t.stdout, /\nkubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\S+\n/);
});

test('the kubernetes Service and Endpoints come back when deleted and are repaired when changed', async () => {
  ok(await s.kubectl(['delete', 'svc', 'kubernetes']));
  await eventually(
    async () =>
      (await s.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).stdout === '10.96.0.1',
  );
  ok(
    await s.kubectl([
      'patch',
      'svc',
      'kubernetes',
      '-p',
      '{"spec":{"ports":[{"name":"https","port":443,"targetPort":1}]}}',
    ]),
  );
  await eventually(
    async () =>
      (await s.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.ports[0].targetPort}'])).stdout ===
      String(port()),
  );
  ok(await s.kubectl(['delete', 'endpoints', 'kubernetes']));
  await eventually(
    async () =>
      (await s.kubectl(['get', 'ep', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'])).stdout ===
      '127.0.0.1',
  );
});

test("kubectl create service allocates from the range; a taken or out-of-range IP is 422 with kube's message", async () => {
  ok(await s.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']));
  const ip = (await s.kubectl(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
  assert.match(ip, /^10\.96\.0\.\d+$/);
  assert.notEqual(ip, '10.96.0.1');
  const taken = await s.kubectl(['create', 'service', 'clusterip', 'taken', '--clusterip=10.96.0.1', '--tcp=80']);
  assert.notEqual(taken.code, 0);
  assert.match(
    taken.stderr,
    /Service "taken" is invalid: spec\.clusterIPs: Invalid value: \[\]string\{"10\.96\.0\.1"\}: failed to allocate IP 10\.96\.0\.1: provided IP is already allocated/,
  );
  const out = await s.kubectl(['create', 'service', 'clusterip', 'out', '--clusterip=10.0.0.5', '--tcp=80']);
  assert.match(
    out.stderr,
    /failed to allocate IP 10\.0\.0\.5: the provided IP \(10\.0\.0\.5\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/24/,
  );
  for (const n of ['taken', 'out']) assert.equal((await s.kubectl(['get', 'svc', n])).code, 1);
  // the cluster IP is immutable
  const change = await s.kubectl([
    'patch',
    'svc',
    'web',
    '-p',
    '{"spec":{"clusterIP":"10.96.0.9","clusterIPs":["10.96.0.9"]}}',
  ]);
  assert.match(
    change.stderr,
    /The Service "web" is invalid: spec\.clusterIPs\[0\]: Invalid value: \[\]string\{"10\.96\.0\.9"\}: may not change once set/,
  );
  // a deleted service frees its address
  ok(await s.kubectl(['delete', 'svc', 'web']));
  ok(await s.kubectl(['create', 'service', 'clusterip', 'again', `--clusterip=${ip}`, '--tcp=80']));
});

test('defaults and validation as kube-apiserver has them', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const svc = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }] } },
  });
  assert.equal(svc.spec.ports[0].protocol, 'TCP');
  assert.equal(svc.spec.ports[0].targetPort, 80);
  assert.ok(svc.spec.ports[0].nodePort >= 30000 && svc.spec.ports[0].nodePort <= 32767);
  assert.equal(svc.spec.sessionAffinity, 'None');
  assert.equal(svc.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(svc.spec.internalTrafficPolicy, 'Cluster');
  const bad = await s.kubectl(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'Bad_Name' },
      spec: { ports: [{ port: 0 }] },
    }),
  });
  assert.match(
    bad.stderr,
    /The Service "Bad_Name" is invalid: \n\* metadata\.name: Invalid value: "Bad_Name": a DNS-1035 label must consist of lower case alphanumeric characters or '-'/,
  );
  assert.match(bad.stderr, /spec\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive/);
  const headless = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'hl' }, spec: { clusterIP: 'None', selector: { app: 'x' }, ports: [{ port: 80 }] } },
  });
  assert.deepEqual(headless.spec.clusterIPs, ['None']);
  const ext = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
  });
  assert.equal(ext.spec.clusterIP, undefined);
  const t = await s.kubectl(['get', 'svc', 'np', 'ext']);
  assert.match(t.stdout, /\nnp\s+NodePort\s+10\.96\.0\.\d+\s+<none>\s+80:\d+\/TCP\s+/);
  assert.match(t.stdout, /\next\s+ExternalName\s+<none>\s+example\.com\s+<none>\s+/);
});

test('Leases: full CRUD and watch through client-node, listed by kubectl', async () => {
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  const ns = 'kube-node-lease';
  const seen = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch(
    `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`,
    {},
    (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
    () => undefined, // the stream ends when the test aborts it
  );
  const l = await api.createNamespacedLease({
    namespace: ns,
    body: { metadata: { name: 'node-a' }, spec: { holderIdentity: 'node-a', leaseDurationSeconds: 40 } },
  });
  assert.equal(l.spec.holderIdentity, 'node-a');
  await api.patchNamespacedLease(
    { name: 'node-a', namespace: ns, body: { spec: { renewTime: '2026-01-01T00:00:00.000000Z' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  const list = await api.listNamespacedLease({ namespace: ns });
  assert.deepEqual(
    list.items.map((i) => i.metadata.name),
    ['node-a'],
  );
  const t = await s.kubectl(['get', 'leases', '-n', ns]);
  assert.match(t.stdout, /^NAME\s+HOLDER\s+AGE\nnode-a\s+node-a\s+/);
  const bad = await s.kubectl(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'x', namespace: ns },
      spec: { leaseDurationSeconds: 0 },
    }),
  });
  assert.match(
    bad.stderr,
    /The Lease "x" is invalid: spec\.leaseDurationSeconds: Invalid value: 0: must be greater than 0/,
  );
  await api.deleteNamespacedLease({ name: 'node-a', namespace: ns });
  await eventually(() => seen.includes('DELETED node-a'));
  assert.deepEqual(seen, ['ADDED node-a', 'MODIFIED node-a', 'DELETED node-a']);
  req.abort();
});

const podManifest = (cpu) => `apiVersion: v1
kind: Pod
metadata: {name: ssa, namespace: default}
spec:
  containers:
  - name: c
    image: nginx
    ports:
    - containerPort: 80
    resources:
      limits: {cpu: ${cpu}}
`;

test('server-side apply: a port without protocol is keyed as TCP; two managers co-own equal values', async () => {
  const first = await s.kubectl(['apply', '--server-side', '-f', '-'], { input: podManifest('"2"') });
  ok(first);
  const second = await s.kubectl(['apply', '--server-side', '--field-manager=second', '-f', '-'], {
    input: podManifest('"2"'),
  });
  ok(second);
  const pod = JSON.parse((await s.kubectl(['get', 'pod', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout);
  assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
  const managers = pod.metadata.managedFields.map((m) => m.manager).sort();
  assert.deepEqual(managers, ['kubectl', 'second']);
  for (const m of pod.metadata.managedFields)
    assert.ok(
      m.fieldsV1['f:spec']['f:containers']['k:{"name":"c"}']['f:ports']['k:{"containerPort":80,"protocol":"TCP"}'],
    );
  // An integer is stored as kube serializes the quantity ("2"), but structured-merge-diff compares the applied
  // value with the stored one as they are: 2 and "2" differ, so a second manager conflicts, as on kube-apiserver.
  const third = await s.kubectl(['apply', '--server-side', '--field-manager=third', '-f', '-'], {
    input: podManifest('2'),
  });
  assert.notEqual(third.code, 0);
  assert.match(
    third.stderr,
    /Apply failed with 2 conflicts: conflicts with "kubectl":\n- \.spec\.containers\[name="c"\]\.resources\.limits\.cpu\nconflicts with "second":/,
  );
  const forced = await s.kubectl(['apply', '--server-side', '--field-manager=third', '--force-conflicts', '-f', '-'], {
    input: podManifest('2'),
  });
  ok(forced);
  assert.equal(
    JSON.parse((await s.kubectl(['get', 'pod', 'ssa', '-o', 'json'])).stdout).spec.containers[0].resources.limits.cpu,
    '2',
  );
});

test('server-side apply of a Service by two managers: ports keyed by port and defaulted protocol', async () => {
  const svc = `apiVersion: v1
kind: Service
metadata: {name: applied, namespace: default}
spec:
  selector: {app: a}
  ports:
  - {name: http, port: 80, targetPort: 8080}
`;
  ok(await s.kubectl(['apply', '--server-side', '-f', '-'], { input: svc }));
  ok(await s.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: svc }));
  const o = JSON.parse((await s.kubectl(['get', 'svc', 'applied', '-o', 'json', '--show-managed-fields'])).stdout);
  assert.deepEqual(o.spec.ports, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  for (const m of o.metadata.managedFields)
    assert.ok(m.fieldsV1['f:spec']['f:ports']['k:{"port":80,"protocol":"TCP"}'], m.manager);
  // re-applying keeps the allocated address
  const ip = o.spec.clusterIP;
  ok(await s.kubectl(['apply', '--server-side', '-f', '-'], { input: svc }));
  assert.equal((await s.kubectl(['get', 'svc', 'applied', '-o', 'jsonpath={.spec.clusterIP}'])).stdout, ip);
});
