// The decoder against real clients: kubectl 1.32/1.33 send typed-client bodies as protobuf, kubectl 1.31 sends
// the same objects as JSON. Each command runs under all three against a capturing server on 127.0.0.1, and the
// decoded protobuf must equal the JSON body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeKubernetesProtobuf, isProtobuf } from './decode.js';

const bin = '/usr/lib/google-cloud-sdk/bin';
const jsonVersion = '1.31';
const protobufVersions = ['1.32', '1.33'];
const versions = [jsonVersion, ...protobufVersions];
const missing = versions.filter((v) => !existsSync(`${bin}/kubectl.${v}`));

type Json = Record<string, unknown>;

interface Captured {
  method: string;
  url: string;
  contentType: string;
  body: Json;
}

// Just enough legacy discovery for kubectl's REST mapping (run, create clusterrole --resource, auth can-i).
const resource = (name: string, kind: string, namespaced: boolean, verbs = ['create', 'get', 'list', 'delete']) => ({
  name,
  singularName: '',
  namespaced,
  kind,
  verbs,
});
const groupVersion = (group: string, resources: Json[]) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${group}/v1`,
  resources,
});
const groups = ['authentication.k8s.io', 'authorization.k8s.io', 'rbac.authorization.k8s.io'];
const discovery: Record<string, Json> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: null },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('namespaces', 'Namespace', false),
      resource('serviceaccounts', 'ServiceAccount', true),
      resource('secrets', 'Secret', true),
      resource('configmaps', 'ConfigMap', true),
      resource('pods', 'Pod', true),
    ],
  },
  '/apis/authentication.k8s.io/v1': groupVersion('authentication.k8s.io', [
    resource('selfsubjectreviews', 'SelfSubjectReview', false, ['create']),
  ]),
  '/apis/authorization.k8s.io/v1': groupVersion('authorization.k8s.io', [
    resource('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create']),
    resource('selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ['create']),
  ]),
  '/apis/rbac.authorization.k8s.io/v1': groupVersion('rbac.authorization.k8s.io', [
    resource('roles', 'Role', true),
    resource('clusterroles', 'ClusterRole', false),
    resource('rolebindings', 'RoleBinding', true),
    resource('clusterrolebindings', 'ClusterRoleBinding', false),
  ]),
};

/** Status fields kubectl needs in the answer to print its result and exit 0. */
const answers: Record<string, Json> = {
  TokenRequest: { token: 'token', expirationTimestamp: '2030-01-01T00:00:00Z' },
  SelfSubjectReview: { userInfo: { username: 'u' } },
  SelfSubjectAccessReview: { allowed: true },
  SelfSubjectRulesReview: { resourceRules: [{ verbs: ['get'], resources: ['pods'] }], nonResourceRules: [] },
};

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function startServer(): Promise<{ url: string; server: Server; captured: Captured[] }> {
  const captured: Captured[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'GET' && discovery[path]) return send(res, 200, discovery[path]);
    if (raw.length === 0) return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
    const contentType = req.headers['content-type'] ?? '';
    let body: Json;
    try {
      body = isProtobuf(contentType) ? decodeKubernetesProtobuf(raw) : (JSON.parse(raw.toString()) as Json);
    } catch (e) {
      body = { decodeError: String(e), hex: raw.toString('hex') };
    }
    captured.push({ method: req.method!, url: req.url!, contentType, body });
    const kind = String(body.kind);
    send(res, 201, answers[kind] ? { ...body, status: answers[kind] } : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, captured };
}

function kubectl(version: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(`${bin}/kubectl.${version}`, args, { env, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`kubectl ${version} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

test(
  'kubectl 1.32/1.33 protobuf bodies decode to the JSON kubectl 1.31 sends',
  { skip: missing.length > 0 && `no kubectl ${missing.join(', ')}` },
  async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), 'kubeauth-pb-'));
    const servers = await Promise.all(versions.map(() => startServer()));
    t.after(async () => {
      await Promise.all(servers.map((s) => new Promise((r) => s.server.close(r))));
      await rm(tmp, { recursive: true, force: true });
    });
    const kubeconfig = join(tmp, 'kubeconfig');
    await writeFile(kubeconfig, '');
    const binFile = join(tmp, 'blob.bin');
    await writeFile(binFile, Buffer.from([0, 1, 2, 0xfe, 0xff]));
    const env = { PATH: process.env.PATH, HOME: tmp, KUBECONFIG: kubeconfig };

    // [arguments, sent as protobuf by 1.32+]
    const commands: [string[], boolean][] = [
      [['create', 'namespace', 'demo'], true],
      [['create', 'sa', 'sa1', '-n', 'default'], true],
      [['create', 'secret', 'generic', 's', '--from-literal=a=b', '--from-literal=empty='], true],
      [['create', 'secret', 'generic', 'tls', '--type=kubernetes.io/tls', `--from-file=tls.key=${binFile}`], true],
      [
        ['create', 'secret', 'docker-registry', 'd', '--docker-server=r', '--docker-username=u', '--docker-password=p'],
        true,
      ],
      [['create', 'configmap', 'c', '--from-literal=k=v', `--from-file=bin=${binFile}`], true],
      [
        [
          'create',
          'token',
          'default',
          '--audience',
          'a',
          '--audience',
          'b',
          '--duration',
          '1h',
          '--bound-object-kind',
          'Pod',
          '--bound-object-name',
          'p',
        ],
        true,
      ],
      [['create', 'token', 'sa1'], true],
      [['run', 'nginx', '--image=nginx', '--labels=app=web', '--env=A=B', '--port=80'], false],
      [['create', 'clusterrole', 'r', '--verb=get', '--resource=pods'], true],
      [['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'], true],
      [['create', 'role', 'ro', '--verb=get,list', '--resource=pods,secrets', '--resource-name=x', '-n', 'ns1'], true],
      [['create', 'rolebinding', 'rb', '--clusterrole=view', '--user=u', '--serviceaccount=default:sa1'], true],
      [['create', 'clusterrolebinding', 'crb', '--clusterrole=view', '--group=g'], true],
      [['auth', 'whoami'], true],
      [['auth', 'can-i', 'get', 'pods'], true],
      [['auth', 'can-i', 'list', 'secrets', '--subresource=x', '-n', 'kube-system'], true],
      [['auth', 'can-i', 'get', '/logs'], true],
      [['auth', 'can-i', '--list'], true],
    ];

    for (const [args, protobuf] of commands) {
      await t.test(args.join(' '), async () => {
        const sent = await Promise.all(
          versions.map(async (v, i) => {
            const s = servers[i]!;
            s.captured.length = 0;
            const common = [
              `--kubeconfig=${kubeconfig}`,
              `--server=${s.url}`,
              '--token=x',
              `--cache-dir=${join(tmp, v)}`,
            ];
            await kubectl(v, [...common, ...args], env);
            assert.equal(s.captured.length, 1, `kubectl ${v}: one write, got ${JSON.stringify(s.captured)}`);
            return s.captured[0]!;
          }),
        );
        const [json, ...others] = sent;
        assert.match(json!.contentType, /^application\/json/);
        for (const [i, got] of others.entries()) {
          const v = protobufVersions[i]!;
          assert.equal(isProtobuf(got.contentType), protobuf, `kubectl ${v} content type ${got.contentType}`);
          assert.equal(got.url, json!.url, `kubectl ${v} url`);
          assert.deepEqual(got.body, json!.body, `kubectl ${v} body`);
        }
      });
    }
  },
);
