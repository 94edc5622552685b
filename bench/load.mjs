// Load generator (separate process): autocannon over HTTPS keep-alive, HTTP/1.1.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const arg = process.argv[2];
const cfg = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg);
const statuses = {};
const opts = {
  url: `https://127.0.0.1:${cfg.port}${cfg.path}`,
  connections: cfg.connections ?? 32,
  pipelining: 1,
  method: cfg.method ?? 'GET',
  headers: cfg.headers ?? {},
  timeout: 30,
  setupClient: (client) => client.on('response', (status) => (statuses[status] = (statuses[status] ?? 0) + 1)),
};
if (cfg.amount) opts.amount = cfg.amount;
else opts.duration = cfg.duration ?? 10;
if (cfg.bodies) {
  let i = 0;
  const bodies = cfg.bodies;
  opts.requests = [
    {
      method: opts.method,
      path: cfg.path,
      setupRequest: (req) => {
        req.body = bodies[i++ % bodies.length];
        return req;
      },
    },
  ];
} else {
  opts.path = cfg.path;
  if (cfg.body) opts.body = cfg.body;
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const r = await autocannon(opts);
const cpu = process.cpuUsage(cpu0);
const secs = (performance.now() - t0) / 1000;
const total = r['2xx'] + r.non2xx;
console.log(
  JSON.stringify({
    rps: cfg.amount ? r['2xx'] / secs : r['2xx'] / r.duration,
    statuses,
    total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    secs,
    // The load generator's own CPU (user + system) per completed request: it shares the host with the servers.
    loadUsPerReq: total > 0 ? (cpu.user + cpu.system) / total : 0,
  }),
);
