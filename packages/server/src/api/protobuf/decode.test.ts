import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufError, UnknownKindError, decodeKubernetesProtobuf, decodeMessage, isProtobuf } from './decode.js';
import { messages } from './messages.js';

// --- a tiny encoder over the same tables, marshalling like Go's generated code --------------------------------
// Non-pointer fields are always written (zero when absent from the JSON), pointers only when set, map keys
// sorted; so encode(goJSON) is what a Go client would send for that object.

type Json = Record<string, unknown>;

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}
const tag = (field: number, wire: number) => varint(field * 8 + wire);
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const str = (s: string) => [...Buffer.from(s, 'utf8')];

const varintTypes = new Set(['b', 'i32', 'i64', 'u32', 'u64']);

function scalar(field: number, type: string, v: unknown): number[] {
  if (varintTypes.has(type)) return [...tag(field, 0), ...varint(type === 'b' ? (v ? 1 : 0) : (v as number))];
  if (type === 'f64') {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v as number);
    return [...tag(field, 1), ...b];
  }
  return len(field, type === 'bytes' ? [...Buffer.from(v as string, 'base64')] : str(v as string));
}
const zero = (type: string): unknown => (type === 's' || type === 'bytes' ? '' : type === 'b' ? false : 0);

function value(type: string, v: unknown): number[] {
  switch (type) {
    case 'Time':
    case 'MicroTime': {
      if (v === null || v === undefined) return [];
      const ms = Date.parse(v as string);
      const micros = type === 'MicroTime' ? Number(/\.(\d{6})/.exec(v as string)![1]) : 0;
      return [
        ...tag(1, 0),
        ...varint(Math.floor(ms / 1000)),
        ...(micros ? [...tag(2, 0), ...varint(micros * 1000)] : []),
      ];
    }
    case 'Quantity':
      return len(1, str((v as string | undefined) ?? '0'));
    case 'IntOrString':
      return typeof v === 'string'
        ? [...tag(1, 0), 1, ...tag(2, 0), 0, ...len(3, str(v))]
        : [...tag(1, 0), 0, ...tag(2, 0), ...varint((v as number | undefined) ?? 0), ...len(3, [])];
    case 'FieldsV1':
      return len(1, str(JSON.stringify(v)));
    case 'StringList':
      return (v as string[]).flatMap((s) => len(1, str(s)));
  }
  return encode((v as Json | undefined) ?? {}, type);
}

function encode(obj: Json, message: string): number[] {
  const out: number[] = [];
  for (const f of messages.get(message)!.fields) {
    const v = obj[f.name];
    const one = (x: unknown) => (f.kind === 'scalar' ? scalar(f.number, f.type, x) : len(f.number, value(f.type, x)));
    if (f.inline) out.push(...len(f.number, encode(obj, f.type)));
    else if (f.map) {
      for (const k of Object.keys((v as Json | null) ?? {}).sort()) {
        const val = (v as Json)[k];
        const entry = f.kind === 'scalar' ? scalar(2, f.type, val) : len(2, value(f.type, val));
        out.push(...len(f.number, [...len(1, str(k)), ...entry]));
      }
    } else if (f.repeated) for (const x of (v as unknown[] | null) ?? []) out.push(...one(x));
    else if (f.pointer) {
      if (v !== undefined && v !== null) out.push(...one(v));
    } else if (f.kind === 'scalar') out.push(...one(v ?? zero(f.type)));
    else out.push(...one(v));
  }
  return out;
}

/** magic + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as kubectl writes it. */
function wrap(apiVersion: string, kind: string, raw: number[]): Buffer {
  const typeMeta = [...len(1, str(apiVersion)), ...len(2, str(kind))];
  return Buffer.from([0x6b, 0x38, 0x73, 0x00, ...len(1, typeMeta), ...len(2, raw), ...len(3, []), ...len(4, [])]);
}

function roundTrip(obj: Json, message: string): void {
  const { kind, apiVersion, ...rest } = obj as { kind: string; apiVersion: string };
  const got = decodeKubernetesProtobuf(wrap(apiVersion, kind, encode(rest, message)));
  assert.deepEqual(got, obj);
  assert.deepEqual(Object.keys(got).slice(0, 2), ['kind', 'apiVersion']);
}

// --- bytes kubectl 1.33 sent, and the JSON kubectl 1.31 sent for the same command ---------------------------

