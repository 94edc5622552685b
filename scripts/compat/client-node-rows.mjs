// The fixed @kubernetes/client-node matrix: the typed APIs a Node service uses for identity and access, the
// generic object API (server-side apply), and a streaming-list watch. Each row is one async check that throws
// on any difference.
import { isDeepStrictEqual } from 'node:util';
import * as k8s from '@kubernetes/client-node';

function eq(actual, expected, what) {
  // client-node hands back class instances; compare their JSON (key order does not matter).
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(actual) ?? 'null'), expected))
    throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

/** @type {{id: string, title: string, expectedFail?: string, run: (kc: k8s.KubeConfig, ns: string) => Promise<void>}[]} */
export const clientNodeRows = [
  {
    id: 'VersionApi.getCode',
    title: 'server version',
    run: async (kc) => eq((await kc.makeApiClient(k8s.VersionApi).getCode()).major, '1', 'major'),
  },
  {
    id: 'CoreV1Api serviceaccounts',
    title: 'create/read/list/delete a ServiceAccount',
    run: async (kc, ns) => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'sa1' } } });
      eq((await core.readNamespacedServiceAccount({ namespace: ns, name: 'sa1' })).metadata.name, 'sa1', 'read');
      const l = await core.listNamespacedServiceAccount({ namespace: ns });
      eq(l.items.map((i) => i.metadata.name).includes('sa1'), true, 'listed');
      await core.deleteNamespacedServiceAccount({ namespace: ns, name: 'sa1' });
    },
  },
  {
    id: 'CoreV1Api configmaps, secrets',
    title: 'create and merge-patch a ConfigMap; a Secret from stringData',
    run: async (kc, ns) => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm1' }, data: { a: '1' } } });
      const p = await core.patchNamespacedConfigMap(
        { namespace: ns, name: 'cm1', body: { data: { b: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      eq(p.data, { a: '1', b: '2' }, 'patched data');
      const s = await core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 's1' }, stringData: { p: 'q' } },
      });
      eq(s.data, { p: 'cQ==' }, 'secret data');
    },
  },
  {
    id: 'createNamespacedServiceAccountToken',
    title: 'TokenRequest with an audience',
    run: async (kc, ns) => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'tok' } } });
      const tr = await core.createNamespacedServiceAccountToken({
        namespace: ns,
        name: 'tok',
        body: { spec: { audiences: ['api'], expirationSeconds: 600 } },
      });
      eq(tr.status.token.split('.').length, 3, 'JWT parts');
    },
  },
  {
    id: 'createTokenReview',
    title: 'TokenReview of a requested token',
    run: async (kc, ns) => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'rev' } } });
      const { status } = await core.createNamespacedServiceAccountToken({
        namespace: ns,
        name: 'rev',
        body: { spec: {} },
      });
      const r = await kc
        .makeApiClient(k8s.AuthenticationV1Api)
        .createTokenReview({ body: { spec: { token: status.token } } });
      eq([r.status.authenticated, r.status.user.username], [true, `system:serviceaccount:${ns}:rev`], 'review');
    },
  },
  {
    id: 'createSelfSubjectReview',
    title: 'whoami',
    run: async (kc) => {
      const r = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: {} });
      eq(r.status.userInfo.username, 'kubernetes-admin', 'username');
    },
  },
  {
    id: 'access reviews',
    title: 'SelfSubjectAccessReview and SubjectAccessReview',
    run: async (kc, ns) => {
      const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
      const self = await authz.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb: 'create', resource: 'serviceaccounts', namespace: ns } } },
      });
      eq(self.status.allowed, true, 'self allowed');
      const other = await authz.createSubjectAccessReview({
        body: {
          spec: { user: 'nobody', resourceAttributes: { verb: 'get', resource: 'secrets', namespace: ns } },
        },
      });
      eq(other.status.allowed, false, 'nobody allowed');
    },
  },
  {
    id: 'RbacAuthorizationV1Api',
    title: 'Role/RoleBinding create, then effective for the subject',
    run: async (kc, ns) => {
      const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
      await rbac.createNamespacedRole({
        namespace: ns,
        body: { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
      });
      const b = await rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: 'r' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
        },
      });
      eq(b.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }], 'subjects');
      const sar = await kc.makeApiClient(k8s.AuthorizationV1Api).createSubjectAccessReview({
        body: { spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'secrets', namespace: ns } } },
      });
      eq(sar.status.allowed, true, 'bob allowed');
    },
  },
  {
    id: 'KubernetesObjectApi server-side apply',
    title: 'server-side apply of a RoleBinding by two field managers',
    run: async (kc, ns) => {
      const api = k8s.KubernetesObjectApi.makeApiClient(kc);
      const rb = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'ssa', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
      };
      for (const manager of ['one', 'two'])
        await api.patch(rb, undefined, undefined, manager, true, k8s.PatchStrategy.ServerSideApply);
      const got = await api.read(rb);
      // The second apply changes nothing, so kube records no time for its manager (managedFieldsUpdater sets one
      // only when the object changed), and entries sort by operation, then time, then manager
      // (sortEncodedManagedFields in apimachinery's managedfields/internal).
      eq(
        got.metadata.managedFields.map((m) => [m.manager, m.operation, m.time === undefined]),
        [
          ['two', 'Apply', true],
          ['one', 'Apply', false],
        ],
        'managedFields',
      );
    },
  },
  {
    id: 'Watch (streaming list)',
    title: 'sendInitialEvents watch ends its initial events with the bookmark',
    run: async (kc, ns) => {
      let done;
      const bookmark = new Promise((r) => (done = r));
      const ctl = await new k8s.Watch(kc).watch(
        `/api/v1/namespaces/${ns}/serviceaccounts`,
        { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
        (type, obj) => type === 'BOOKMARK' && done(obj),
        (err) => err && done({ err }),
      );
      try {
        const obj = await bookmark;
        eq(obj.metadata?.annotations, { 'k8s.io/initial-events-end': 'true' }, 'bookmark annotations');
      } finally {
        ctl.abort();
      }
    },
  },
  {
    id: 'makeInformer',
    title: 'an informer lists, then sees an add',
    run: async (kc, ns) => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
        core.listNamespacedConfigMap({ namespace: ns }),
      );
      let seen;
      const added = new Promise((r) => (seen = r));
      inf.on('add', (o) => o.metadata.name === 'inf' && seen());
      await inf.start();
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf' } } });
        await added;
      } finally {
        await inf.stop();
      }
    },
  },
];
