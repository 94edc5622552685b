// Starts real etcd members (Debian's etcd-server) for tests: free loopback ports, temporary data dirs, one
// member or a cluster of three. Every process started here is stopped by `stop()`.
import { spawn } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const etcdBin = process.env.ETCD_BIN ?? '/usr/bin/etcd';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** GET <url>/health: over https with the test's CA and client certificate when the member serves TLS. */
function health(url, tls) {
  if (!tls) return fetch(`${url}/health`).then((r) => r.json());
  return new Promise((resolve, reject) => {
    const req = httpsGet(`${url}/health`, { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
  });
}

async function healthy(url, timeoutMs, tls) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const body = await health(url, tls);
      if (body.health === 'true') return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`etcd at ${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `members` etcd members as one cluster; resolves when it has a leader. With `tls` ({ca, serverCert,
 * serverKey, clientCert, clientKey}, PEM), clients must connect over https with a certificate the CA signed.
 */
export async function startEtcd({ members = 1, clientPort, tls } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kubeauth-etcd-'));
  const scheme = tls ? 'https' : 'http';
  const tlsArgs = [];
  if (tls) {
    const file = (name, pem) => {
      const p = join(dir, name);
      writeFileSync(p, pem, { mode: 0o600 });
      return p;
    };
    tlsArgs.push(
      `--cert-file=${file('server.crt', tls.serverCert)}`,
      `--key-file=${file('server.key', tls.serverKey)}`,
      `--trusted-ca-file=${file('ca.crt', tls.ca)}`,
      '--client-cert-auth',
    );
  }
  const token = `t${process.pid}${Date.now()}`;
  const nodes = [];
  for (let i = 0; i < members; i++)
    nodes.push({
      name: `m${i}`,
      client: (i === 0 && clientPort) || (await freePort()),
      peer: await freePort(),
      dataDir: join(dir, `m${i}`),
    });
  const initialCluster = nodes.map((n) => `${n.name}=http://127.0.0.1:${n.peer}`).join(',');
  const procs = new Array(members);
  const startMember = (i, state = 'new') => {
    const n = nodes[i];
    const child = spawn(
      etcdBin,
      [
        `--name=${n.name}`,
        `--data-dir=${n.dataDir}`,
        `--listen-client-urls=${scheme}://127.0.0.1:${n.client}`,
        `--advertise-client-urls=${scheme}://127.0.0.1:${n.client}`,
        `--listen-peer-urls=http://127.0.0.1:${n.peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${n.peer}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-state=${state}`,
        `--initial-cluster-token=${token}`,
        // Short elections keep fault tests quick; the defaults are 100 ms / 1 s.
        '--heartbeat-interval=50',
        '--election-timeout=500',
        '--log-level=error',
        ...tlsArgs,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.stderrText = () => stderr;
    procs[i] = child;
    return child;
  };
  for (let i = 0; i < members; i++) startMember(i);
  const urls = nodes.map((n) => `${scheme}://127.0.0.1:${n.client}`);
  await Promise.all(urls.map((u) => healthy(u, 20_000, tls)));
  const stopMember = async (i, signal = 'SIGTERM') => {
    const c = procs[i];
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  return {
    endpoints: urls.join(','),
    urls,
    stopMember,
    /** Restarts a stopped member with its data (it rejoins the cluster). */
    async restartMember(i) {
      startMember(i, 'existing');
      await healthy(urls[i], 20_000, tls).catch(() => undefined);
    },
    /** Lets the test process exit while the members run (they are killed by an exit hook). */
    unref() {
      for (const c of procs) {
        c?.unref();
        c?.stderr?.unref?.();
      }
    },
    /** Synchronous kill, for process-exit hooks (a test process's shared etcd). */
    killNow() {
      for (const c of procs) if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    async stop() {
      await Promise.all(nodes.map((_, i) => stopMember(i)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