test('kubectl 1.33 fixtures decode to kubectl 1.31 JSON bodies', () => {
  const cases: [string, Json][] = [
    [
      // kubectl create namespace demo
      '6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a020a001a002200',
      {
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: 'demo', creationTimestamp: null },
        spec: {},
        status: {},
      },
    ],
    [
      // kubectl create token default --audience a --audience b --duration 1h --bound-object-kind Pod ...
      '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412330a100a00' +
        '12001a0022002a0032003800420012190a01610a01621a0e0a03506f64120276311a0170220020901c1a040a0012001a002200',
      {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: {
          audiences: ['a', 'b'],
          expirationSeconds: 3600,
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p' },
        },
        status: { token: '', expirationTimestamp: null },
      },
    ],
    [
      // kubectl create rolebinding rb --clusterrole=view --user=u --serviceaccount=default:sa1
      '6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e67128e01' +
        '0a120a02726212001a0022002a0032003800420012260a04557365721219726261632e617574686f72697a6174696f6e2e6b3873' +
        '2e696f1a0175220012200a0e536572766963654163636f756e7412001a03736131220764656661756c741a2e0a19726261632e61' +
        '7574686f72697a6174696f6e2e6b38732e696f120b436c7573746572526f6c651a04766965771a002200',
      {
        kind: 'RoleBinding',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        metadata: { name: 'rb', creationTimestamp: null },
        subjects: [
          { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
          { kind: 'ServiceAccount', name: 'sa1', namespace: 'default' },
        ],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      },
    ],
    [
      // kubectl auth can-i get pods
      '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a65637441636365737352' +
        '6576696577123c0a100a0012001a0022002a00320038004200121e0a1c0a0764656661756c7412036765741a0022002a04706f' +
        '647332003a001a08080012001a0020001a002200',
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
        status: { allowed: false },
      },
    ],
  ];
  for (const [hex, want] of cases) assert.deepEqual(decodeKubernetesProtobuf(Buffer.from(hex, 'hex')), want);
});

// --- round trips of rich objects -----------------------------------------------------------------------------

