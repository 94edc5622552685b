// A Hono app (a fetch handler) authenticating callers by TokenReview (tokens for `my-audience` only), served here
// by node:http; the same `app.fetch` runs on Bun, Deno or a worker. Our identity needs system:auth-delegator.
// Run like examples/express-service.mjs: node examples/hono-service.mjs
import { createServer } from 'node:http';
import { Hono } from 'hono';
import { KubeConnection, TokenReviewer } from '@kubeauth/verify';
import { honoKubeAuth } from '@kubeauth/verify/hono';

const connection = KubeConnection.inCluster({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
const reviewer = new TokenReviewer({ connection, audiences: 'my-audience' });

const app = new Hono();
app.use('*', honoKubeAuth({ authenticator: reviewer, ignorePaths: ['/healthz'] }));
app.get('/healthz', (c) => c.text('ok'));
app.get('/', (c) => c.json({ username: c.get('kubeAuth').user.username }));

// node:http → fetch Request → node:http (GET only: this service takes no bodies).
const server = createServer(async (req, res) => {
  const response = await app.fetch(
    new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers: req.headers }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
