import Fastify from 'fastify';
import { KubeConnection, TokenReviewer, fastifyKubeAuth, requireKubeAuth } from '../index.js';

export const app = Fastify();
await app.register(fastifyKubeAuth, {
  authenticator: new TokenReviewer({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] }),
});
app.get('/whoami', async (request) => ({ user: requireKubeAuth(request).user.username }));
// await app.listen({ port: 8080 });
