// A Fastify 5 service verifying callers offline (OIDC discovery + JWKS, tokens for `my-audience` only), made
// revocation-aware by a RevocationFeed: a caller whose ServiceAccount is deleted is refused within a second, without
// a TokenReview per request. Our identity needs `list` and `watch` on serviceaccounts, pods and nodes.
// Run like examples/express-service.mjs: node examples/fastify-service.mjs
import Fastify from 'fastify';
import { JwksVerifier, KubeConnection, RevocationFeed } from '@kubeauth/verify';
import { fastifyKubeAuth } from '@kubeauth/verify/fastify';

const connection = KubeConnection.inCluster({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
const revocation = new RevocationFeed({
  connection,
  onError: (err, kind) => console.error(`revocation feed (${kind}): ${err.message}`),
});
const verifier = new JwksVerifier({ connection, audiences: 'my-audience', revocation });

const app = Fastify();
await app.register(fastifyKubeAuth, { authenticator: verifier });
app.get('/', async (request) => ({
  username: request.kubeAuth.user.username,
  pod: request.kubeAuth.claims?.pod?.name ?? null,
}));
await revocation.ready();
await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' });
console.log(`listening on ${app.server.address().port}`);
