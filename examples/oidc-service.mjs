// With @kubeauth/verify: verifies callers' tokens offline from the
// cluster's OIDC discovery document and JWKS, fetched with the Pod's CA and its own token (no TokenReview,
// no extra RBAC). Offline verification cannot see revocation: see packages/verify/README.md. How to run it:
// examples/README.md.
import { createServer } from 'node:http';
import { JwksVerifier, KubeConnection, withKubeAuth } from '@kubeauth/verify';

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
const verifier = new JwksVerifier({ connection, audiences: [audience] });

const server = createServer(
  withKubeAuth({ authenticator: verifier }, (req, res) => {
    const user = req.kubeAuth.user;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ username: user.username, groups: user.groups }));
  }),
);
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
