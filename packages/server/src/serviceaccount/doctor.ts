// The token doctor: what a pasted JWT is and why a server would or would not accept it. The header and claims
// decoded; which verification key checks its signature (or why none does: unknown kid, no key fits); the
// issuer, audience and time checks spelled out; the objects a bound token names compared with the live ones
// (deleted, recreated); what TokenReview answers for the given audiences; and the kubectl command that mints a
// token that would pass. Nothing is stored: the token lives for the length of the call.
import type { UserInfo } from '../api/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import { leewayMs } from './bound-validator.js';
import { decodeBoundPrivateClaims, decodeLegacyPrivateClaims, decodePublicClaims, legacyIssuer } from './claims.js';
import { parseCompact, verifyJws } from './jwt.js';
import type { KeySet } from './keys.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface DoctorCheck {
  /** signature, issuer, audience, expiry, notBefore, serviceAccount, boundObject, secret. */
  id: string;
  status: CheckStatus;
  message: string;
}

export interface TokenReviewAnswer {
  authenticated: boolean;
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}

export interface TokenDiagnosis {
  /** Whether the text is a compact JWS at all. */
  jwt: boolean;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** bound (TokenRequest / projected), legacy (Secret-based) or foreign (another issuer's). */
  kind?: 'bound' | 'legacy' | 'foreign';
  /** The verification key whose signature check passed. */
  verifiedBy?: { kid: string; alg: string };
  checks: DoctorCheck[];
  /** What TokenReview answers for the requested audiences (none: the server's API audiences). */
  tokenReview: TokenReviewAnswer;
  requestedAudiences: string[];
  /** A kubectl command that mints a token that passes (undefined when the token is not a ServiceAccount's). */
  kubectl?: string;
}

export interface DoctorOptions {
  token: string;
  /** The audiences the token is meant for (TokenReview spec.audiences); empty: the API audiences. */
  audiences: string[];
  keys: KeySet;
  /** The bound issuers accepted (--service-account-issuer). */
  issuers: readonly string[];
  apiAudiences: readonly string[];
  /** The live objects a bound token names; absent when the cluster's objects cannot be read here. */
  lookup?: ObjectLookup;
  now: () => number;
  review: (token: string, audiences: string[]) => TokenReviewAnswer | Promise<TokenReviewAnswer>;
}

const when = (seconds: number) => new Date(seconds * 1000).toISOString();

function ago(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export async function diagnoseToken(o: DoctorOptions): Promise<TokenDiagnosis> {
  const token = o.token.trim().replace(/^Bearer\s+/i, '');
  const requested = o.audiences.length ? [...o.audiences] : [...o.apiAudiences];
  const checks: DoctorCheck[] = [];
  const tokenReview = await o.review(token, o.audiences);
  const jws = parseCompact(token);
  if (!jws) {
    checks.push({
      id: 'format',
      status: 'fail',
      message: 'not a compact JWT (three base64url segments, a JSON header and a JSON claims object)',
    });
    return { jwt: false, checks, tokenReview, requestedAudiences: requested };
  }
  const out: TokenDiagnosis = {
    jwt: true,
    header: jws.header,
    claims: jws.payload,
    checks,
    tokenReview,
    requestedAudiences: requested,
  };
  const iss = typeof jws.payload.iss === 'string' ? jws.payload.iss : '';
  const kind = iss === legacyIssuer ? 'legacy' : o.issuers.includes(iss) ? 'bound' : 'foreign';
  out.kind = kind;

  // Issuer.
  if (kind === 'foreign')
    checks.push({
      id: 'issuer',
      status: 'fail',
      message:
        `wrong issuer: the token's iss is ${JSON.stringify(iss)}; this server's ServiceAccount issuers are ` +
        `${o.issuers.map((i) => JSON.stringify(i)).join(', ')} (and ${JSON.stringify(legacyIssuer)} for legacy ` +
        'Secret tokens). Another issuer (OIDC) may still accept it.',
    });
  else
    checks.push({
      id: 'issuer',
      status: 'pass',
      message:
        kind === 'legacy'
          ? `legacy Secret-based token (iss ${JSON.stringify(legacyIssuer)})`
          : `issued by ${JSON.stringify(iss)}, one of this server's --service-account-issuer values`,
    });

  // Signature.
  const all = o.keys.all();
  const candidates = o.keys.get(jws.kid);
  if (!candidates.length) {
    checks.push({
      id: 'signature',
      status: 'fail',
      message: all.length
        ? `unknown kid ${JSON.stringify(jws.kid)}: no verification key has it (known: ${[...new Set(all.map((k) => k.kid))].join(', ')}); ` +
          'the token was signed by another cluster or a key that was rotated out'
        : 'no verification keys are known',
    });
  } else {
    const ok = candidates.find((k) => verifyJws(jws, k) === undefined);
    if (ok) {
      out.verifiedBy = { kid: ok.kid, alg: ok.alg };
      checks.push({ id: 'signature', status: 'pass', message: `verified by key ${ok.kid} (${jws.alg})` });
    } else
      checks.push({
        id: 'signature',
        status: 'fail',
        message:
          `the signature does not verify with ${jws.kid ? `key ${jws.kid}` : `any of the ${candidates.length} keys`} ` +
          `(alg ${JSON.stringify(jws.alg)}): the token was altered, or signed by a different key with the same kid`,
      });
  }

  const pub = decodePublicClaims(jws.payload);
  if ('error' in pub) {
    checks.push({ id: 'claims', status: 'fail', message: `claims do not decode: ${pub.error}` });
    return out;
  }

  // Audience.
  const tokenAuds = pub.aud.length ? pub.aud : [...o.apiAudiences];
  const matching = requested.filter((a) => tokenAuds.includes(a));
  if (kind !== 'foreign') {
    if (matching.length || o.apiAudiences.length === 0)
      checks.push({
        id: 'audience',
        status: 'pass',
        message: `${pub.aud.length ? 'token audiences' : 'no aud claim: the API audiences'} ${JSON.stringify(tokenAuds)} include ${JSON.stringify(matching)}`,
      });
    else
      checks.push({
        id: 'audience',
        status: 'fail',
        message: `audience mismatch: the token is for ${JSON.stringify(tokenAuds)}, the request wants one of ${JSON.stringify(requested)}`,
      });
  }

  // Times (go-jose's 60 s leeway).
  const now = o.now();
  if (pub.exp !== undefined) {
    const left = pub.exp * 1000 - now;
    checks.push(
      now - leewayMs > pub.exp * 1000
        ? { id: 'expiry', status: 'fail', message: `expired at ${when(pub.exp)}, ${ago(left)} ago` }
        : { id: 'expiry', status: 'pass', message: `expires at ${when(pub.exp)}, in ${ago(left)}` },
    );
  } else checks.push({ id: 'expiry', status: kind === 'legacy' ? 'pass' : 'warn', message: 'no exp: never expires' });
  if (pub.nbf !== undefined && now + leewayMs < pub.nbf * 1000)
    checks.push({
      id: 'notBefore',
      status: 'fail',
      message: `not yet valid: nbf is ${when(pub.nbf)}, in ${ago(pub.nbf * 1000 - now)} (clock skew between issuer and server?)`,
    });
  else if (pub.nbf !== undefined)
    checks.push({ id: 'notBefore', status: 'pass', message: `valid since ${when(pub.nbf)}` });

  let sa: { namespace: string; name: string } | undefined;
  let boundPod: string | undefined;
  if (kind === 'bound') {
    const priv = decodeBoundPrivateClaims(jws.payload);
    if ('error' in priv) checks.push({ id: 'claims', status: 'fail', message: priv.error });
    else {
      sa = { namespace: priv.namespace, name: priv.serviceaccount.name };
      const l = o.lookup;
      if (!l) checks.push({ id: 'serviceAccount', status: 'skip', message: 'objects not readable here' });
      else {
        const live = l.get('', 'serviceaccounts', priv.namespace, priv.serviceaccount.name);
        checks.push(
          !live
            ? {
                id: 'serviceAccount',
                status: 'fail',
                message: `ServiceAccount ${priv.namespace}/${priv.serviceaccount.name} was deleted`,
              }
            : live.metadata.uid !== priv.serviceaccount.uid
              ? {
                  id: 'serviceAccount',
                  status: 'fail',
                  message: `ServiceAccount ${priv.namespace}/${priv.serviceaccount.name} was recreated: uid now ${live.metadata.uid}, the token names ${priv.serviceaccount.uid}`,
                }
              : {
                  id: 'serviceAccount',
                  status: 'pass',
                  message: `ServiceAccount ${priv.namespace}/${priv.serviceaccount.name} exists (uid ${priv.serviceaccount.uid})`,
                },
        );
        const bound: Array<[string, string, string, { name: string; uid: string } | undefined]> = [
          ['Pod', 'pods', priv.namespace, priv.pod],
          ['Secret', 'secrets', priv.namespace, priv.secret],
          ['Node', 'nodes', '', priv.pod ? undefined : priv.node],
        ];
        for (const [k, resource, ns, ref] of bound) {
          if (!ref) continue;
          const obj = l.get('', resource, ns, ref.name);
          const name = ns ? `${ns}/${ref.name}` : ref.name;
          checks.push(
            !obj
              ? { id: 'boundObject', status: 'fail', message: `bound ${k} ${name} was deleted: the token died with it` }
              : obj.metadata.uid !== ref.uid
                ? {
                    id: 'boundObject',
                    status: 'fail',
                    message: `bound ${k} ${name} was deleted and recreated: uid now ${obj.metadata.uid}, the token names ${ref.uid}`,
                  }
                : obj.metadata.deletionTimestamp
                  ? {
                      id: 'boundObject',
                      status: 'warn',
                      message: `bound ${k} ${name} is being deleted (since ${obj.metadata.deletionTimestamp})`,
                    }
                  : { id: 'boundObject', status: 'pass', message: `bound ${k} ${name} exists (uid ${ref.uid})` },
          );
        }
      }
      if (priv.pod) boundPod = priv.pod.name;
    }
  } else if (kind === 'legacy') {
    const priv = decodeLegacyPrivateClaims(jws.payload);
    if ('error' in priv) checks.push({ id: 'claims', status: 'fail', message: priv.error });
    else {
      sa = { namespace: priv.namespace, name: priv.serviceAccountName };
      const l = o.lookup;
      if (l) {
        const secret = l.get('', 'secrets', priv.namespace, priv.secretName);
        checks.push(
          secret
            ? { id: 'secret', status: 'pass', message: `Secret ${priv.namespace}/${priv.secretName} exists` }
            : { id: 'secret', status: 'fail', message: `Secret ${priv.namespace}/${priv.secretName} was deleted` },
        );
        const live = l.get('', 'serviceaccounts', priv.namespace, priv.serviceAccountName);
        checks.push(
          !live
            ? { id: 'serviceAccount', status: 'fail', message: `ServiceAccount ${sa.namespace}/${sa.name} was deleted` }
            : live.metadata.uid !== priv.serviceAccountUID
              ? {
                  id: 'serviceAccount',
                  status: 'fail',
                  message: `ServiceAccount ${sa.namespace}/${sa.name} was recreated: uid now ${live.metadata.uid}, the token names ${priv.serviceAccountUID}`,
                }
              : { id: 'serviceAccount', status: 'pass', message: `ServiceAccount ${sa.namespace}/${sa.name} exists` },
        );
      }
    }
  } else {
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(pub.sub);
    if (m) sa = { namespace: m[1]!, name: m[2]! };
  }

  if (sa && sa.name && sa.namespace) {
    const parts = ['kubectl', 'create', 'token', sa.name, '-n', sa.namespace];
    // The audiences the caller asked for, unless they are the API audiences (kubectl's default).
    const auds = o.audiences.length ? o.audiences : [];
    for (const a of auds) parts.push(`--audience=${a}`);
    if (pub.exp !== undefined && pub.iat !== undefined && pub.exp > pub.iat) {
      const d = pub.exp - pub.iat;
      if (d !== 3600) parts.push(`--duration=${d % 3600 === 0 ? `${d / 3600}h` : `${d}s`}`);
    }
    const podOk = boundPod && !checks.some((c) => c.id === 'boundObject' && c.status === 'fail');
    if (podOk) parts.push('--bound-object-kind=Pod', `--bound-object-name=${boundPod}`);
    out.kubectl = parts.map(shellQuote).join(' ');
  }
  return out;
}

const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
