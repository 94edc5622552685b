import { JwksVerifier, KubeConnection, TokenVerificationError } from '../index.js';

// Offline: discovery + JWKS fetched once from the API server (with its CA and our token), then local RS256/ES256
// checks. Cannot see deleted pods or service accounts until the token expires: use TokenReviewer for that.
const verifier = new JwksVerifier({ connection: KubeConnection.fromEnvironment(), audiences: ['my-audience'] });

/** "namespace/pod" of the caller, or undefined for an invalid token. */
export async function callerPod(token: string): Promise<string | undefined> {
  try {
    const claims = await verifier.verify(token);
    return claims.pod ? `${claims.namespace}/${claims.pod.name}` : undefined;
  } catch (err) {
    if (err instanceof TokenVerificationError) return undefined; // err.code: ERR_JWT_EXPIRED, ...
    throw err; // ReviewError: keys could not be fetched
  }
}
