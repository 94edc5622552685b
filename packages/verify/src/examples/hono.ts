import { KubeConnection, TokenReviewer, honoKubeAuth } from '../index.js';

const reviewer = new TokenReviewer({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

// app.use('/api/*', kubeAuth); then c.get('user') / c.get('kubeAuth') in handlers.
export const kubeAuth = honoKubeAuth({ authenticator: reviewer });
