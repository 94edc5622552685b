// The floor: a bare node server on the same TLS certificate and key answering every request with fixed bytes.
// `protocol: 'h1'` (default) is node:https (HTTP/1.1); `'h2'` is node:http2 (ALPN h2 only).
import http2 from 'node:http2';
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
  // The same request/response API on both protocols (node:https for HTTP/1.1, node:http2's compatibility API for
  // HTTP/2), as kubeauth uses it, and nothing else: no routing, no parsing, fixed bytes.
  const answer = (req, res) => {
    req.resume();
    req.on('end', () => {
      for (const [n, v] of headers) res.setHeader(n, v);
      if (!res.hasHeader('content-length')) res.setHeader('content-length', body.length);
      res.writeHead(cfg.status);
      res.end(body);
    });
  };
  const srv =
    cfg.protocol === 'h2'
      ? http2.createSecureServer({ cert: cfg.cert, key: cfg.key }, answer)
      : https.createServer({ cert: cfg.cert, key: cfg.key, keepAliveTimeout: 60_000 }, answer);
  srv.listen(0, '127.0.0.1', () => console.log(`floor on ${srv.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
});
