import express from 'express';
import { JwksVerifier, KubeConnection } from '../index.js';
import { expressKubeAuth } from '../entry/express.js';

const verifier = new JwksVerifier({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

export const app = express();
app.use(expressKubeAuth({ authenticator: verifier }));
app.get('/whoami', (req, res) => {
  const { user } = req.kubeAuth; // typed by the import
  res.json({ user: user.username, pod: user.extra['authentication.kubernetes.io/pod-name']?.[0] });
});
// app.listen(8080);
