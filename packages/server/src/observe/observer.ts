// What an operator sees of each request: kube-apiserver's metrics, the audit event(s) and the request log line,
// fed from the filter chain by a handful of calls (the request info, the authentication result, the
// authorization decision, the handler context) and finished when the response closes. The Audit-Id header is
// set on every response (taken from the request's Audit-ID header when the client sent one, as kube does).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { UserInfo } from '../api/types.js';
import type { AuthnResult } from '../authn/chain.js';
import type { AuthorizerResult } from '../authz/authorizer.js';
import type { RequestInfo } from '../request/info.js';
import type { ApiServerMetrics, RequestSeries } from '../metrics/apiserver.js';
import { compressUsername } from '../metrics/apiserver.js';
import { requestLabels, type RequestLabels } from '../metrics/labels.js';
import type { PolicyEvaluator, RequestAuditConfig, Stage } from '../audit/policy.js';
import {
  RecordedEvent,
  serialized,
  withoutManagedFields,
  type AuditEntry,
  type AuditUser,
  type AuthzAnnotations,
  type ObjectReference,
  type ResponseStatus,
  type Serialized,
} from '../audit/event.js';
import type { DecisionRing } from '../audit/decisions.js';
import { goDuration, type HttpLog } from './httplog.js';

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * Where audit events go. A sink that returns a promise is blocking (the webhook's blocking modes): the request, or
 * its response, is held until it settles, and `false` at RequestReceived fails the request.
 */
export interface AuditSink {
  processEvents(...events: AuditEntry[]): void | Promise<boolean>;
}

export interface ObserverDeps {
  metrics?: ApiServerMetrics;
  /** `blocking`: some sink returns promises (the response's end is then held for the last event). */
  audit?: { policy: PolicyEvaluator; sinks: AuditSink[]; blocking?: boolean };
  httpLog?: HttpLog;
  /** The kind served at group/version/resource (watch metrics are labelled by kind). */
  kindOf?: (group: string, version: string, resource: string) => string | undefined;
  /** The web inspector's live trace: every request's authentication and authorization outcome. */
  decisions?: DecisionRing;
}

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// An authenticated user is often the same object request after request (a cached token review, a static token):
// its audit form and that form's JSON are made once per object. Events are only serialized, never changed, so
// sharing them is safe; the same holds for the objectRef of a route, a success status and a connection's sourceIPs.
const auditUsers = new WeakMap<UserInfo, Serialized<AuditUser>>();

function auditUser(u: UserInfo): Serialized<AuditUser> {
  let out = auditUsers.get(u);
  if (!out) auditUsers.set(u, (out = serialized(buildAuditUser(u))));
  return out;
}

function buildAuditUser(u: UserInfo): AuditUser {
  const out: AuditUser = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups?.length) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

// Failed authentication: kube's UserInfo with every member empty, which omitempty writes as {}.
const noUser = serialized({} as AuditUser);

const objectRefs = new WeakMap<RequestInfo, Serialized<ObjectReference>>();

function objectRef(info: RequestInfo): Serialized<ObjectReference> {
  let out = objectRefs.get(info);
  if (out) return out;
  const ref: ObjectReference = { resource: info.resource };
  if (info.namespace) ref.namespace = info.namespace;
  if (info.name) ref.name = info.name;
  if (info.apiGroup) ref.apiGroup = info.apiGroup;
  if (info.apiVersion) ref.apiVersion = info.apiVersion;
  if (info.subresource) ref.subresource = info.subresource;
  out = serialized(ref);
  // A query-less request's RequestInfo is shared (request/info.ts) and frozen: keep its objectRef with it.
  if (Object.isFrozen(info)) objectRefs.set(info, out);
  return out;
}

const successStatuses = new Map<number, Serialized<ResponseStatus>>();

function successStatus(code: number): Serialized<ResponseStatus> {
  let out = successStatuses.get(code);
  if (!out) successStatuses.set(code, (out = serialized({ metadata: {}, code })));
  return out;
}

const socketIPs = new WeakMap<object, Serialized<string[]>>();

function sourceIPs(req: Req): Serialized<string[]> {
  const xff = req.headers['x-forwarded-for'];
  const real = req.headers['x-real-ip'];
  const socket = req.socket;
  // Without forwarding headers they are the connection's address alone: kept per connection.
  const plain = xff === undefined && real === undefined && socket;
  if (plain) {
    const known = socketIPs.get(socket);
    if (known) return known;
  }
  const ips: string[] = [];
  if (typeof xff === 'string') for (const p of xff.split(',')) if (p.trim()) ips.push(p.trim());
  if (typeof real === 'string' && real.trim() && !ips.includes(real.trim())) ips.push(real.trim());
  let remote = socket?.remoteAddress ?? '';
  if (remote.startsWith('::ffff:')) remote = remote.slice(7);
  if (remote && !ips.includes(remote)) ips.push(remote);
  const out = serialized(ips);
  if (plain) socketIPs.set(socket, out);
  return out;
}

function isEmpty(o: Record<string, string> | undefined): boolean {
  for (const _ in o) return false;
  return true;
}

// The series of a request whose labels follow from its (memoized, shared) RequestInfo alone: no query string that
// could carry dryRun, and not a PATCH (whose content type makes an apply). Most requests are such.
const seriesByInfo = new WeakMap<ApiServerMetrics, WeakMap<RequestInfo, RequestSeries>>();

function seriesOf(m: ApiServerMetrics, req: Req, info: RequestInfo, rawQuery: string, query: URLSearchParams) {
  const method = req.method ?? 'GET';
  const shared = rawQuery === '' && method !== 'PATCH' && Object.isFrozen(info);
  let byInfo: WeakMap<RequestInfo, RequestSeries> | undefined;
  if (shared) {
    byInfo = seriesByInfo.get(m);
    if (byInfo === undefined) seriesByInfo.set(m, (byInfo = new WeakMap()));
    const s = byInfo.get(info);
    if (s !== undefined) return s;
  }
  const s = m.requestSeries(requestLabels(method, info, rawQuery, query, req.headers['content-type']));
  byInfo?.set(info, s);
  return s;
}

/** One request's observation. */
export class Trace {
  private readonly start = performance.now();
  private readonly startEpoch = Date.now();
  private mark = this.start;
  private series: RequestSeries | undefined;
  private mutating: boolean;
  private user: UserInfo | undefined;
  private impersonated: UserInfo | undefined;
  /** Authentication's annotations (a stale or legacy token). */
  private authnAnnotations: Record<string, string> | undefined;
  /** The authorization decision's annotations. */
  private authz: AuthzAnnotations | undefined;
  /** The handler's context (its audit annotations, filled as it runs, and the request body). */
  private ctx: { annotations: Record<string, string>; body?: Buffer } | undefined;
  private audit: RequestAuditConfig | undefined;
  private watch: { group: string; version: string; kind: string } | undefined;
  private longRunning = false;
  private responseChunks: Buffer[] | undefined;
  private errorBody: string | undefined;
  private started = false;
  private panicked = false;
  /** The last audit event (ResponseComplete, Panic, or ResponseStarted of a failed authentication) was emitted. */
  private completed = false;
  /** Writes wait for this: a blocking sink still sending ResponseStarted (watch). */
  private gate: Promise<unknown> | undefined;
  private authnError: string | undefined;
  private decision: AuthorizerResult | undefined;
  readonly auditID: string;
  /** The auditID is one generated here (no need to escape it in JSON). */
  private readonly plainID: boolean;
  /** Source address, for the request log only. */
  private readonly remote: string = '';
  /** Source IPs, for the audit events only. */
  private readonly ips: Serialized<string[]> | undefined;

  constructor(
    private readonly o: ObserverDeps,
    private readonly req: Req,
    private readonly res: Res,
    private readonly info: RequestInfo,
    rawQuery: string,
    query: URLSearchParams,
  ) {
    const given = req.headers['audit-id'];
    this.plainID = !(typeof given === 'string' && given);
    this.auditID = this.plainID ? randomUUID() : (given as string);
    res.setHeader('Audit-Id', this.auditID);
    this.mutating = mutatingMethods.has(req.method ?? '');
    const m = o.metrics;
    if (m) {
      this.series = seriesOf(m, req, info, rawQuery, query);
      m.requestStarted(this.mutating);
    }
    // Read now: an HTTP/2 stream's socket is gone once it has closed.
    if (o.httpLog?.enabled) this.remote = `${req.socket?.remoteAddress ?? ''}:${req.socket?.remotePort ?? ''}`;
    if (o.audit) this.ips = sourceIPs(req);
  }

  /** The response has closed (the server's one 'close' listener calls this). */
  closed(): void {
    try {
      this.finish();
    } catch (e) {
      // Observing must never take the server down.
      process.emitWarning(`request observer: ${String((e as Error)?.stack ?? e)}`);
    }
  }

  /**
   * The authentication outcome: metrics, and the RequestReceived event with the authenticated user. A promise when
   * a blocking audit sink is sending that event: the request waits for it, and is failed (kube's "failed to store
   * audit event") when it resolves false.
   */
  authenticated(r: AuthnResult): Promise<boolean> | undefined {
    const now = performance.now();
    const m = this.o.metrics;
    if (m) {
      const result = 'user' in r ? 'success' : 'error' in r ? 'error' : 'failure';
      if ('user' in r) m.authenticatedUser(compressUsername(r.user.username)).inc();
      const s = m.authentication(result);
      s.attempts.inc();
      s.duration.observe((now - this.mark) / 1000);
    }
    this.mark = now;
    if (!('user' in r)) this.authnError = 'error' in r ? r.error : 'no credentials';
    if ('user' in r) {
      this.user = r.user;
      if (r.annotations && this.o.audit) this.authnAnnotations = { ...this.authnAnnotations, ...r.annotations };
    }
    if (this.o.audit) {
      this.audit = this.o.audit.policy.evaluateRequest(this.user, this.info);
      if (this.audit.level !== 'None') {
        this.captureResponse();
        // A failed authentication has only the one event, at ResponseStarted (WithFailedAuthenticationAudit).
        if ('user' in r) {
          const held = this.emit('RequestReceived');
          if (held)
            return held.then((ok) => {
              if (!ok) {
                // kube's WithAudit returns before its deferred ResponseComplete: this request has no more events.
                this.completed = true;
                this.o.metrics?.auditRequestsRejected.inc();
              }
              return ok;
            });
        }
      }
    }
    return undefined;
  }

  impersonating(u: UserInfo): void {
    this.impersonated = u;
  }

  /** The authorization decision: metrics and the decision annotations; watches start being counted. */
  authorized(d: AuthorizerResult): void {
    const now = performance.now();
    const m = this.o.metrics;
    const result = d.decision === 'Allow' ? 'allowed' : d.decision === 'Deny' ? 'denied' : 'no-opinion';
    if (m) {
      const s = m.authorization(result);
      s.attempts.inc();
      s.duration.observe((now - this.mark) / 1000);
    }
    this.mark = now;
    this.decision = d;
    // The decision annotations are the audit events' only (kube's authorization filter adds them to the event).
    if (this.o.audit) this.authz = { decision: d.decision === 'Allow' ? 'allow' : 'forbid', reason: d.reason };
    if (d.decision === 'Allow' && this.info.verb === 'watch' && this.info.isResourceRequest) this.startWatch();
  }

  /** The handler's context: its audit annotations (filled as it runs) and the request body. */
  handling(ctx: { annotations: Record<string, string>; body?: Buffer }): void {
    this.ctx = ctx;
  }

  /** A handler threw something that is not a Status: the audit stage is Panic. */
  panic(): void {
    this.panicked = true;
  }

  private startWatch(): void {
    const { apiGroup: group, apiVersion: version, resource } = this.info;
    const kind = this.o.kindOf?.(group, version, resource) ?? '';
    this.longRunning = true;
    const m = this.o.metrics;
    if (m) {
      this.watch = { group, version, kind };
      m.longRunning.inc(this.sizeLabels(this.series!.labels));
    }
    // Every event of a watch is one write; the first one is where the response has started.
    const res = this.res as unknown as { write: (...a: unknown[]) => boolean };
    const write = res.write.bind(res);
    res.write = (...a: unknown[]) => {
      if (!this.started) {
        this.started = true;
        if (this.audit && this.audit.level !== 'None') this.hold(this.emit('ResponseStarted'));
      }
      if (this.watch) m!.watchEvents.inc(this.watch);
      if (this.gate) {
        this.hold(this.gate.then(() => write(...a)));
        return true;
      }
      return write(...a);
    };
  }

  private sizeLabels(l: RequestLabels): Omit<RequestLabels, 'dry_run'> {
    const { dry_run: _d, ...rest } = l;
    return rest;
  }

  /** Later writes (and the end) wait for `p` too. */
  private hold(p: Promise<unknown> | undefined): void {
    if (!p) return;
    const gate = p.then(
      () => undefined,
      () => undefined,
    );
    this.gate = gate;
    void gate.then(() => {
      if (this.gate === gate) this.gate = undefined;
    });
  }

  /**
   * Keeps what the response's audit event needs: the Status of an error, the whole body at RequestResponse. With a
   * blocking sink the last event is emitted when the response ends, and the end waits until it has been sent (kube
   * sends it before its handler returns, while the response is still buffered).
   */
  private captureResponse(): void {
    const res = this.res as unknown as { end: (...a: unknown[]) => unknown };
    const end = res.end.bind(res);
    const whole = this.audit!.level === 'RequestResponse' && this.info.verb !== 'watch';
    const blocking = this.o.audit!.blocking;
    res.end = (...a: unknown[]) => {
      const chunk = a[0];
      if (chunk && typeof chunk !== 'function' && (whole || this.res.statusCode >= 400)) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        if (this.res.statusCode >= 400) this.errorBody = text;
        if (whole) this.responseChunks = [Buffer.from(text, 'utf8')];
      }
      if (!blocking) return end(...a);
      const before = this.gate;
      if (before) {
        void before.then(() => this.endHeld(end, a));
        return this.res;
      }
      return this.endHeld(end, a);
    };
  }

  private endHeld(end: (...a: unknown[]) => unknown, a: unknown[]): unknown {
    if (this.completed) return end(...a);
    const held = this.emitLast();
    if (!held) return end(...a);
    void held.then(
      () => end(...a),
      () => end(...a),
    );
    return this.res;
  }

  /** The request's last event: ResponseStarted of a failed authentication, Panic or ResponseComplete. */
  private emitLast(): Promise<boolean> | undefined {
    this.completed = true;
    if (!this.user) return this.emit('ResponseStarted');
    return this.emit(this.panicked ? 'Panic' : 'ResponseComplete');
  }

  private responseStatus(): Serialized<ResponseStatus> {
    const code = this.panicked ? 500 : this.res.statusCode;
    if (!this.errorBody) return successStatus(code);
    const rs: ResponseStatus = { metadata: {}, code };
    try {
      const s = JSON.parse(this.errorBody) as Record<string, unknown>;
      if (s.kind === 'Status') {
        if (s.status) rs.status = s.status as string;
        if (s.message) rs.message = s.message as string;
        if (s.reason) rs.reason = s.reason as string;
        if (s.details) rs.details = s.details;
      }
    } catch {
      // not JSON (YAML was asked for): the code alone
    }
    return serialized({ metadata: {}, ...(rs.status ? { status: rs.status } : {}), ...rest(rs), code });
  }

  /** The annotations of an event past RequestReceived, sorted by key as Go's map encoding writes them. */
  private eventAnnotations(): {
    annotations: AuthzAnnotations | Record<string, string> | undefined;
    authzOnly: boolean;
  } {
    const ctx = this.ctx?.annotations;
    if (this.authnAnnotations === undefined && isEmpty(ctx))
      return { annotations: this.authz, authzOnly: this.authz !== undefined };
    const ann: Record<string, string> = { ...this.authnAnnotations };
    if (this.authz) {
      ann['authorization.k8s.io/decision'] = this.authz.decision;
      ann['authorization.k8s.io/reason'] = this.authz.reason;
    }
    Object.assign(ann, ctx);
    const keys = Object.keys(ann).sort();
    return {
      annotations: keys.length ? Object.fromEntries(keys.map((k) => [k, ann[k]!])) : undefined,
      authzOnly: false,
    };
  }

  /**
   * Sends the event of `stage` to every sink: a promise if a blocking sink is sending it (true: all delivered). The
   * event is recorded with every member final; sinks serialize it when they write it.
   */
  private emit(stage: Stage): Promise<boolean> | undefined {
    const a = this.audit!;
    if (a.omitStages.includes(stage)) return undefined;
    const info = this.info;
    const received = stage === 'RequestReceived';
    let requestObject: unknown;
    let responseObject: unknown;
    if (a.level === 'Request' || a.level === 'RequestResponse') {
      const body = this.ctx?.body;
      const obj = body && parseJson(body);
      if (obj !== undefined) requestObject = a.omitManagedFields ? withoutManagedFields(obj) : obj;
      if (stage === 'ResponseComplete' && this.responseChunks) {
        const out = parseJson(Buffer.concat(this.responseChunks));
        if (out !== undefined) responseObject = a.omitManagedFields ? withoutManagedFields(out) : out;
      }
    }
    const { annotations, authzOnly } = received
      ? { annotations: undefined, authzOnly: false }
      : this.eventAnnotations();
    const entry = new RecordedEvent({
      level: a.level,
      auditID: this.auditID,
      plainID: this.plainID,
      stage,
      requestURI: this.req.url ?? '/',
      verb: info.verb,
      user: this.user ? auditUser(this.user) : noUser,
      impersonatedUser: !received && this.impersonated ? auditUser(this.impersonated) : undefined,
      sourceIPs: this.ips!,
      userAgent: this.req.headers['user-agent'] || undefined,
      objectRef: info.isResourceRequest ? objectRef(info) : undefined,
      responseStatus: received ? undefined : this.responseStatus(),
      requestObject,
      responseObject,
      requestReceived: this.startEpoch,
      stageAt: this.startEpoch + (performance.now() - this.start),
      annotations,
      authzOnly,
    });
    if (this.o.metrics) this.o.metrics.auditEvents.inc();
    let held: Promise<boolean>[] | undefined;
    for (const s of this.o.audit!.sinks) {
      const p = s.processEvents(entry);
      if (p) (held ??= []).push(p);
    }
    if (!held) return undefined;
    return held.length === 1 ? held[0] : Promise.all(held).then((oks) => oks.every(Boolean));
  }

  private finish(): void {
    const elapsed = performance.now() - this.start;
    const m = this.o.metrics;
    const code = this.panicked ? 500 : this.res.statusCode;
    const s = this.series;
    if (m && s) {
      m.requestFinished(this.mutating);
      // kube counts requests its handlers served; a non-resource path nobody serves (404) is not one.
      if (this.info.isResourceRequest || code !== 404) {
        s.total(code).inc();
        if (!this.longRunning) s.duration.observe(elapsed / 1000);
        const verb = s.labels.verb;
        // Its label names leave dry_run out.
        if (verb === 'GET' || verb === 'LIST') s.sizes.observe(Number(this.res.getHeader('content-length') ?? 0));
      }
      if (this.watch) {
        m.longRunning.dec(this.sizeLabels(s.labels));
      }
    }
    // Not yet emitted when nothing is held, or when the connection closed before the response ended.
    if (this.audit && this.audit.level !== 'None' && !this.completed) void this.emitLast();
    if (this.o.decisions) this.recordDecision(code, elapsed);
    const log = this.o.httpLog;
    if (log?.enabled) {
      const rec = {
        verb: this.series?.labels.verb ?? this.req.method ?? '',
        URI: this.req.url ?? '/',
        latency: goDuration(elapsed),
        userAgent: String(this.req.headers['user-agent'] ?? ''),
        'audit-ID': this.auditID,
        srcIP: this.remote,
        ...(log.verbosity >= 4 && this.user ? { user: this.user.username } : {}),
        resp: code,
      };
      log.request(rec);
    }
  }

  private recordDecision(code: number, elapsed: number): void {
    const i = this.info;
    const allowed = this.decision?.decision === 'Allow';
    // The inspector's own page and polls would drown everything else: its allowed requests are left out.
    if (allowed && !i.isResourceRequest && (i.path === '/ui' || i.path.startsWith('/ui/'))) return;
    if (!this.user && this.authnError === undefined) return;
    const u = this.impersonated ?? this.user;
    this.o.decisions!.record({
      time: new Date(this.startEpoch).toISOString(),
      auditID: this.auditID,
      user: this.user?.username ?? '',
      groups: this.user ? [...this.user.groups] : [],
      ...(this.impersonated ? { impersonatedUser: u!.username } : {}),
      verb: i.verb,
      resourceRequest: i.isResourceRequest,
      apiGroup: i.apiGroup,
      resource: i.resource,
      subresource: i.subresource,
      namespace: i.namespace,
      name: i.name,
      path: i.path,
      decision: !this.user ? 'unauthenticated' : allowed ? 'allow' : 'forbid',
      reason: !this.user ? (this.authnError ?? '') : (this.decision?.reason ?? ''),
      code,
      latencyMs: Math.round(elapsed * 1000) / 1000,
    });
  }
}

function rest(rs: ResponseStatus): Partial<ResponseStatus> {
  const out: Partial<ResponseStatus> = {};
  if (rs.message) out.message = rs.message;
  if (rs.reason) out.reason = rs.reason;
  if (rs.details) out.details = rs.details;
  return out;
}

function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

export class RequestObserver {
  constructor(readonly o: ObserverDeps) {}

  /**
   * The request's observation; the caller keeps it for the request's length (and calls its `panic()` when a handler
   * throws something that is not a Status). It is not kept here: a WeakMap from responses to their traces holds every
   * request's objects (the trace refers to its response) until a full collection.
   */
  begin(req: Req, res: Res, info: RequestInfo, rawQuery: string, query: URLSearchParams): Trace {
    return new Trace(this.o, req, res, info, rawQuery, query);
  }
}
