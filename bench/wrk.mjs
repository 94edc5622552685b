// wrk (C, one epoll thread) as a load generator, for the figure where the load generator's own CPU would skew the
// comparison: the proxy figure (bench/proxy.mjs), where three processes share the host on one side and two on the
// other. autocannon (bench/load.mjs) costs about as much CPU per request as the servers it loads; wrk a third of it.
import { spawn } from 'node:child_process';
import { durationMs, ensureDebianTool } from './loadgen.mjs';

/** Whether `wrk` runs here; when missing and running as root on Debian, installs it with apt-get first. */
export function ensureWrk(log = () => {}) {
  return ensureDebianTool('wrk', 'wrk', 'the HTTP/1.1 figures', log);
}

/**
 * One wrk run over HTTPS keep-alive: {port, path, headers, connections, duration (s), script (a Lua file)}. Answers what bench/load.mjs
 * answers: rps (2xx only), ok, non2xx, errors, p50ms, p99ms, secs, loadUsPerReq (wrk's own CPU per request, from
 * bash's `times` for its children).
 */
export function wrkLoad({ port, path, headers = {}, connections = 32, duration = 3, script }) {
  const args = ['-t', '1', '-c', String(connections), '-d', `${duration}s`, '--latency'];
  // A Lua script sets what headers cannot: the method and body of a POST.
  if (script) args.push('-s', script);
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(`https://127.0.0.1:${port}${path}`);
  // `times` prints the shell's own and then its children's user and system time: the second line is wrk's.
  const shell = 'wrk "$@"; s=$?; times >&2; exit $s';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', shell, 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const done = /(\d+) requests in ([0-9.]+)(us|ms|s|m),/.exec(out);
      if (code !== 0 || !done) return reject(new Error(`wrk exited ${code}: ${out}${err}`));
      const total = Number(done[1]);
      const secs = durationMs(`${done[2]}${done[3]}`) / 1000;
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = sock ? sock.slice(1, 5).reduce((a, b) => a + Number(b), 0) : 0;
      const pct = (p) => durationMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
      const times = [...err.matchAll(/(\d+)m([0-9.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const cpuSecs = times.length >= 4 ? times[2] + times[3] : NaN;
      const ok = total - non2xx;
      resolve({
        rps: ok / secs,
        ok,
        non2xx,
        errors,
        timeouts: sock ? Number(sock[4]) : 0,
        statuses: non2xx > 0 ? { '2xx': ok, other: non2xx } : { '2xx': ok },
        p50ms: pct(50),
        p99ms: pct(99),
        secs,
        loadUsPerReq: total > 0 ? (cpuSecs * 1e6) / total : 0,
      });
    });
  });
}
