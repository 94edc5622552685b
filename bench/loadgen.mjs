// What the C load generators (bench/wrk.mjs for HTTP/1.1, bench/h2load.mjs for HTTP/2) share: installing them
// from Debian when missing, and reading the durations they print.
import { spawnSync } from 'node:child_process';

/**
 * Whether `bin` runs here; when missing and running as root on Debian, installs `pkg` with apt-get first. Only a
 * spawn error means absent (`wrk --version` exits 1 after printing its version).
 */
export function ensureDebianTool(bin, pkg, why, log = () => {}) {
  const present = () => spawnSync(bin, ['--version']).error === undefined;
  if (present()) return true;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).error !== undefined) return false;
  log(`installing ${bin} (apt-get install ${pkg}) for ${why}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env }).status === 0;
  // A fresh machine has no package lists yet.
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    install();
  }
  return present();
}

/** A duration as wrk and h2load print it ("1.23ms", "850.00us", "1.02s", "2.00m"), in ms. */
export function durationMs(text) {
  const m = /^([0-9.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2]];
}
