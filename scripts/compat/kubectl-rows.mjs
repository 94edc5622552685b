// The fixed kubectl command matrix: one row per command group, run unchanged by every kubectl version.
// A row is a list of steps; a cell passes when every step does. A step is a kubectl command with what it must
// print and exit with, or a named scenario (watch, wait, TokenReview) that runs several clients at once.
// `ns` is the column's own namespace and `t` a suffix for its cluster-scoped names, so columns run side by side
// on one server. Rows do not depend on each other.

const manifest = (ns, greeting = 'hello') => `apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: ${ns}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app-reader, namespace: ${ns}}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reader, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-reader}
subjects:
- {kind: ServiceAccount, name: app, namespace: ${ns}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: ${ns}}
data: {greeting: ${greeting}}
`;

/** A kubectl step: argv, and what it must exit with (default 0) and print (regexps or exact strings). */
const k = (argv, expect = {}) => ({ argv, ...expect });

/** @type {{id: string, title: string, expectedFail?: string, steps: (ns: string, t: string) => object[]}[]} */
export const kubectlRows = [
  {
    id: 'version',
    title: 'client and server version',
    steps: () => [k(['version', '-o', 'json'], { out: /"serverVersion": \{\n\s+"major": "1"/ })],
  },
  {
    id: 'api-resources',
    title: 'discovery',
    steps: () => [
      k(['api-resources', '-o', 'name'], { out: /^clusterrolebindings\.rbac\.authorization\.k8s\.io$/m }),
      k(['api-versions'], { out: /^authentication\.k8s\.io\/v1$/m }),
    ],
  },
  {
    id: 'auth whoami',
    title: 'SelfSubjectReview',
    steps: () => [k(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { out: 'kubernetes-admin' })],
  },
  {
    id: 'auth can-i',
    title: 'SelfSubjectAccessReview, SelfSubjectRulesReview, impersonation',
    steps: (ns) => [
      k(['auth', 'can-i', 'create', 'serviceaccounts', '-n', ns], { out: 'yes\n' }),
      k(['auth', 'can-i', '--list', '-n', ns], { out: /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m }),
      k(['auth', 'can-i', 'get', 'secrets', '-n', ns, `--as=system:serviceaccount:${ns}:default`], {
        code: 1,
        out: 'no\n',
      }),
    ],
  },
  {
    id: 'serviceaccounts',
    title: 'create/get/describe/delete ServiceAccount',
    steps: (ns) => [
      k(['create', 'serviceaccount', 'sa1', '-n', ns], { out: 'serviceaccount/sa1 created\n' }),
      k(['get', 'serviceaccount', 'sa1', '-n', ns, '-o', 'name'], { out: 'serviceaccount/sa1\n' }),
      k(['describe', 'serviceaccount', 'sa1', '-n', ns], { out: /^Name:\s+sa1$/m }),
      k(['delete', 'serviceaccount', 'sa1', '-n', ns], { out: /^serviceaccount "sa1" deleted/ }),
    ],
  },
  {
    id: 'roles',
    title: 'create Role/RoleBinding, effective at once',
    steps: (ns) => [
      k(['create', 'role', 'r1', '--verb=get,list', '--resource=configmaps', '-n', ns], {
        out: 'role.rbac.authorization.k8s.io/r1 created\n',
      }),
      k(['create', 'rolebinding', 'rb1', '--role=r1', `--serviceaccount=${ns}:default`, '-n', ns], {
        out: 'rolebinding.rbac.authorization.k8s.io/rb1 created\n',
      }),
      k(['auth', 'can-i', 'list', 'configmaps', '-n', ns, `--as=system:serviceaccount:${ns}:default`], {
        out: 'yes\n',
      }),
      k(['delete', 'rolebinding/rb1', 'role/r1', '-n', ns], { out: /deleted/ }),
    ],
  },
  {
    id: 'clusterroles',
    title: 'create ClusterRole/ClusterRoleBinding, describe',
    steps: (ns, t) => [
      k(['create', 'clusterrole', `cr-${t}`, '--verb=get', '--resource=namespaces'], {
        out: `clusterrole.rbac.authorization.k8s.io/cr-${t} created\n`,
      }),
      k(['create', 'clusterrolebinding', `crb-${t}`, `--clusterrole=cr-${t}`, `--user=alice-${t}`], {
        out: `clusterrolebinding.rbac.authorization.k8s.io/crb-${t} created\n`,
      }),
      k(['auth', 'can-i', 'get', 'namespaces', `--as=alice-${t}`], { out: 'yes\n' }),
      k(['describe', 'clusterrolebinding', `crb-${t}`], { out: /^\s+User\s+alice-/m }),
      k(['delete', `clusterrolebinding/crb-${t}`, `clusterrole/cr-${t}`], { out: /deleted/ }),
    ],
  },
  {
    id: 'configmaps, secrets',
    title: 'create/get/delete ConfigMap and Secret',
    steps: (ns) => [
      k(['create', 'configmap', 'cm1', '--from-literal=a=b', '-n', ns], { out: 'configmap/cm1 created\n' }),
      k(['create', 'secret', 'generic', 's1', '--from-literal=p=q', '-n', ns], { out: 'secret/s1 created\n' }),
      k(['get', 'secret', 's1', '-n', ns, '-o', 'jsonpath={.data.p}'], { out: 'cQ==' }),
      k(['delete', 'configmap/cm1', 'secret/s1', '-n', ns], { out: /deleted/ }),
    ],
  },
  {
    id: 'apply',
    title: 'client-side apply, re-apply unchanged, delete -f',
    steps: (ns) => [
      k(['apply', '-f', '-'], { input: manifest(ns), out: /^configmap\/app-config created$/m }),
      k(['apply', '-f', '-'], {
        input: manifest(ns),
        out:
          'serviceaccount/app unchanged\nrole.rbac.authorization.k8s.io/app-reader unchanged\n' +
          'rolebinding.rbac.authorization.k8s.io/app-reader unchanged\nconfigmap/app-config unchanged\n',
      }),
      k(['delete', '-f', '-'], { input: manifest(ns), out: /configmap "app-config" deleted/ }),
    ],
  },
  {
    id: 'apply --server-side',
    title: 'server-side apply by two field managers, then over a client-side apply',
    steps: (ns) => [
      k(['apply', '--server-side', '-f', '-'], {
        input: manifest(ns),
        out: /^configmap\/app-config serverside-applied$/m,
      }),
      k(['apply', '--server-side', '--field-manager=other', '-f', '-'], {
        input: manifest(ns),
        out: /^rolebinding\.rbac\.authorization\.k8s\.io\/app-reader serverside-applied$/m,
      }),
      k(['delete', '-f', '-'], { input: manifest(ns), out: /deleted/ }),
      k(['apply', '-f', '-'], { input: manifest(ns), out: /created/ }),
      k(['apply', '--server-side', '-f', '-'], { input: manifest(ns), out: /serverside-applied/ }),
    ],
  },
  {
    id: 'diff',
    title: 'diff against the server (no change: exit 0; a change: exit 1)',
    steps: (ns) => [
      k(['apply', '--server-side', '--field-manager=differ', '-f', '-'], { input: manifest(`${ns}`) }),
      k(['diff', '--server-side', '--field-manager=differ', '-f', '-'], { input: manifest(ns), out: '' }),
      k(['diff', '-f', '-'], { input: manifest(ns, 'changed'), code: 1, out: /^\+\s+greeting: changed$/m }),
    ],
  },
  {
    id: 'patch',
    title: 'strategic, merge and JSON patches',
    steps: (ns) => [
      k(['create', 'configmap', 'p1', '--from-literal=a=1', '-n', ns]),
      k(['patch', 'configmap', 'p1', '-n', ns, '-p', '{"data":{"b":"2"}}'], { out: 'configmap/p1 patched\n' }),
      k(['patch', 'configmap', 'p1', '-n', ns, '--type=merge', '-p', '{"data":{"a":null}}'], {
        out: 'configmap/p1 patched\n',
      }),
      k(['patch', 'configmap', 'p1', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]'], {
        out: 'configmap/p1 patched\n',
      }),
      k(['get', 'configmap', 'p1', '-n', ns, '-o', 'jsonpath={.data}'], { out: '{"b":"2","c":"3"}' }),
    ],
  },
  {
    id: 'label, annotate',
    title: 'label/annotate, label selectors',
    steps: (ns) => [
      k(['create', 'serviceaccount', 'lab', '-n', ns]),
      k(['label', 'serviceaccount', 'lab', 'tier=web', '-n', ns], { out: 'serviceaccount/lab labeled\n' }),
      // kubectl 1.27 prints `annotate` (its own message, fixed in 1.28).
      k(['annotate', 'serviceaccount', 'lab', 'note=x', '-n', ns], { out: /^serviceaccount\/lab annotated?\n$/ }),
      k(['get', 'serviceaccounts', '-n', ns, '-l', 'tier=web', '-o', 'name'], { out: 'serviceaccount/lab\n' }),
      k(['label', 'serviceaccount', 'lab', 'tier-', '-n', ns], { out: 'serviceaccount/lab unlabeled\n' }),
      k(['get', 'serviceaccounts', '-n', ns, '-l', 'tier=web', '-o', 'name'], { out: '' }),
    ],
  },
  {
    id: 'edit',
    title: 'edit through $EDITOR',
    steps: (ns) => [
      k(['create', 'configmap', 'ed', '--from-literal=state=before', '-n', ns]),
      k(['edit', 'configmap', 'ed', '-n', ns], {
        env: { EDITOR: 'sed -i s/before/after/', KUBE_EDITOR: 'sed -i s/before/after/' },
        out: 'configmap/ed edited\n',
      }),
      k(['get', 'configmap', 'ed', '-n', ns, '-o', 'jsonpath={.data.state}'], { out: 'after' }),
    ],
  },
  {
    id: 'get -o',
    title: 'output formats: table, wide, yaml, json, name, jsonpath, custom-columns',
    steps: (ns) => [
      k(['get', 'clusterroles', 'view'], { out: /^NAME\s+CREATED AT\nview\s+\S+\n$/ }),
      k(['get', 'serviceaccounts', 'default', '-n', ns, '-o', 'wide'], { out: /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s/ }),
      k(['get', 'clusterrole', 'view', '-o', 'yaml'], { out: /^kind: ClusterRole$/m }),
      k(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json'], { out: /"kind": "ClusterRoleBinding"/ }),
      k(['get', 'namespace', ns, '-o', 'custom-columns=N:.metadata.name,P:.status.phase'], {
        out: new RegExp(`^N\\s+P\\n${ns}\\s+Active\\n$`),
      }),
    ],
  },
  {
    id: 'describe',
    title: 'describe RBAC objects and namespaces',
    steps: (ns) => [
      k(['describe', 'clusterrole', 'admin'], { out: /^Name:\s+admin$/m }),
      k(['describe', 'namespace', ns], { out: /^Status:\s+Active$/m }),
    ],
  },
  {
    id: 'create token',
    title: 'TokenRequest',
    steps: (ns) => [
      k(['create', 'serviceaccount', 'tok', '-n', ns]),
      k(['create', 'token', 'tok', '-n', ns, '--audience=api', '--duration=10m'], {
        // kubectl prints the token without a newline.
        out: /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/,
      }),
    ],
  },
  {
    id: 'TokenReview',
    title: 'create token, then TokenReview through create -f',
    steps: (ns) => [{ scenario: 'tokenreview', show: `create token tr -n ${ns} | create -f tokenreview.yaml -o yaml` }],
  },
  {
    id: 'SubjectAccessReview',
    title: 'SubjectAccessReview through create -f',
    steps: (ns) => [
      k(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], {
        input:
          'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: ' +
          `system:serviceaccount:${ns}:default\n  resourceAttributes: {verb: get, resource: secrets, namespace: ${ns}}\n`,
        out: 'false',
      }),
    ],
  },
  {
    id: 'auth reconcile',
    title: 'auth reconcile of RBAC manifests',
    steps: (ns, t) => [
      k(['auth', 'reconcile', '-f', '-'], {
        input:
          `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: rec-${t}}\n` +
          'rules:\n- {apiGroups: [""], resources: [pods], verbs: [get]}\n',
        out: new RegExp(`^clusterrole\\.rbac\\.authorization\\.k8s\\.io/rec-${t} reconciled$`, 'm'),
      }),
      k(['delete', 'clusterrole', `rec-${t}`], { out: /deleted/ }),
    ],
  },
  {
    id: 'dry-run',
    title: 'server and client dry runs change nothing',
    steps: (ns) => [
      k(['create', 'serviceaccount', 'dry', '-n', ns, '--dry-run=server', '-o', 'name'], {
        out: 'serviceaccount/dry\n',
      }),
      k(
        ['create', 'rolebinding', 'dry', '--clusterrole=view', '--user=u', '-n', ns, '--dry-run=client', '-o', 'yaml'],
        {
          out: /^kind: RoleBinding$/m,
        },
      ),
      k(['get', 'serviceaccount', 'dry', '-n', ns], {
        code: 1,
        err: 'Error from server (NotFound): serviceaccounts "dry" not found\n',
      }),
    ],
  },
  {
    id: 'explain',
    title: 'explain from the served OpenAPI',
    steps: () => [
      k(['explain', 'serviceaccounts'], { out: /^KIND:\s+ServiceAccount$/m }),
      k(['explain', 'clusterroles.rules.verbs'], { out: /^FIELD:\s+verbs/m }),
    ],
  },
  {
    id: 'get -w',
    title: 'watch: get -w and --watch-only see a change',
    steps: (ns) => [{ scenario: 'watch', show: `get configmaps -n ${ns} -w -o name; get … --watch-only` }],
  },
  {
    id: 'wait',
    title: 'wait --for=delete and --for=jsonpath on a change made while waiting',
    steps: (ns) => [
      {
        scenario: 'wait',
        show: `wait --for=delete configmap/w1 -n ${ns}; wait --for=jsonpath={.data.state}=ready configmap/w2 -n ${ns}`,
      },
    ],
  },
  {
    id: 'delete --wait',
    title: 'delete with --wait and --cascade',
    steps: (ns) => [
      k(['create', 'configmap', 'd1', '-n', ns]),
      k(['create', 'configmap', 'd2', '-n', ns]),
      k(['delete', 'configmap', 'd1', '-n', ns, '--wait', '--cascade=foreground'], { out: /^configmap "d1" deleted/ }),
      k(['delete', 'configmap', 'd2', '-n', ns, '--wait', '--cascade=background'], { out: /^configmap "d2" deleted/ }),
    ],
  },
  {
    id: 'forbidden',
    title: "an impersonated user's Forbidden message",
    steps: (ns) => [
      k(['get', 'secrets', '-n', ns, '--as=nobody'], {
        code: 1,
        err:
          'Error from server (Forbidden): secrets is forbidden: User "nobody" cannot list resource "secrets" ' +
          `in API group "" in the namespace "${ns}"\n`,
      }),
    ],
  },
  {
    id: 'cluster-info',
    title: 'cluster-info (reads the kubernetes Service)',
    steps: () => [k(['cluster-info'], { out: /Kubernetes control plane is running at https:/ })],
  },
];
