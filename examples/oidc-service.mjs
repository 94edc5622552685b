// Seed 002's second Go program (go-oidc), with @kubeauth/verify: verifies callers' tokens offline from the
// cluster's OIDC discovery document and JWKS, fetched with the Pod's CA and its own token (no TokenReview,
// no extra RBAC). Offline verification cannot see revocation: see packages/verify/README.md.
import { createServer } from 'node:http';
import { JwksVerifier, KubeConnection, withKubeAuth } from '@kubeauth/verify';

const audience = 'my-audience';

const connection = KubeConnection.inCluster({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
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