const meta = {
  name: 'web-1',
  generateName: 'web-',
  namespace: 'default',
  uid: '0b6a7e52-1111-4c1c-9a47-3f0f3b6e2b11',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2025-01-02T03:04:05Z',
  deletionTimestamp: '2025-01-02T03:05:05Z',
  deletionGracePeriodSeconds: 0,
  labels: { app: 'web', 'app.kubernetes.io/name': 'web', '': 'empty-key' },
  annotations: { note: '', 'x/y': 'z' },
  ownerReferences: [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: false },
    { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u-2' },
  ],
  finalizers: ['a/b', 'c'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2025-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
    { manager: 'm', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', subresource: 'status' },
  ],
};

test('round trip: Pod with a wide PodSpec (volumes inlined, probes, IntOrString, quantities, int64 lists)', () => {
  const container = {
    name: 'web',
    image: 'nginx:1.27',
    command: ['/bin/sh', '-c'],
    args: ['exec nginx', ''],
    workingDir: '/srv',
    ports: [
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { hostPort: 8443, containerPort: 443, protocol: 'TCP', hostIP: '0.0.0.0' },
    ],
    envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm' } }, { secretRef: { name: 's', optional: true } }],
    env: [
      { name: 'A', value: 'B' },
      { name: 'EMPTY' },
      { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'SEC', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
      { name: 'CPU', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' }, claims: [{ name: 'gpu' }] },
    resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
    volumeMounts: [
      { name: 'data', mountPath: '/data', readOnly: true, subPath: 'x', mountPropagation: 'None' },
      { name: 'cfg', mountPath: '/cfg', recursiveReadOnly: 'Disabled' },
    ],
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: '' }] },
      initialDelaySeconds: 3,
      periodSeconds: 10,
      failureThreshold: 3,
    },
    readinessProbe: { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: -1 },
    startupProbe: { exec: { command: ['true'] } },
    lifecycle: {
      postStart: { exec: { command: ['echo'] } },
      preStop: { sleep: { seconds: 5 } },
      stopSignal: 'SIGTERM',
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
    securityContext: {
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      privileged: false,
      runAsUser: 1000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    stdin: true,
    stdinOnce: true,
    tty: true,
  };
  const pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: meta,
    spec: {
      volumes: [
        { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        {
          name: 'cfg',
          configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420 },
        },
        { name: 'sec', secret: { secretName: 's', defaultMode: 384, optional: true } },
        {
          name: 'tok',
          projected: {
            sources: [
              { serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } },
              {
                downwardAPI: {
                  items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }],
                },
              },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
            defaultMode: 420,
          },
        },
        { name: 'host', hostPath: { path: '/var/log', type: '' } },
        { name: 'pvc', persistentVolumeClaim: { claimName: 'c', readOnly: true } },
        { name: 'img', image: { reference: 'busybox', pullPolicy: 'Always' } },
      ],
      initContainers: [{ name: 'init', image: 'busybox', resources: {}, restartPolicy: 'Always' }],
      containers: [container, { name: 'side', resources: {} }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox', resources: {}, targetContainerName: 'web' }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      activeDeadlineSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      serviceAccountName: 'sa1',
      serviceAccount: 'sa1',
      automountServiceAccountToken: false,
      nodeName: 'node-1',
      hostNetwork: true,
      shareProcessNamespace: false,
      securityContext: {
        runAsUser: 0,
        runAsGroup: 2000,
        supplementalGroups: [1, 2, 4294967296],
        fsGroup: 3000,
        sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
        fsGroupChangePolicy: 'OnRootMismatch',
      },
      imagePullSecrets: [{ name: 'regcred' }, {}],
      hostname: 'h',
      subdomain: 's',
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['x'] }] } },
          ],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'web' } },
                topologyKey: 'kubernetes.io/hostname',
                matchLabelKeys: ['pod-template-hash'],
              },
            },
          ],
        },
      },
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { operator: 'Exists' },
      ],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['a', 'b'] }],
      priorityClassName: 'high',
      priority: 0,
      dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
      readinessGates: [{ conditionType: 'x/ready' }],
      runtimeClassName: 'gvisor',
      enableServiceLinks: true,
      preemptionPolicy: 'Never',
      overhead: { cpu: '10m' },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
          minDomains: 2,
          nodeAffinityPolicy: 'Honor',
        },
      ],
      setHostnameAsFQDN: false,
      os: { name: 'linux' },
      hostUsers: false,
      schedulingGates: [{ name: 'gate' }],
      resourceClaims: [{ name: 'gpu', resourceClaimName: 'gpu-claim' }],
      resources: { limits: { cpu: '1' } },
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-02T03:04:06Z' }],
      hostIP: '10.0.0.2',
      podIP: '10.1.0.5',
      podIPs: [{ ip: '10.1.0.5' }],
      startTime: '2025-01-02T03:04:05Z',
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: '2025-01-02T03:04:06Z' } },
          lastState: { terminated: { exitCode: -1, reason: 'Error', startedAt: null, finishedAt: null } },
          ready: true,
          restartCount: 2,
          image: 'nginx:1.27',
          imageID: 'docker.io/library/nginx@sha256:abc',
          containerID: 'containerd://1',
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
  roundTrip(pod, 'core.Pod');
});

