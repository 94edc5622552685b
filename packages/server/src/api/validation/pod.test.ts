import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../field.js';
import type { KObject } from '../types.js';
import { podUpdateForbiddenPrefix, validatePodCreate, validatePodUpdate } from './pod.js';

/** A pod as it is after scheme defaulting. */
function pod(spec: Record<string, unknown> = {}, meta: Partial<KObject['metadata']> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ...meta },
    spec: {
      containers: [container()],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      ...spec,
    },
  };
}

function container(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'c',
    image: 'nginx',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'Always',
    ...extra,
  };
}

const create = (p: KObject) => validatePodCreate(p).map(fieldErrorString);

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('a defaulted minimal pod is valid', () => {
  assert.deepEqual(create(pod()), []);
});

test('pod create messages', () => {
  const cases: Array<[string, KObject, string[]]> = [
    ['no containers', pod({ containers: [] }), ['spec.containers: Required value']],
    [
      'container name and image',
      pod({ containers: [container({ name: 'C_1', image: '' })] }),
      [`spec.containers[0].name: Invalid value: "C_1": ${labelMsg}`, 'spec.containers[0].image: Required value'],
    ],
    [
      'duplicate container names',
      pod({ containers: [container(), container()] }),
      ['spec.containers[1].name: Duplicate value: "c"'],
    ],
    [
      'restart and dns policies',
      pod({ restartPolicy: 'Sometimes', dnsPolicy: 'Nope' }),
      [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        'spec.dnsPolicy: Unsupported value: "Nope": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      ],
    ],
    [
      'ports',
      pod({
        containers: [
          container({
            ports: [
              { containerPort: 0, protocol: 'TCP' },
              { containerPort: 70000, protocol: 'ICMP', name: 'x--y' },
            ],
          }),
        ],
      }),
      [
        'spec.containers[0].ports[0].containerPort: Required value',
        'spec.containers[0].ports[1].name: Invalid value: "x--y": must not contain consecutive hyphens',
        'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    [
      'env names (relaxed validation is on in 1.33)',
      pod({ containers: [container({ env: [{ name: '' }, { name: 'A=B' }, { name: '1 ok' }] })] }),
      [
        'spec.containers[0].env[0].name: Required value',
        'spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
      ],
    ],
    [
      'env sources',
      pod({
        containers: [
          container({
            env: [
              { name: 'A', valueFrom: {} },
              { name: 'B', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.restartPolicy' } } },
              { name: 'C', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
          }),
        ],
      }),
      [
        'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
        'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      ],
    ],
    [
      'volumes and mounts',
      pod({
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'v', emptyDir: {} },
          { name: 'w' },
          { name: 'x', emptyDir: {}, secret: { secretName: 's', defaultMode: 420 } },
        ],
        containers: [
          container({
            volumeMounts: [
              { name: 'nope', mountPath: '/a' },
              { name: 'v', mountPath: '/a' },
            ],
          }),
        ],
      }),
      [
        'spec.volumes[1].name: Duplicate value: "v"',
        'spec.volumes[2]: Required value: must specify a volume type',
        'spec.volumes[3].secret: Forbidden: may not specify more than 1 volume type',
        'spec.containers[0].volumeMounts[0].name: Not found: "nope"',
        'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
      ],
    ],
    [
      'service account, node and hostname names',
      pod({ serviceAccountName: 'Bad', nodeName: 'Node_1', hostname: 'a.b' }),
      [
        `spec.serviceAccountName: Invalid value: "Bad": ${subdomainMsg}`,
        `spec.nodeName: Invalid value: "Node_1": ${subdomainMsg}`,
        'spec.hostname: Invalid value: "a.b": must not contain dots',
      ],
    ],
    [
      'resources',
      pod({ containers: [container({ resources: { limits: { cpu: '1' }, requests: { cpu: '2', foo: '1' } } })] }),
      [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
        'spec.containers[0].resources.requests[foo]: Invalid value: foo: must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[foo]: Invalid value: foo: must be a standard resource for containers',
      ],
    ],
    [
      'projected token without a service account',
      pod({
        volumes: [
          {
            name: 't',
            projected: {
              defaultMode: 420,
              sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }],
            },
          },
        ],
      }),
      [
        'spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set',
      ],
    ],
    [
      'ephemeral containers cannot be created',
      pod({ ephemeralContainers: [container({ name: 'debug' })] }),
      ['spec.ephemeralContainers: Forbidden: cannot be set on create'],
    ],
    [
      'tolerations',
      pod({
        tolerations: [
          { operator: 'Equal', value: 'x' },
          { key: 'k', operator: 'Exists', value: 'v', tolerationSeconds: 5, effect: 'NoSchedule' },
        ],
      }),
      [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
        'spec.tolerations[1].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
        'spec.tolerations[1].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
      ],
    ],
    [
      'probes need a handler and liveness a success threshold of 1',
      pod({
        containers: [
          container({
            livenessProbe: { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 2, failureThreshold: 3 },
          }),
        ],
      }),
      [
        'spec.containers[0].livenessProbe: Required value: must specify a handler type',
        'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      ],
    ],
    [
      'mirror pods need a node',
      pod({}, { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
      [
        'metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "x": must set spec.nodeName if mirror pod annotation is set',
      ],
    ],
  ];
  for (const [what, p, want] of cases) assert.deepEqual(create(p), want, what);
});

test('pod updates may change only images, deadlines, tolerations and gates', () => {
  const old = pod({}, { resourceVersion: '1' });
  const image = pod({ containers: [container({ image: 'nginx:2' })] }, { resourceVersion: '1' });
  assert.deepEqual(validatePodUpdate(image, old).map(fieldErrorString), []);

  const changed = pod({ restartPolicy: 'Never' }, { resourceVersion: '1' });
  const errs = validatePodUpdate(changed, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.equal(errs[0]!.type, 'FieldValueForbidden');
  assert.ok(errs[0]!.detail.startsWith(`${podUpdateForbiddenPrefix}\n`));
  assert.equal(
    podUpdateForbiddenPrefix,
    'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  );
  assert.match(errs[0]!.detail, /- \tRestartPolicy: "Always",\n\+ \tRestartPolicy: "Never",/);

  const added = pod({ containers: [container(), container({ name: 'd' })] }, { resourceVersion: '1' });
  assert.deepEqual(validatePodUpdate(added, old).map(fieldErrorString), [
    'spec.containers: Forbidden: pod updates may not add or remove containers',
  ]);

  const withTol = pod({ tolerations: [{ key: 'a', operator: 'Exists' }] }, { resourceVersion: '1' });
  const removed = pod({}, { resourceVersion: '1' });
  assert.deepEqual(validatePodUpdate(removed, withTol).map(fieldErrorString), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);
  assert.deepEqual(
    validatePodUpdate(
      pod({ activeDeadlineSeconds: 10 }, { resourceVersion: '1' }),
      pod({ activeDeadlineSeconds: 5 }, { resourceVersion: '1' }),
    ).map(fieldErrorString),
    ['spec.activeDeadlineSeconds: Invalid value: 10: must be less than or equal to previous value'],
  );
});
