// audit.k8s.io/v1 Event: its members in the order of pkg/apis/audit/v1/types.go, MicroTime timestamps, and the
// legacy one-line form (pkg/audit/format.go EventString).
import type { Level, Stage } from './policy.js';
import { microTime } from '../clock/format.js';

export interface AuditUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  code: number;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/**
 * What an audit sink is given: the event, and its JSON text (one log line, a webhook batch's item). Both are made
 * on demand: the log backend asks for the text only when it writes, once per event-loop turn.
 */
export interface AuditEntry {
  event(): AuditEvent;
  /** Exactly JSON.stringify(event()). */
  json(): string;
}

/** An entry of an event built elsewhere (tests, tools). */
export function entryOf(ev: AuditEvent): AuditEntry {
  return { event: () => ev, json: () => JSON.stringify(ev) };
}

/** A member whose JSON text is known (shared objects: a user, an objectRef, a status are serialized once). */
export interface Serialized<T> {
  readonly value: T;
  readonly json: string;
}

export function serialized<T>(value: T): Serialized<T> {
  return { value, json: JSON.stringify(value) };
}

/** The annotations every authorized request has; others are kept as a sorted object. */
export interface AuthzAnnotations {
  decision: string;
  reason: string;
}

/**
 * An event as the observer records it when a stage is reached: every member already final (shared objects with
 * their JSON text, the stamps as epoch milliseconds), so that it can be serialized later and elsewhere.
 */
export interface EventRecord {
  level: Level;
  auditID: string;
  /** The auditID needs no escaping (one the server generated). */
  plainID: boolean;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: Serialized<AuditUser>;
  impersonatedUser?: Serialized<AuditUser>;
  sourceIPs: Serialized<string[]>;
  userAgent?: string;
  objectRef?: Serialized<ObjectReference>;
  responseStatus?: Serialized<ResponseStatus>;
  requestObject?: unknown;
  responseObject?: unknown;
  /** Epoch milliseconds (fractional). */
  requestReceived: number;
  stageAt: number;
  annotations?: AuthzAnnotations | Record<string, string>;
  /** `annotations` is AuthzAnnotations (the two authorization ones, nothing else). */
  authzOnly: boolean;
}

const prefixes = new Map<string, string>();
function prefix(level: Level): string {
  let p = prefixes.get(level);
  if (p === undefined)
    prefixes.set(
      level,
      (p = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":${JSON.stringify(level)},"auditID":`),
    );
  return p;
}

/** An EventRecord as an AuditEntry: the object in the Go type's member order, and the same text written directly. */
export class RecordedEvent implements AuditEntry {
  private ev: AuditEvent | undefined;

  constructor(private readonly r: EventRecord) {}

  event(): AuditEvent {
    if (this.ev) return this.ev;
    const r = this.r;
    const ev = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: r.level,
      auditID: r.auditID,
      stage: r.stage,
      requestURI: r.requestURI,
      verb: r.verb,
      user: r.user.value,
    } as AuditEvent;
    if (r.impersonatedUser) ev.impersonatedUser = r.impersonatedUser.value;
    ev.sourceIPs = r.sourceIPs.value;
    if (r.userAgent) ev.userAgent = r.userAgent;
    if (r.objectRef) ev.objectRef = r.objectRef.value;
    if (r.responseStatus) ev.responseStatus = r.responseStatus.value;
    if (r.requestObject !== undefined) ev.requestObject = r.requestObject;
    if (r.responseObject !== undefined) ev.responseObject = r.responseObject;
    ev.requestReceivedTimestamp = microTime(r.requestReceived);
    ev.stageTimestamp = microTime(r.stageAt);
    if (r.annotations)
      ev.annotations = r.authzOnly
        ? {
            'authorization.k8s.io/decision': (r.annotations as AuthzAnnotations).decision,
            'authorization.k8s.io/reason': (r.annotations as AuthzAnnotations).reason,
          }
        : (r.annotations as Record<string, string>);
    return (this.ev = ev);
  }

  json(): string {
    const r = this.r;
    let s =
      prefix(r.level) +
      (r.plainID ? '"' + r.auditID + '"' : JSON.stringify(r.auditID)) +
      ',"stage":"' +
      r.stage +
      '","requestURI":' +
      JSON.stringify(r.requestURI) +
      ',"verb":' +
      JSON.stringify(r.verb) +
      ',"user":' +
      r.user.json;
    if (r.impersonatedUser) s += ',"impersonatedUser":' + r.impersonatedUser.json;
    s += ',"sourceIPs":' + r.sourceIPs.json;
    if (r.userAgent) s += ',"userAgent":' + JSON.stringify(r.userAgent);
    if (r.objectRef) s += ',"objectRef":' + r.objectRef.json;
    if (r.responseStatus) s += ',"responseStatus":' + r.responseStatus.json;
    if (r.requestObject !== undefined) s += ',"requestObject":' + JSON.stringify(r.requestObject);
    if (r.responseObject !== undefined) s += ',"responseObject":' + JSON.stringify(r.responseObject);
    s +=
      ',"requestReceivedTimestamp":"' +
      microTime(r.requestReceived) +
      '","stageTimestamp":"' +
      microTime(r.stageAt) +
      '"';
    if (r.annotations)
      s += r.authzOnly
        ? ',"annotations":{"authorization.k8s.io/decision":' +
          JSON.stringify((r.annotations as AuthzAnnotations).decision) +
          ',"authorization.k8s.io/reason":' +
          JSON.stringify((r.annotations as AuthzAnnotations).reason) +
          '}'
        : ',"annotations":' + JSON.stringify(r.annotations);
    return s + '}';
  }
}