test('round trip: Secret, ConfigMap, ServiceAccount, Namespace, Node, Event', () => {
  roundTrip(
    {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      immutable: false,
      data: { a: Buffer.from([0, 1, 2, 255]).toString('base64'), empty: '' },
      stringData: { plain: 'text', ünï: '✓' },
      type: 'kubernetes.io/tls',
    },
    'core.Secret',
  );
  roundTrip(
    {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', namespace: 'ns', creationTimestamp: null },
      immutable: true,
      data: { k: 'v', e: '' },
      binaryData: { bin: Buffer.from('\x00\xff').toString('base64') },
    },
    'core.ConfigMap',
  );
  roundTrip(
    {
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      metadata: { name: 'sa', creationTimestamp: null },
      secrets: [{ kind: 'Secret', name: 'tok', fieldPath: 'x' }],
      imagePullSecrets: [{ name: 'reg' }],
      automountServiceAccountToken: true,
    },
    'core.ServiceAccount',
  );
  roundTrip(
    {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'n', creationTimestamp: null, labels: { 'kubernetes.io/metadata.name': 'n' } },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: null }],
      },
    },
    'core.Namespace',
  );
  roundTrip(
    {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'n1', creationTimestamp: null },
      spec: {
        podCIDR: '10.1.0.0/24',
        podCIDRs: ['10.1.0.0/24'],
        providerID: 'kind://n1',
        unschedulable: true,
        taints: [{ key: 'k', value: 'v', effect: 'NoSchedule', timeAdded: '2025-01-02T03:04:05Z' }],
      },
      status: {
        capacity: { cpu: '8', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '7800m' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: '2025-01-02T03:04:05Z',
            lastTransitionTime: null,
            reason: 'KubeletReady',
          },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: 'm',
          systemUUID: 's',
          bootID: 'b',
          kernelVersion: 'k',
          osImage: 'o',
          containerRuntimeVersion: 'c',
          kubeletVersion: 'v1.33.0',
          kubeProxyVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: [{ names: ['nginx'], sizeBytes: 12345678901 }],
      },
    },
    'core.Node',
  );
  roundTrip(
    {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: null },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u', apiVersion: 'v1' },
      reason: 'Started',
      message: 'Started container',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2025-01-02T03:04:05Z',
      lastTimestamp: null,
      count: 1,
      type: 'Normal',
      eventTime: '2025-01-02T03:04:05.123456Z',
      series: { count: 2, lastObservedTime: '2025-01-02T03:04:06.000001Z' },
      action: 'Start',
      related: { kind: 'Node', name: 'n1' },
      reportingComponent: 'kubelet',
      reportingInstance: '',
    },
    'core.Event',
  );
});

test('round trip: authentication, authorization and rbac kinds', () => {
  roundTrip(
    {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: 'eyJ...', audiences: ['api'] },
      status: {
        authenticated: true,
        user: { username: 'system:serviceaccount:d:s', uid: 'u', groups: ['g'], extra: { k: ['a', 'b'], e: [] } },
        audiences: ['api'],
      },
    },
    'authn.TokenReview',
  );
  roundTrip(
    {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1beta1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: 'admin', groups: ['system:masters'] } },
    },
    'authn.SelfSubjectReview',
  );
  roundTrip(
    {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        resourceAttributes: {
          namespace: 'ns',
          verb: 'list',
          group: 'apps',
          version: 'v1',
          resource: 'deployments',
          subresource: 'scale',
          name: 'd',
          fieldSelector: {
            rawSelector: 'spec.x=y',
            requirements: [{ key: 'spec.x', operator: 'In', values: ['y'] }],
          },
          labelSelector: { requirements: [{ key: 'app', operator: 'Exists' }] },
        },
        user: 'u',
        groups: ['g1', 'g2'],
        extra: { scopes: ['a'] },
        uid: 'id',
      },
      status: { allowed: true, reason: 'RBAC: allowed', evaluationError: 'x' },
    },
    'authz.SubjectAccessReview',
  );
  roundTrip(
    {
      kind: 'LocalSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { namespace: 'ns', creationTimestamp: null },
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'u' },
      status: { allowed: false, denied: true },
    },
    'authz.LocalSubjectAccessReview',
  );
  roundTrip(
    {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { namespace: 'default' },
      status: {
        resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }],
        incomplete: true,
      },
    },
    'authz.SelfSubjectRulesReview',
  );
  roundTrip(
    {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'agg', creationTimestamp: null },
      rules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
    },
    'rbac.ClusterRole',
  );
  roundTrip(
    {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'crb', creationTimestamp: null },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    },
    'rbac.ClusterRoleBinding',
  );
  roundTrip(
    {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u', resourceVersion: '' },
      orphanDependents: false,
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    },
    'meta.DeleteOptions',
  );
});

// --- presence semantics -----------------------------------------------------------------------------------------

test('absent fields: null for non-omitempty slices/maps/pointers, zero for scalars, structs always', () => {
  const empty = Buffer.alloc(0);
  assert.deepEqual(decodeMessage(empty, 'authn.TokenRequest'), {
    metadata: { creationTimestamp: null },
    spec: { audiences: null, expirationSeconds: null, boundObjectRef: null },
    status: { token: '', expirationTimestamp: null },
  });
  assert.deepEqual(decodeMessage(empty, 'rbac.RoleBinding'), {
    metadata: { creationTimestamp: null },
    roleRef: { apiGroup: '', kind: '', name: '' },
  });
  assert.deepEqual(decodeMessage(empty, 'core.Volume'), { name: '' });
  assert.deepEqual(decodeMessage(empty, 'core.HTTPGetAction'), { port: 0 });
  assert.deepEqual(decodeMessage(empty, 'core.ResourceFieldSelector'), { resource: '', divisor: '0' });
  assert.deepEqual(decodeMessage(empty, 'rbac.PolicyRule'), { verbs: null });
});

