// POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token (spec §2): pure processing of a TokenRequest,
// in kube-apiserver's order — URL/body match, ServiceAccount, defaults, validation, bound object, max
// expiration cap, the 3607-second extension — then claims, signature and the echoed TokenRequest.
import { randomUUID } from 'node:crypto';
import { errors } from '../api/errors.js';
import { invalid, type FieldError } from '../api/field.js';
import { setKey } from '../api/ownkeys.js';
import type { KObject } from '../api/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import { boundClaims, expirationExtensionSeconds, warnOnlyBoundTokenExpirationSeconds } from './claims.js';
import { signJwt, signJwtAsync } from './jwt.js';
import type { SigningKey } from './keys.js';
import { decodeTokenRequest, type BoundObjectRef, type TokenRequestBody } from './tokenrequest-body.js';
import { goQuote } from '../gocompat/quote.js';

export const defaultExpirationSeconds = 3600;
const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;
const tokenRequestKind = { group: 'authentication.k8s.io', kind: 'TokenRequest' };

export interface IssueTokenInput {
  namespace: string;
  name: string;
  body: unknown;
  lookup: ObjectLookup;
  signer: SigningKey;
  /** The first --service-account-issuer. */
  issuer: string;
  apiAudiences: readonly string[];
  /** --service-account-max-token-expiration in seconds (undefined or 0: no cap). */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration. */
  extendExpiration: boolean;
  /** Clock, epoch milliseconds. */
  now?: number;
}

export interface IssuedToken {
  /** The TokenRequest to answer with (201). */
  response: Record<string, unknown>;
  /** Warning header texts. */
  warnings: string[];
  /** `JTI=<jti>`: the `authentication.kubernetes.io/issued-credential-id` audit annotation. */
  credentialId: string;
}

/** RFC 3339 in UTC with whole seconds, as metav1.Time marshals. */
export function rfc3339(seconds: number): string {
  // A busy TokenRequest path formats the same few seconds over and over: keep the last two.
  if (seconds === lastTimes[0]) return lastTimes[1];
  if (seconds === lastTimes[2]) return lastTimes[3];
  const text = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  lastTimes = [seconds, text, lastTimes[0], lastTimes[1]];
  return text;
}
let lastTimes: [number, string, number, string] = [NaN, '', NaN, ''];

interface Binding {
  pod?: KObject;
  secret?: KObject;
  node?: { name: string; uid?: string };
}

/** Go's schema.FromAPIVersionAndKind group: a malformed apiVersion counts as the empty group and version. */
function groupVersion(apiVersion: string): [group: string, version: string] {
  if (apiVersion === '' || apiVersion === '/') return ['', ''];
  const parts = apiVersion.split('/');
  if (parts.length === 1) return ['', apiVersion];
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  return ['', ''];
}

function getOrNotFound(lookup: ObjectLookup, resource: string, namespace: string, name: string): KObject {
  // A nameless GET is refused by the registry before any lookup.
  if (!name) throw errors.badRequest('Name parameter required.');
  const o = lookup.get('', resource, namespace, name);
  if (!o) throw errors.notFound({ group: '', resource }, name);
  return o;
}

