import { KubeConnection, TokenReviewer } from '../index.js';
import { honoKubeAuth } from '../entry/hono.js';

const reviewer = new TokenReviewer({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

// app.use('/api/*', kubeAuth); then c.get('kubeAuth').user in handlers (typed by the import).
export const kubeAuth = honoKubeAuth({ authenticator: reviewer });
