// The fixed Helm 4 command matrix. Every row installs its own release (so rows are independent) of the chart
// the Helm end-to-end test uses: ServiceAccount, Role/RoleBinding, ClusterRole/ClusterRoleBinding, ConfigMap,
// Secret. `--wait` is Helm 4's watcher: streaming lists that must end with the initial-events bookmark.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const chart = join(dirname(fileURLToPath(import.meta.url)), '../../test/e2e/fixtures/rbac-chart');
const w = ['--wait', '--timeout=60s'];
const h = (argv, expect = {}) => ({ argv, ...expect });
const install = (rel, ns, extra = []) => h(['install', rel, chart, '-n', ns, ...extra], { out: /STATUS: deployed/ });

/** @type {{id: string, title: string, expectedFail?: string, steps: (ns: string, t: string) => object[]}[]} */
export const helmRows = [
  {
    id: 'install --wait',
    title: 'install with server-side apply, waiting for readiness',
    steps: (ns) => [install('i1', ns, w), h(['status', 'i1', '-n', ns], { out: /^STATUS: deployed$/m })],
  },
  {
    id: 'install --server-side=false --wait',
    title: 'install with client-side apply',
    steps: (ns) => [install('i2', ns, ['--server-side=false', ...w])],
  },
  {
    id: 'upgrade --wait',
    title: 'upgrade changing a Role, a ConfigMap and a Secret',
    steps: (ns) => [
      install('u1', ns),
      h(['upgrade', 'u1', chart, '-n', ns, ...w, '--set', 'greeting=bye', '--set', 'verbs={get,list,watch}'], {
        out: /REVISION: 2\n/,
      }),
    ],
  },
  {
    id: 'rollback --wait',
    title: 'rollback to the first revision',
    steps: (ns) => [
      install('r1', ns),
      h(['upgrade', 'r1', chart, '-n', ns, '--set', 'greeting=bye']),
      h(['rollback', 'r1', '1', '-n', ns, ...w], { out: 'Rollback was a success! Happy Helming!\n' }),
    ],
  },
  {
    id: 'uninstall --wait',
    title: 'uninstall, waiting until every object is gone',
    steps: (ns) => [install('d1', ns), h(['uninstall', 'd1', '-n', ns, ...w], { out: 'release "d1" uninstalled\n' })],
  },
  {
    id: 'install --dry-run=server',
    title: 'server dry run',
    steps: (ns) => [h(['install', 'dry', chart, '-n', ns, '--dry-run=server'], { out: /^STATUS: pending-install$/m })],
  },
  {
    id: 'list, history, get manifest',
    title: 'release records (Secrets)',
    steps: (ns) => [
      install('l1', ns),
      h(['list', '-n', ns, '-q', '--filter', '^l1$'], { out: 'l1\n' }),
      h(['history', 'l1', '-n', ns, '-o', 'json'], { out: /"status":"deployed"/ }),
      h(['get', 'manifest', 'l1', '-n', ns], { out: /^kind: ClusterRoleBinding$/m }),
    ],
  },
];
