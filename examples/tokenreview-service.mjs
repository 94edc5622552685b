// An HTTP service that authenticates callers by TokenReview with its expected audience, with
// @kubeauth/verify. How to run it locally and in a Pod: examples/README.md.
import { createServer } from 'node:http';
import { KubeConnection, TokenReviewer, withKubeAuth } from '@kubeauth/verify';

const audience = 'my-audience';

// KUBECONFIG when set (a local `npm start`), else the Pod's service account (in a cluster); see README.md here.
let connection;
try {
  connection = KubeConnection.fromEnvironment({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
} catch (e) {
  console.error(
    `Error: ${e.message}\nset KUBECONFIG (e.g. export KUBECONFIG=$PWD/.kubeauth/admin.kubeconfig) or run in a Pod`,
  );
  process.exit(1);
}
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
