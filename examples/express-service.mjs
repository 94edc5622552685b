// An Express 5 service: callers authenticated by TokenReview (tokens for `my-audience` only), then authorized by a
// SubjectAccessReview on a custom resource named by the route (`get widgets.example.com <name>`). Our identity needs
// the ClusterRole system:auth-delegator. Run in a Pod (or with KUBERNETES_SERVICE_HOST/PORT and SERVICE_ACCOUNT_DIR
// pointing at a projected-token directory): node examples/express-service.mjs
import express from 'express';
import { AccessReviewer, KubeConnection, TokenReviewer, accessReviewAuthorizer } from '@kubeauth/verify';
import { expressKubeAuth } from '@kubeauth/verify/express';

const connection = KubeConnection.inCluster({ serviceAccountDir: process.env.SERVICE_ACCOUNT_DIR });
const reviewer = new TokenReviewer({ connection, audiences: 'my-audience' });
const access = new AccessReviewer({ connection });

const app = express();
app.get(
  '/widgets/:name',
  expressKubeAuth({
    authenticator: reviewer,
    // The route's parameters, not a regular expression over the path.
    authorize: accessReviewAuthorizer(access, (_user, req) => ({
      resourceAttributes: {
        verb: 'get',
        group: 'example.com',
        resource: 'widgets',
        namespace: 'my-namespace',
        name: req.params.name,
      },
    })),
  }),
  (req, res) => {
    res.json({ widget: req.params.name, user: req.kubeAuth.user.username });
  },
);
const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
