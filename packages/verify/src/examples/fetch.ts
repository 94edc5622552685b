import { KubeConnection, TokenReviewer } from '../index.js';
import { fetchKubeAuth } from '../entry/fetch.js';

const reviewer = new TokenReviewer({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

// Next.js app router (app/api/whoami/route.ts), or any (Request) => Response server.
export const GET = fetchKubeAuth({ authenticator: reviewer }, (request, { user }) =>
  Response.json({ user: user.username }),
);
