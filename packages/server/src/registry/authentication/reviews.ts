// authentication.k8s.io virtual resources: TokenReview (not stored; runs the full token authenticator
// chain, as kube-apiserver does) and SelfSubjectReview (v1 plus the beta/alpha versions older kubectl asks for).
import { keptUtf8 } from '../../api/bytes.js';
import { errors } from '../../api/errors.js';
import type { KObject, UserInfo } from '../../api/types.js';
import type { Authenticator } from '../../authn/chain.js';
import type { TokenResult } from '../../authn/types.js';
import { rfc3339 } from '../meta.js';
import { virtual } from '../define.js';
import type { ResourceDef } from '../resource.js';

const group = 'authentication.k8s.io';
const pkg = 'io.k8s.api.authentication';

const needsNoEscaping = /^[A-Za-z0-9._~+/=-]*$/;

/** JSON string literal; tokens (base64url and dots) are quoted as they are. */
function jsonString(s: string): string {
  return needsNoEscaping.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** The echoed metadata of a review (never stored, so never stamped: `creationTimestamp: null`). */
function metadataJson(meta: KObject['metadata'] | undefined): string {
  if (meta === undefined || isEmpty(meta)) return '{"creationTimestamp":null}'; // the usual request has none
  return JSON.stringify({ ...meta, creationTimestamp: null });
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** user.Info as the API renders it: empty fields omitted. */
export function userInfoJson(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (u.username) out.username = u.username;
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

// Authenticators that cache one frozen user per credential get its JSON made once.
const userJson = new WeakMap<UserInfo, string>();

function userJsonOf(u: UserInfo): string {
  if (!Object.isFrozen(u)) return JSON.stringify(userInfoJson(u));
  let json = userJson.get(u);
  if (json === undefined) userJson.set(u, (json = JSON.stringify(userInfoJson(u))));
  return json;
}

export function tokenReviewResource(authn: Authenticator): ResourceDef {
  return virtual({
    group,
    version: 'v1',
    resource: 'tokenreviews',
    kind: 'TokenReview',
    schemaPackage: `${pkg}.v1`,
    create: (_ctx, body: KObject) => {
      const spec = (body.spec ?? {}) as { token?: string; audiences?: string[] | null };
      // tokenreview/storage.go writes the package name, not the group name.
      if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication');
      const audiences = spec.audiences ?? [];
      const r = authn.reviewToken(spec.token, audiences);
      if ('error' in r) return [201, `${echoJson(body, spec.token)}${JSON.stringify({ user: {}, error: r.error })}}`];
      if (audiences.length && !audiences.some((a) => r.audiences.includes(a)))
        throw errors.internal('error validating audiences');
      return [201, answer(body, spec.token, r)];
    },
  });
}

/**
 * The review up to its status, in the Go field order. The echoed token is most of the bytes, and a JWT needs no
 * escaping, so it is copied rather than run through JSON.stringify.
 */
function echoJson(body: KObject, token: string): string {
  const audiences = (body.spec as { audiences?: string[] | null }).audiences;
  let out = `{"kind":"TokenReview","apiVersion":"${group}/v1","metadata":${metadataJson(body.metadata)},"spec":{"token":${jsonString(token)}`;
  if (audiences?.length) out += `,"audiences":${JSON.stringify(audiences)}`;
  return `${out}},"status":`;
}

interface Answered {
  user: UserInfo;
  audiences: string[];
  bytes: Buffer;
}

// A frozen body is one the API server's body memo hands out for every repeat of the same review, and a frozen user
// one an authenticator's cache hands out for every review of the same token: while both stay the same (and the
// audiences the token is good for), so does the answer, kept here as the bytes to send.
const answered = new WeakMap<KObject, Answered>();

function answer(body: KObject, token: string, r: TokenResult): string | Buffer {
  const shared = Object.isFrozen(body) && Object.isFrozen(r.user);
  const last = shared ? answered.get(body) : undefined;
  if (last !== undefined && last.user === r.user && sameStrings(last.audiences, r.audiences)) return last.bytes;
  let status = `{"authenticated":true,"user":${userJsonOf(r.user)}`;
  status += r.audiences.length ? `,"audiences":${JSON.stringify(r.audiences)}}` : '}';
  const text = `${echoJson(body, token)}${status}}`;
  if (!shared) return text;
  const bytes = keptUtf8(text);
  answered.set(body, { user: r.user, audiences: [...r.audiences], bytes });
  return bytes;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function selfSubjectReviewResources(now: () => number = Date.now): ResourceDef[] {
  return (['v1', 'v1beta1', 'v1alpha1'] as const).map((version) =>
    virtual({
      group,
      version,
      resource: 'selfsubjectreviews',
      kind: 'SelfSubjectReview',
      schemaPackage: `${pkg}.${version}`,
      create: (ctx) => [
        201,
        {
          kind: 'SelfSubjectReview',
          apiVersion: `${group}/${version}`,
          metadata: { creationTimestamp: rfc3339(now()) },
          status: { userInfo: userInfoJson(ctx.user) },
        },
      ],
    }),
  );
}
