// The floor: a bare node:https server (same cert/key) answering every request with fixed bytes.
import https from 'node:https';

let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const cfg = JSON.parse(input);
  const body = Buffer.from(cfg.body, 'base64');
  // Same header names/values as captured from kubeauth (content-length recomputed identically).
  const headers = [];
  for (let i = 0; i < cfg.headers.length; i += 2) {
    const n = cfg.headers[i].toLowerCase();
    if (n === 'connection' || n === 'keep-alive' || n === 'transfer-encoding' || n === 'date') continue;
    headers.push([cfg.headers[i], cfg.headers[i + 1]]);
  }
  const srv = https.createServer({ cert: cfg.cert, key: cfg.key, keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      for (const [n, v] of headers) res.setHeader(n, v);
      if (!res.hasHeader('content-length')) res.setHeader('content-length', body.length);
      res.writeHead(cfg.status);
      res.end(body);
    });
  });
  srv.listen(0, '127.0.0.1', () => console.log(`floor on ${srv.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
});
