// Port of test/integration/auth/rbac_test.go TestDiscoveryUpgradeBootstrapping (kubernetes/kubernetes; revision in
// ledger.json): the RBAC bootstrap on a restart over the same storage. Bindings the user marked
// `rbac.authorization.kubernetes.io/autoupdate: "false"` are left exactly as they are, and a missing
// system:public-info-viewer binding is created from system:discovery's subjects, labels and annotations (what
// clusters that predate it granted through system:discovery). kubeauth keeps its state in --data-dir; the test
// stops the first server and starts a second on the same directory, as upstream restarts on the same etcd.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, req } from './lib.mjs';

const crbs = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
const dataDir = mkdtempSync(join(tmpdir(), 'kubeauth-rbac-upgrade-'));
let s;
after(async () => {
  await s?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(name) {
  const r = await req(s, 'GET', `${crbs}/${name}`);
  assert.equal(r.status, 200, r.body);
  return r.json;
}
async function put(o) {
  const r = await req(s, 'PUT', `${crbs}/${o.metadata.name}`, o);
  assert.equal(r.status, 200, r.body);
  return r.json;
}

test('[it.rbac.TestDiscoveryUpgradeBootstrapping] autoupdate=false bindings survive a restart; public-info-viewer is primed from system:discovery', async () => {
  s = await startServer([], { dataDir });

  // The system:discovery binding as clusters before 1.14 had it, with user changes.
  let disc = await get('system:discovery');
  disc.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
  disc.metadata.annotations['rbac-discovery-upgrade-test'] = 'pass';
  disc.subjects = [{ name: 'system:authenticated', kind: 'Group', apiGroup: 'rbac.authorization.k8s.io' }];
  disc = await put(disc);

  let basic = await get('system:basic-user');
  basic.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
  basic.metadata.annotations['rbac-discovery-upgrade-test'] = 'pass';
  basic = await put(basic);

  const d = await req(s, 'DELETE', `${crbs}/system:public-info-viewer`);
  assert.equal(d.status, 200, d.body);

  await s.stop();
  s = await startServer([], { dataDir });

  const newDisc = await get('system:discovery');
  assert.deepEqual(newDisc, disc, '`system:discovery` should have been unmodified');
  assert.deepEqual(await get('system:basic-user'), basic, '`system:basic-user` should have been unmodified');
  const viewer = await get('system:public-info-viewer');
  assert.equal(viewer.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'false');
  assert.equal(viewer.metadata.annotations?.['rbac-discovery-upgrade-test'], 'pass');
  assert.deepEqual(
    viewer.subjects,
    newDisc.subjects,
    '`system:public-info-viewer` should have inherited Subjects from `system:discovery`',
  );
});