function resolveBinding(ref: BoundObjectRef, namespace: string, saName: string, lookup: ObjectLookup): Binding {
  const [group, version] = groupVersion(ref.apiVersion);
  const core = group === '';
  let b: Binding;
  let uid: string;
  if (core && ref.kind === 'Pod') {
    const pod = getOrNotFound(lookup, 'pods', namespace, ref.name);
    const spec = (pod.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if ((spec.serviceAccountName ?? '') !== saName)
      throw errors.badRequest(
        `cannot bind token for serviceaccount ${goQuote(saName)} to pod running with different serviceaccount name.`,
      );
    b = { pod };
    if (spec.nodeName) {
      // A scheduled pod's token names its node too; a vanished Node leaves just the name.
      const node = lookup.get('', 'nodes', '', spec.nodeName);
      b.node = node ? { name: spec.nodeName, uid: node.metadata.uid } : { name: spec.nodeName };
    }
    uid = pod.metadata.uid ?? '';
  } else if (core && ref.kind === 'Node') {
    const node = getOrNotFound(lookup, 'nodes', '', ref.name);
    b = { node: { name: node.metadata.name ?? ref.name, uid: node.metadata.uid } };
    uid = node.metadata.uid ?? '';
  } else if (core && ref.kind === 'Secret') {
    const secret = getOrNotFound(lookup, 'secrets', namespace, ref.name);
    b = { secret };
    uid = secret.metadata.uid ?? '';
  } else {
    throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind}`);
  }
  if (ref.uid && ref.uid !== uid)
    throw errors.conflict(
      { group: '', resource: ref.kind },
      ref.name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  return b;
}

function validateExpiration(seconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (seconds < minExpirationSeconds)
    errs.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > maxExpirationSeconds)
    errs.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

/** Checks the request and builds the claims; the caller signs them (sync or on the thread pool) and finishes. */
function prepareToken(input: IssueTokenInput): { claims: object; finish: (token: string) => IssuedToken } {
  const { namespace, name, lookup } = input;
  if (!namespace) throw errors.badRequest('namespace is required');
  const req = decodeTokenRequest(input.body);
  const meta = req.metadata;
  if (meta.name && meta.name !== name)
    throw errors.invalid(tokenRequestKind, name, [
      invalid('metadata.name', meta.name, 'must match the service account name if specified'),
    ]);
  if (meta.namespace && meta.namespace !== namespace)
    throw errors.invalid(tokenRequestKind, name, [
      invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified'),
    ]);

  const sa = lookup.get('', 'serviceaccounts', namespace, name);
  if (!sa) throw errors.notFound({ group: '', resource: 'serviceaccounts' }, name);

  const audiences = req.audiences && req.audiences.length ? req.audiences : [...input.apiAudiences];
  const nowMs = input.now ?? Date.now();
  const now = Math.floor(nowMs / 1000);
  let expirationSeconds = req.expirationSeconds ?? defaultExpirationSeconds;

  const invalidErrs = validateExpiration(expirationSeconds);
  if (invalidErrs.length) throw errors.invalid(tokenRequestKind, '', invalidErrs);

  const binding = req.boundObjectRef ? resolveBinding(req.boundObjectRef, namespace, name, lookup) : {};

  const warnings: string[] = [];
  const cap = input.maxExpirationSeconds ?? 0;
  if (cap > 0 && expirationSeconds > cap) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${cap} seconds`);
    expirationSeconds = cap;
  }

  // Projected tokens (pod-bound, kubelet's 3607 s, API audiences only) live a year but warn after 3607 s.
  const apiAuds = new Set(input.apiAudiences);
  let exp = expirationSeconds;
  let warnAfter: number | undefined;
  if (
    input.extendExpiration &&
    binding.pod &&
    expirationSeconds === warnOnlyBoundTokenExpirationSeconds &&
    audiences.every((a) => apiAuds.has(a))
  ) {
    warnAfter = expirationSeconds;
    exp = expirationExtensionSeconds;
  }

  const jti = randomUUID();
  const claims = boundClaims({
    issuer: input.issuer,
    serviceAccount: sa,
    ...binding,
    audiences,
    expirationSeconds: exp,
    warnAfterSeconds: warnAfter,
    now,
    jti,
  });
  return {
    claims,
    finish: (token) => ({
      response: responseObject(req, { name, namespace, now, audiences, expirationSeconds, token }),
      warnings,
      credentialId: `JTI=${jti}`,
    }),
  };
}

/** A TokenRequest answered in full, signing on the calling thread. Throws StatusErrors. */
export function issueToken(input: IssueTokenInput): IssuedToken {
  const { claims, finish } = prepareToken(input);
  return finish(signJwt(input.signer, claims));
}

/** issueToken with the signature made on libuv's thread pool (what the server uses). */
export async function issueTokenAsync(input: IssueTokenInput): Promise<IssuedToken> {
  const { claims, finish } = prepareToken(input);
  return finish(await signJwtAsync(input.signer, claims));
}

interface Outcome {
  name: string;
  namespace: string;
  now: number;
  audiences: string[];
  expirationSeconds: number;
  token: string;
}

/** Go serializes maps with sorted keys. */
function sortedMap(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) setKey(out, k, m[k]!);
  return out;
}

/** The TokenRequest echoed back: Go struct field order, omitempty where the Go types have it. */
function responseObject(req: TokenRequestBody, o: Outcome): Record<string, unknown> {
  const m = req.metadata;
  const metadata: Record<string, unknown> = { name: m.name || o.name };
  if (m.generateName) metadata.generateName = m.generateName;
  metadata.namespace = m.namespace || o.namespace;
  if (m.uid) metadata.uid = m.uid;
  if (m.resourceVersion) metadata.resourceVersion = m.resourceVersion;
  metadata.creationTimestamp = rfc3339(o.now);
  if (m.labels && Object.keys(m.labels).length) metadata.labels = sortedMap(m.labels);
  if (m.annotations && Object.keys(m.annotations).length) metadata.annotations = sortedMap(m.annotations);

  let boundObjectRef: Record<string, string> | null = null;
  if (req.boundObjectRef) {
    boundObjectRef = {};
    for (const k of ['kind', 'apiVersion', 'name', 'uid'] as const)
      if (req.boundObjectRef[k]) boundObjectRef[k] = req.boundObjectRef[k];
  }
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata,
    spec: { audiences: o.audiences, expirationSeconds: o.expirationSeconds, boundObjectRef },
    status: { token: o.token, expirationTimestamp: rfc3339(o.now + o.expirationSeconds) },
  };
}