test('present zero values: dropped for non-pointer omitempty fields, kept for pointers and required fields', () => {
  const c = encode({ name: 'c', stdin: false, tty: false, image: '', workingDir: '' }, 'core.Container');
  assert.deepEqual(decodeMessage(Buffer.from(c), 'core.Container'), { name: 'c', resources: {} });
  const p = encode({ containerPort: 0, hostPort: 0 }, 'core.ContainerPort');
  assert.deepEqual(decodeMessage(Buffer.from(p), 'core.ContainerPort'), { containerPort: 0 });
  const spec = encode({ containers: [], automountServiceAccountToken: false, priority: 0 }, 'core.PodSpec');
  assert.deepEqual(decodeMessage(Buffer.from(spec), 'core.PodSpec'), {
    containers: null,
    automountServiceAccountToken: false,
    priority: 0,
  });
});

test('wire details: unknown fields skipped, messages merged, last scalar wins, packed ints, __proto__ keys', () => {
  const meta1 = [...len(1, str('a')), ...len(11, [...len(1, str('x')), ...len(2, str('1'))])];
  const meta2 = [...len(3, str('ns')), ...len(11, [...len(1, str('__proto__')), ...len(2, str('p'))])];
  const raw = [
    ...len(1, meta1),
    ...len(99, str('unknown')), // unknown field
    ...tag(100, 0),
    ...varint(7),
    ...tag(101, 5),
    1,
    2,
    3,
    4,
    ...len(1, meta2), // a second occurrence of metadata merges into the first
    ...len(3, str('Opaque')),
    ...len(3, str('kubernetes.io/tls')), // last wins
  ];
  const got = decodeKubernetesProtobuf(wrap('v1', 'Secret', raw));
  const labels = (got.metadata as Json).labels as Json;
  assert.equal(labels.x, '1');
  assert.ok(Object.prototype.hasOwnProperty.call(labels, '__proto__'));
  assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  assert.deepEqual(
    got,
    JSON.parse(
      '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"a","namespace":"ns",' +
        '"creationTimestamp":null,"labels":{"x":"1","__proto__":"p"}},"type":"kubernetes.io/tls"}',
    ),
  );

  // supplementalGroups (repeated int64) packed, and unpacked with a negative value.
  const packed = [...len(4, [...varint(1), ...varint(300)]), ...tag(4, 0), ...varint(-5)];
  assert.deepEqual(decodeMessage(Buffer.from(packed), 'core.PodSecurityContext'), { supplementalGroups: [1, 300, -5] });
});

test('Time is seconds precision (nanos dropped), MicroTime keeps microseconds, empty is null', () => {
  const t = (secs: number, nanos = 0) => [
    ...tag(1, 0),
    ...varint(secs),
    ...(nanos ? [...tag(2, 0), ...varint(nanos)] : []),
  ];
  const entry = (time: number[]) => Buffer.from(len(4, time));
  assert.deepEqual(decodeMessage(entry(t(1735787045, 999999999)), 'meta.ManagedFieldsEntry'), {
    time: '2025-01-02T03:04:05Z',
  });
  assert.deepEqual(decodeMessage(entry([]), 'meta.ManagedFieldsEntry'), { time: null });
  assert.deepEqual(decodeMessage(entry(t(0)), 'meta.ManagedFieldsEntry'), { time: '1970-01-01T00:00:00Z' });
  assert.deepEqual(decodeMessage(entry(t(-62135596800)), 'meta.ManagedFieldsEntry'), { time: '0001-01-01T00:00:00Z' });
  const series = (time: number[]) => Buffer.from(len(2, time));
  assert.deepEqual(decodeMessage(series(t(1735787045, 123456789)), 'core.EventSeries'), {
    lastObservedTime: '2025-01-02T03:04:05.123456Z',
  });
  assert.deepEqual(decodeMessage(series(t(1735787045, 1_500_000_000)), 'core.EventSeries'), {
    lastObservedTime: '2025-01-02T03:04:06.500000Z',
  });
  assert.throws(() => decodeMessage(entry(t(253402300800)), 'meta.ManagedFieldsEntry'), /year outside of range/);
});

