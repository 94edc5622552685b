// Seed 002's first Go program, with @kubeauth/verify: an HTTP service that authenticates callers by
// TokenReview with its expected audience. Run in a Pod (or with KUBERNETES_SERVICE_HOST/PORT and
// SERVICE_ACCOUNT_DIR pointing at a projected-token directory): node examples/tokenreview-service.mjs
import { createServer } from 'node:http';
import { KubeConnection, TokenReviewer, withKubeAuth } from '@kubeauth/verify';

const audience = 'my-audience';

const connection = KubeConnection.inCluster({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
const reviewer = new TokenReviewer({ connection, audiences: [audience] });

const server = createServer(
  withKubeAuth({ authenticator: reviewer }, (req, res) => {
    const user = req.kubeAuth.user;
    console.log(user.username);
    console.log(user.groups);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ username: user.username, groups: user.groups }));
  }),
);
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
