// The application behind `kubeauth proxy` in the README's walkthrough: it knows nothing about Kubernetes and
// greets whoever the proxy says is calling (the X-Remote-User header, set by --auth-header-fields-enabled).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8081);
const server = createServer((req, res) => res.end(`hello ${req.headers['x-remote-user'] ?? 'nobody'}\n`));
server.listen(port, '127.0.0.1', () =>
  console.log(`hello-upstream listening on http://127.0.0.1:${server.address().port}`),
);