test('IntOrString, Quantity, FieldsV1 and StringList forms', () => {
  const port = (ios: number[]) => Buffer.from(len(1, ios));
  assert.deepEqual(decodeMessage(port([...tag(2, 0), 80]), 'core.TCPSocketAction'), { port: 80 });
  assert.deepEqual(decodeMessage(port([...tag(1, 0), 1, ...len(3, str('http'))]), 'core.TCPSocketAction'), {
    port: 'http',
  });
  assert.throws(() => decodeMessage(port([...tag(1, 0), 2]), 'core.TCPSocketAction'), /impossible IntOrString/);
  assert.deepEqual(decodeMessage(Buffer.from(len(3, [])), 'core.ResourceFieldSelector'), {
    resource: '',
    divisor: '0',
  });
  const fv = (raw: string) => Buffer.from(len(7, len(1, str(raw))));
  assert.deepEqual(decodeMessage(fv('{"f:a":{}}'), 'meta.ManagedFieldsEntry'), { fieldsV1: { 'f:a': {} } });
  assert.deepEqual(decodeMessage(fv(''), 'meta.ManagedFieldsEntry'), { fieldsV1: null });
  assert.throws(() => decodeMessage(fv('{'), 'meta.ManagedFieldsEntry'), ProtobufError);
  const extra = Buffer.from(len(4, [...len(1, str('k')), ...len(2, [...len(1, str('a')), ...len(1, str('b'))])]));
  assert.deepEqual(decodeMessage(extra, 'authn.UserInfo'), { extra: { k: ['a', 'b'] } });
  const emptyVal = Buffer.from(len(4, len(1, str('k'))));
  assert.deepEqual(decodeMessage(emptyVal, 'authn.UserInfo'), { extra: { k: [] } });
});

// --- errors -------------------------------------------------------------------------------------------------------

test('errors: kube-apiserver texts for bad envelopes; typed UnknownKindError; malformed raw', () => {
  const err = (buf: Buffer, re: RegExp) =>
    assert.throws(
      () => decodeKubernetesProtobuf(buf),
      (e: unknown) => e instanceof ProtobufError && e.code === 400 && re.test(e.message),
    );
  err(Buffer.alloc(0), /^empty data$/);
  err(
    Buffer.from('{"kind":"Pod"}'),
    /^provided data does not appear to be a protobuf message, expected prefix \[107,56,115,0\]$/,
  );
  err(Buffer.from('k8s\0'), /^empty body$/);
  err(wrap('', '', []), /Object 'Kind' is missing/);
  err(wrap('v1', 'Pod', [...tag(1, 0), 1]), /wrong wireType = 0 for field metadata/);
  err(wrap('v1', 'Pod', [...len(1, [...tag(1, 0), 1])]), /wrong wireType = 0 for field name/);
  err(wrap('v1', 'Pod', [...tag(1, 2), 10, 1]), /unexpected EOF/);
  err(Buffer.from([...Buffer.from('k8s\0'), ...tag(2, 0), 1]), /wrong wireType = 0 for field Raw/);

  assert.throws(
    () => decodeKubernetesProtobuf(wrap('apps/v1', 'Deployment', [])),
    (e: unknown) =>
      e instanceof UnknownKindError &&
      e instanceof ProtobufError &&
      e.kind === 'Deployment' &&
      e.apiVersion === 'apps/v1' &&
      e.message === 'no kind "Deployment" is registered for version "apps/v1"',
  );
});

test('an empty typeMeta takes the endpoint defaults', () => {
  const buf = Buffer.from([...Buffer.from('k8s\0'), ...len(2, len(1, len(1, str('x'))))]);
  assert.deepEqual(decodeKubernetesProtobuf(buf, { apiVersion: 'v1', kind: 'ConfigMap' }), {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'x', creationTimestamp: null },
  });
});

test('isProtobuf', () => {
  assert.equal(isProtobuf('application/vnd.kubernetes.protobuf'), true);
  assert.equal(isProtobuf('Application/VND.Kubernetes.Protobuf; charset=binary'), true);
  assert.equal(isProtobuf('application/vnd.kubernetes.protobuf;stream=watch'), true);
  assert.equal(isProtobuf('application/json'), false);
  assert.equal(isProtobuf(undefined), false);
});
