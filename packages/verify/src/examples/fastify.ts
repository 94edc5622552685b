import Fastify from 'fastify';
import { KubeConnection, TokenReviewer } from '../index.js';
import { fastifyKubeAuth } from '../entry/fastify.js';

export const app = Fastify();
await app.register(fastifyKubeAuth, {
  authenticator: new TokenReviewer({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] }),
});
app.get('/whoami', async (request) => ({ user: request.kubeAuth.user.username })); // typed by the import
// await app.listen({ port: 8080 });
