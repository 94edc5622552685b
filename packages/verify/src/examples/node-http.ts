import { createServer } from 'node:http';
import { AccessReviewer, KubeConnection, TokenReviewer, accessReviewAuthorizer, withKubeAuth } from '../index.js';

const connection = KubeConnection.fromEnvironment();

export const server = createServer(
  withKubeAuth(
    {
      authenticator: new TokenReviewer({ connection, audiences: ['my-audience'] }),
      // Optional: RBAC decides, via SubjectAccessReview on the request path (nonResourceURLs), e.g. "get /metrics".
      authorize: accessReviewAuthorizer(new AccessReviewer({ connection })),
    },
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ user: req.kubeAuth.user.username, groups: req.kubeAuth.user.groups }));
    },
  ),
);
// server.listen(8080);
