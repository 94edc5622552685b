import { KubeConnection, ReviewError, TokenReviewer } from '../index.js';

// Our identity needs the ClusterRole system:auth-delegator (create tokenreviews).
const reviewer = new TokenReviewer({
  connection: KubeConnection.fromEnvironment(),
  audiences: ['my-audience'], // tokens must be minted for us (kubectl create token SA --audience my-audience)
});

/** The caller's username, undefined if the token is not valid for us; throws ReviewError if the API is down. */
export async function whoIs(token: string): Promise<string | undefined> {
  try {
    const result = await reviewer.review(token); // cached: 2 min if valid (never past exp), 10 s if not
    return result.authenticated ? result.user.username : undefined;
  } catch (err) {
    if (err instanceof ReviewError) console.error(`TokenReview unavailable (${err.kind}): ${err.message}`);
    throw err; // answer 503, not 401
  }
}
