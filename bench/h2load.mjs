// h2load (nghttp2's C load generator, Debian package `nghttp2-client`) for the HTTP/2 figures: kubectl and
// client-go speak HTTP/2, multiplexing requests on few connections. wrk (bench/wrk.mjs) gives the HTTP/1.1 figures.
import { spawn } from 'node:child_process';
import { durationMs, ensureDebianTool } from './loadgen.mjs';

/** Whether `h2load` runs here; when missing and running as root on Debian, installs it with apt-get first. */
export function ensureH2load(log = () => {}) {
  return ensureDebianTool('h2load', 'nghttp2-client', 'the HTTP/2 figures', log);
}

/**
 * One h2load run over TLS (ALPN h2): {port, path, headers, clients, streams (concurrent per connection),
 * duration (s), data (a file whose bytes are POSTed; the method is then POST)}. Answers what bench/wrk.mjs answers:
 * rps (2xx only), ok, non2xx, errors, p50ms (mean time per request: h2load prints no percentiles), secs,
 * loadUsPerReq (h2load's own CPU per request, from bash's `times`).
 */
export function h2loadRun({ port, path, headers = {}, clients = 8, streams = 4, duration = 3, data }) {
  const args = ['-t', '1', '-c', String(clients), '-m', String(streams), '-D', String(duration)];
  if (data) args.push('-d', data);
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(`https://127.0.0.1:${port}${path}`);
  const shell = 'h2load "$@"; s=$?; times >&2; exit $s';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', shell, 'h2load', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const fin = /finished in ([0-9.]+)(us|ms|s|m), ([0-9.]+) req\/s/.exec(out);
      const reqs =
        /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
          out,
        );
      const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
      if (code !== 0 || !fin || !reqs || !codes) return reject(new Error(`h2load exited ${code}: ${out}${err}`));
      if (!/Application protocol: h2/.test(out)) return reject(new Error(`h2load did not negotiate h2: ${out}`));
      const secs = durationMs(`${fin[1]}${fin[2]}`) / 1000;
      const ok = Number(codes[1]);
      const done = Number(reqs[3]);
      const non2xx = Number(codes[2]) + Number(codes[3]) + Number(codes[4]);
      const errors = Number(reqs[6]) + Number(reqs[7]);
      const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1];
      const times = [...err.matchAll(/(\d+)m([0-9.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const cpuSecs = times.length >= 4 ? times[2] + times[3] : NaN;
      resolve({
        rps: ok / secs,
        ok,
        non2xx,
        errors,
        statuses: non2xx > 0 ? { '2xx': ok, other: non2xx } : { '2xx': ok },
        p50ms: mean ? durationMs(mean) : NaN,
        secs,
        loadUsPerReq: done > 0 ? (cpuSecs * 1e6) / done : 0,
      });
    });
  });
}
