// Validation of a verified bound (TokenRequest / projected) token, in kube-apiserver's order and words
// (spec §1.5): go-jose time checks with a 60 s leeway, then the live objects it names. Reads go through the
// watch cache every time, so a deletion is seen immediately; nothing here is cached.
import type { KObject } from '../api/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { BoundPrivateClaims, PublicClaims } from './claims.js';
import type { ServiceAccountInfo } from './user.js';

/** go-jose's jwt.DefaultLeeway, also used as the grace period for deleted objects. */
export const leewayMs = 60_000;

export interface BoundValidation {
  info: ServiceAccountInfo;
  /** Audit annotations (`authentication.k8s.io/stale-token` past the warnafter threshold). */
  annotations: Record<string, string>;
}

const invalidated = 'service account token has been invalidated';

/** Timestamps are RFC 3339; an unparseable one counts as not deleted rather than failing open elsewhere. */
function deletedBefore(o: KObject, limitMs: number): boolean {
  const ts = o.metadata.deletionTimestamp;
  if (!ts) return false;
  const t = Date.parse(ts);
  return Number.isFinite(t) && t < limitMs;
}

/** The go-jose `Validate` step: nbf, then exp, then iat (go-jose's order), all with the leeway. */
export function checkTimes(pub: PublicClaims, nowMs: number): string | undefined {
  if (pub.nbf !== undefined && nowMs + leewayMs < pub.nbf * 1000) return 'service account token is not valid yet';
  if (pub.exp !== undefined && nowMs - leewayMs > pub.exp * 1000) return 'service account token has expired';
  if (pub.iat !== undefined && nowMs + leewayMs < pub.iat * 1000)
    return 'service account token is issued in the future';
  return undefined;
}

export function validateBoundToken(
  pub: PublicClaims,
  priv: BoundPrivateClaims,
  lookup: ObjectLookup,
  nowMs: number,
): BoundValidation | { error: string } {
  const timeError = checkTimes(pub, nowMs);
  if (timeError) return { error: timeError };

  const limit = nowMs - leewayMs;
  const ns = priv.namespace;
  const saRef = priv.serviceaccount;
  const sa = lookup.get('', 'serviceaccounts', ns, saRef.name);
  // kube returns the live GET's NotFound verbatim.
  if (!sa) return { error: `serviceaccounts "${saRef.name}" not found` };
  const saUid = sa.metadata.uid ?? '';
  if (saUid !== saRef.uid) return { error: `service account UID (${saUid}) does not match claim (${saRef.uid})` };
  if (deletedBefore(sa, limit)) return { error: `service account ${ns}/${saRef.name} has been deleted` };

  if (priv.secret) {
    const secret = lookup.get('', 'secrets', ns, priv.secret.name);
    if (!secret) return { error: invalidated };
    const uid = secret.metadata.uid ?? '';
    if (uid !== priv.secret.uid)
      return { error: `secret UID (${uid}) does not match service account secret ref claim (${priv.secret.uid})` };
    if (deletedBefore(secret, limit)) return { error: invalidated };
  }

  const info: ServiceAccountInfo = { namespace: ns, name: saRef.name, uid: saRef.uid };
  if (priv.pod) {
    const pod = lookup.get('', 'pods', ns, priv.pod.name);
    if (!pod) return { error: invalidated };
    const uid = pod.metadata.uid ?? '';
    if (uid !== priv.pod.uid)
      return { error: `pod UID (${uid}) does not match service account pod ref claim (${priv.pod.uid})` };
    if (deletedBefore(pod, limit)) return { error: invalidated };
    info.podName = priv.pod.name;
    info.podUID = priv.pod.uid;
  }

  if (priv.node) {
    if (!priv.pod) {
      // Node-bound token: the node itself must still be there. (Pod-bound tokens only carry node info.)
      const node = lookup.get('', 'nodes', '', priv.node.name);
      if (!node) return { error: invalidated };
      const uid = node.metadata.uid ?? '';
      if (uid !== priv.node.uid)
        return { error: `node UID (${uid}) does not match service account node ref claim (${priv.node.uid})` };
      if (deletedBefore(node, limit)) return { error: invalidated };
    }
    info.nodeName = priv.node.name;
    info.nodeUID = priv.node.uid;
  }

  const annotations: Record<string, string> = {};
  if (priv.warnafter && nowMs > priv.warnafter * 1000) {
    const late = Math.floor(nowMs / 1000) - priv.warnafter;
    annotations['authentication.k8s.io/stale-token'] = `subject: ${pub.sub}, seconds after warning threshold: ${late}`;
  }
  if (pub.jti) info.credentialId = `JTI=${pub.jti}`;
  return { info, annotations };
}