/** Go's time.RFC3339Nano of a MicroTime: trailing zeros of the fraction dropped. */
function rfc3339Nano(micro: string): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(micro)!;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return frac ? `${m[1]}.${frac}Z` : `${m[1]}Z`;
}

/** Go's %q of a string (the ASCII-printable cases; others escaped as JSON does). */
function q(s: string): string {
  return JSON.stringify(s);
}

function stringSlice(list: string[]): string {
  return list.map(q).join(',');
}

/** `--audit-log-format=legacy`: one line per event. */
export function legacyLine(ev: AuditEvent): string {
  let username = '<none>';
  let groups = '<none>';
  if (ev.user.username) {
    username = ev.user.username;
    if (ev.user.groups?.length) groups = stringSlice(ev.user.groups);
  }
  let asuser = '<self>';
  let asgroups = '<lookup>';
  if (ev.impersonatedUser) {
    asuser = ev.impersonatedUser.username;
    if (ev.impersonatedUser.groups) asgroups = stringSlice(ev.impersonatedUser.groups);
  }
  const namespace = ev.objectRef?.namespace || '<none>';
  const response = ev.responseStatus ? String(ev.responseStatus.code) : '<deferred>';
  const ip = ev.sourceIPs?.[0] ?? '<unknown>';
  return (
    `${rfc3339Nano(ev.requestReceivedTimestamp)} AUDIT: id=${q(ev.auditID)} stage=${q(ev.stage)} ip=${q(ip)} ` +
    `method=${q(ev.verb)} user=${q(username)} groups=${q(groups)} as=${q(asuser)} asgroups=${q(asgroups)} ` +
    `user-agent=${q(ev.userAgent ?? '')} namespace=${q(namespace)} uri=${q(ev.requestURI)} response="${response}"`
  );
}

/** Drops metadata.managedFields from an object and from a list's items (omitManagedFields). */
export function withoutManagedFields(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const o = obj as { metadata?: { managedFields?: unknown }; items?: unknown[] };
  let out = o;
  if (o.metadata && o.metadata.managedFields !== undefined) {
    const { managedFields: _drop, ...meta } = o.metadata;
    out = { ...o, metadata: meta };
  }
  if (Array.isArray(o.items)) out = { ...out, items: o.items.map(withoutManagedFields) };
  return out;
}
