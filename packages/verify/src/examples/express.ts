import express from 'express';
import { JwksVerifier, KubeConnection, expressKubeAuth, requireKubeAuth } from '../index.js';

const verifier = new JwksVerifier({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

export const app = express();
app.use(expressKubeAuth({ authenticator: verifier }));
app.get('/whoami', (req, res) => {
  const { user } = requireKubeAuth(req); // also on req.kubeAuth
  res.json({ user: user.username, pod: user.extra['authentication.kubernetes.io/pod-name']?.[0] });
});
// app.listen(8080);
