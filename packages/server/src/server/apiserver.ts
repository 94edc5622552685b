// The filter chain and dispatch, in kube-apiserver's order: panic recovery -> request info ->
// authentication -> impersonation -> authorization -> handler (admission -> registry -> storage).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { errors, isStatusError, StatusError, successStatus } from '../api/errors.js';
import type { KObject, UserInfo } from '../api/types.js';
import type { Authenticator } from '../authn/chain.js';
import { impersonate, ImpersonationHeadersError } from '../authn/impersonation.js';
import type { Attributes, Authorizer } from '../authz/authorizer.js';
import type { Catalog } from '../registry/catalog.js';
import { gvString, type HandlerContext, type ResourceDef } from '../registry/resource.js';
import { keyFor, type DeleteOptions, type RestStorage } from '../registry/rest.js';
import { serveWatch } from './handlers/watch.js';
import { requestInfo, requestInfoNoQuery, type RequestInfo } from '../request/info.js';
import type { Entry } from '../storage/store.js';
import { decodeBody, mediaType } from '../api/decode/body.js';
import { readBody } from './handlers/body.js';
import { BodyMemo } from './handlers/bodymemo.js';
import { BodyDecoder } from '../api/decode/decoder.js';
import { jsonWithoutDuplicates } from '../api/decode/yaml-duplicates.js';
import { isProtobuf } from '../api/protobuf/decode.js';
import { negotiate, type Negotiated } from './handlers/negotiate.js';
import { createOnlyRouteError } from './routes.js';
import { internalErrorText, send, sendStatus, warningHeader, type AnyResponse } from './handlers/respond.js';
import type { Tables } from './handlers/tables.js';
import type { RequestObserver, Trace } from '../observe/observer.js';
import { jsonSyntaxError } from '../api/decode/json.js';

type Req = IncomingMessage | Http2ServerRequest;

/** One request in flight: its observation, finished when the response closes. */
interface Request {
  trace: Trace | undefined;
  done: boolean;
}

/**
 * JSON bodies from this size on are decoded on the worker too: parsing, the field check and the duplicate check
 * of 3 MiB of tiny keys take the better part of a second, and below this they take well under a millisecond.
 */
const offThreadBytes = 128 * 1024;
type Res = ServerResponse | Http2ServerResponse;

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A non-resource endpoint: returns [code, body, contentType?, headers?] or writes the response itself. */
export type NonResourceHandler = (
  req: Req,
  res: Res,
  ctx: { user: UserInfo; query: URLSearchParams; path: string },
) => void | Promise<void>;

export interface ApiServerDeps {
  catalog: Catalog;
  rest: RestStorage;
  authenticator: Authenticator;
  authorizer: Authorizer;
  forbidden: (a: Attributes, reason: string) => StatusError;
  tables: Tables;
  /** Exact-path non-resource handlers (/healthz, /version, /api, ...). */
  nonResource: Map<string, NonResourceHandler>;
  /** Prefix handlers tried in order when no exact path matched (/openapi/v3/, /apis/<g>/...). */
  nonResourcePrefixes: Array<[string, NonResourceHandler]>;
  logger: Logger;
  /** Internal: how often watches get a bookmark (kube's minute unless a test shortens it). */
  watchBookmarkIntervalMs?: number;
  /** Metrics, audit and request logs (observe/observer.ts). */
  observer?: RequestObserver;
  /** The decoding worker (shared with the registry's large applies); one of its own when not given. */
  decoder?: BodyDecoder;
}

/**
 * The request body decoded as `def`'s kind (JSON, YAML or protobuf), with its text for the duplicate-field check
 * (none for protobuf, which is not text). The body is decoded to text once, for both.
 */
function decodeRequest(
  def: ResourceDef,
  ctx: HandlerContext,
  text?: string,
): { value: unknown; raw: string | undefined } {
  const raw = isProtobuf(ctx.contentType) ? undefined : (text ?? ctx.body?.toString('utf8'));
  const defaults = { apiVersion: gvString(def), kind: def.kind };
  return { value: decodeBody(ctx.body ?? Buffer.alloc(0), ctx.contentType, defaults, raw), raw };
}

export class ApiServer {
  private inflight = 0;
  private drainWaiters: Array<() => void> = [];
  private readonly watchClosers = new Set<() => void>();
  private readonly reviewBodies = new BodyMemo();
  private readonly decoder: BodyDecoder;

  constructor(private readonly d: ApiServerDeps) {
    this.decoder = d.decoder ?? new BodyDecoder();
  }

  /** The node request listener. Never throws: every failure becomes a Status response. */
  readonly listener = (req: Req, res: Res): void => {
    this.inflight++;
    const r: Request = { trace: undefined, done: false };
    // 'close' follows 'finish' on every response (and alone on an aborted one), so it is the one to count on;
    // one listener ends both the count and the request's observation.
    res.on('close', () => {
      if (r.done) return;
      r.done = true;
      r.trace?.closed();
      if (--this.inflight === 0) for (const w of this.drainWaiters.splice(0)) w();
    });
    this.handle(req, res, r).catch((e: unknown) => this.fail(res, e, undefined, [], r.trace));
  };

  /**
   * A YAML body as JSON bytes, converted on the decoding worker; 400 with go-yaml's text when it is refused. For
   * an apply configuration the worker also finds repeated keys, unless fieldValidation=Ignore.
   */
  private async yamlToJson(ctx: HandlerContext, apply: boolean): Promise<Buffer> {
    const body = ctx.body!;
    const text = body.toString('utf8');
    const duplicates = apply && ctx.query.get('fieldValidation') !== 'Ignore';
    // JSON is YAML with the same meaning (kubectl sends apply configurations as JSON): no need for the worker,
    // unless the body is large enough that even scanning it would hold up the event loop (the worker scans it).
    const small = body.length < offThreadBytes;
    if (small && jsonSyntaxError(text) === undefined && (!duplicates || jsonWithoutDuplicates(text))) {
      if (duplicates) ctx.applyDuplicates = [];
      return body;
    }
    const out = await this.decoder.decode({ text, yaml: true, duplicates }, ctx.user.username);
    if ('json' in out) {
      if (out.duplicates) ctx.applyDuplicates = out.duplicates;
      return Buffer.from(out.json, 'utf8');
    }
    const prefix = apply ? 'error decoding YAML: error converting YAML to JSON: ' : 'error converting YAML to JSON: ';
    throw errors.badRequest(prefix + out.error);
  }

  /** A POST or PUT of a whole object whose body is YAML or large JSON: decoded and field-checked on the worker. */
  private checkOffThread(def: ResourceDef, ctx: HandlerContext, mt: string, method: string): boolean {
    if ((method !== 'POST' && method !== 'PUT') || ctx.info.subresource || !def.schemaName) return false;
    if (mt === 'application/yaml') return true;
    const json = mt === '' || mt === 'application/json';
    return json && ctx.body!.length >= offThreadBytes;
  }

  private async decodeOffThread(def: ResourceDef, ctx: HandlerContext, mt: string): Promise<void> {
    const yaml = mt === 'application/yaml';
    const raw = ctx.query.get('fieldValidation') !== 'Ignore';
    const out = await this.decoder.decode(
      { text: ctx.body!.toString('utf8'), yaml, schema: def.schemaName, raw },
      ctx.user.username,
    );
    if ('error' in out) {
      if (out.syntax === 'yaml') throw errors.badRequest(`error converting YAML to JSON: ${out.error}`);
      if (out.syntax === 'number')
        throw errors.badRequest(
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${out.error}`,
        );
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${out.error}`);
    }
    ctx.body = Buffer.from(out.json, 'utf8');
    ctx.contentType = 'application/json';
    ctx.bodyFields = out.fields;
  }

  /** Ends open watches and resolves when in-flight requests have finished. */
  drain(): Promise<void> {
    this.decoder.close();
    for (const c of this.watchClosers) c();
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private fail(
    res: AnyResponse,
    e: unknown,
    neg: Negotiated | undefined,
    warnings: string[],
    trace: Trace | undefined,
  ): void {
    if (isStatusError(e)) return sendStatus(res, e, neg, warnings);
    this.d.logger.error('panic in handler', { err: (e as Error)?.stack ?? String(e) });
    trace?.panic();
    sendStatus(res, errors.internal(String((e as Error)?.message ?? e)), neg, warnings);
  }

  private async handle(req: Req, res: Res, r: Request): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? noQuery : new URLSearchParams(rawUrl.slice(q + 1));
    let path = rawPath;
    if (rawPath.includes('%')) {
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        throw errors.badRequest(`invalid URL escape in path "${rawPath}"`);
      }
    }
    const method = req.method ?? 'GET';
    const info = q < 0 ? requestInfoNoQuery(method, path) : requestInfo(method, path, query);
    const pretty = query.get('pretty') === 'true' || query.get('pretty') === '1';
    const trace = (r.trace = this.d.observer?.begin(req, res, info, q < 0 ? '' : rawUrl.slice(q + 1), query));

    // Authentication.
    // HTTP/2: the session's socket, one object per connection (each stream's req.socket is a proxy of its own),
    // so the client certificate's identity is kept per connection as it is for HTTP/1.1.
    const socket = 'stream' in req ? (req.stream.session?.socket ?? req.socket) : req.socket;
    const authn = this.d.authenticator.authenticateRequest(req.headers, socket, path);
    const audited = trace?.authenticated(authn);
    // A blocking audit webhook holds the request until RequestReceived is sent; blocking-strict fails it if lost.
    if (audited !== undefined && !(await audited)) {
      return sendStatus(
        res,
        errors.internal('failed to store audit event'),
        { kind: 'json', contentType: 'application/json', pretty },
        [],
      );
    }
    if ('error' in authn || 'none' in authn) {
      if ('error' in authn) this.d.logger.info('Unable to authenticate the request', { err: authn.error, path });
      return sendStatus(
        res,
        errors.unauthorized(),
        { kind: 'json', contentType: 'application/json', pretty },
        authn.warnings ?? [],
      );
    }
    const warnings = [...authn.warnings];
    let user = authn.user;
    let imp: UserInfo | undefined;
    try {
      imp = impersonate(req.headers, user, {
        authorize: (a) => this.d.authorizer.authorize(a),
        forbidden: this.d.forbidden,
      });
    } catch (e) {
      if (e instanceof ImpersonationHeadersError) return internalErrorText(res, rawUrl, e.message);
      throw e;
    }
    if (imp) trace?.impersonating((user = imp));

    // Authorization.
    const attrs: Attributes = {
      user,
      verb: info.verb,
      isResourceRequest: info.isResourceRequest,
      path: info.path,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
    };
    const decision = this.d.authorizer.authorize(attrs);
    trace?.authorized(decision);
    if (decision.decision !== 'Allow') {
      return sendStatus(
        res,
        this.d.forbidden(attrs, decision.reason),
        { kind: 'json', contentType: 'application/json', pretty },
        warnings,
      );
    }

    if (!info.isResourceRequest) return this.nonResource(req, res, path, query, user);
    // Every field is set here, so the object keeps one shape for the whole request.
    const ctx: HandlerContext = {
      info,
      query,
      user,
      warnings,
      body: undefined,
      contentType: undefined,
      annotations: {},
      applyDuplicates: undefined,
      bodyFields: undefined,
    };
    trace?.handling(ctx);
    let neg: Negotiated | undefined;
    try {
      const def = this.d.catalog.findFor(info);
      if (!def) throw errors.pathNotFound();
      if (info.namespace && !def.namespaced && info.resource !== 'namespaces') throw errors.pathNotFound();
      // A name taken from a list/watch `fieldSelector=metadata.name=…` is not a path segment (cluster-wide lists are fine).
      if (!info.namespace && def.namespaced && info.name && info.verb !== 'list' && info.verb !== 'watch')
        throw errors.pathNotFound();
      if (def.virtualCreate) {
        const routeError = createOnlyRouteError(def, info, method);
        if (routeError) throw routeError;
      }
      const tableable = !!def.strategy && !info.subresource;
      neg = negotiate(req.headers['accept'], tableable, pretty);
      if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && hasBody(req))) {
        ctx.body = await readBody(req);
        ctx.contentType = req.headers['content-type'];
        const mt = mediaType(ctx.contentType);
        if (this.checkOffThread(def, ctx, mt, method)) await this.decodeOffThread(def, ctx, mt);
        // YAML becomes JSON before anything reads it, as kube-apiserver's serializer does, and off the event loop.
        else if (
          mt === 'application/apply-patch+yaml' ? method === 'PATCH' : mt === 'application/yaml' && method !== 'PATCH'
        ) {
          ctx.body = await this.yamlToJson(ctx, mt === 'application/apply-patch+yaml');
          if (mt === 'application/yaml') ctx.contentType = 'application/json';
        }
      }
      // Reviews are answered without the async dispatcher: no promise per request when the handler needs none.
      if (def.virtualCreate && !info.subresource) {
        const pending = this.review(res, def, ctx, neg);
        if (pending) await pending;
      } else await this.dispatch(req, res, def, ctx, neg);
    } catch (e) {
      this.fail(res, e, neg, warnings, trace);
    }
  }

  /** POST to a review resource (TokenReview, the access reviews, SelfSubjectReview): a promise only if its handler is async. */
  private review(res: Res, def: ResourceDef, ctx: HandlerContext, neg: Negotiated): void | Promise<void> {
    // createOnlyRouteError let only a POST to the collection path through.
    const out = def.virtualCreate!(ctx, this.decodeReview(def, ctx));
    if (out instanceof Promise) return out.then(([code, body]) => this.respond(res, code, body, neg, ctx));
    this.respond(res, out[0], out[1], neg, ctx);
  }

  /**
   * A review's body, decoded and checked as its kind. Plain JSON without a fieldValidation parameter (what webhook
   * clients send) goes through the body memo; anything else is decoded every time.
   */
  private decodeReview(def: ResourceDef, ctx: HandlerContext): KObject {
    const decode = (c: HandlerContext, text?: string) => {
      const { value, raw } = decodeRequest(def, c, text);
      return this.d.rest.decodeObject(def, c, value, raw);
    };
    const mt = mediaType(ctx.contentType);
    if ((mt !== 'application/json' && mt !== '') || ctx.query.has('fieldValidation') || !ctx.body || ctx.bodyFields)
      return decode(ctx);
    const text = ctx.body.toString('utf8');
    // Decoded into a context of its own, so that the warnings are kept with the body.
    const { obj, warnings } = this.reviewBodies.get(def, text, (w) => decode({ ...ctx, warnings: w }, text));
    if (warnings.length) ctx.warnings.push(...warnings);
    return obj;
  }

  private async nonResource(req: Req, res: Res, path: string, query: URLSearchParams, user: UserInfo): Promise<void> {
    const h = this.d.nonResource.get(path);
    if (h) return h(req, res, { user, query, path });
    for (const [p, handler] of this.d.nonResourcePrefixes)
      if (path.startsWith(p)) return handler(req, res, { user, query, path });
    throw errors.pathNotFound();
  }

  private respond(res: Res, code: number, body: unknown, neg: Negotiated, ctx: HandlerContext): void {
    const headers: Record<string, string | string[]> = {};
    if (ctx.warnings.length) headers['Warning'] = [...new Set(ctx.warnings)].map(warningHeader);
    send(res, code, body, neg, headers);
  }

  private entryBody(def: ResourceDef, e: Entry, neg: Negotiated, ctx: HandlerContext): unknown {
    if (neg.kind === 'table') return this.d.tables.table(def, [e], String(e.rev), ctx.query, true, neg.metaVersion);
    if (neg.kind === 'partial') return this.d.tables.partial(e.object, neg.metaVersion);
    return neg.kind === 'json' && !neg.pretty ? (e.json ??= JSON.stringify(e.object)) : e.object;
  }

  private async dispatch(req: Req, res: Res, def: ResourceDef, ctx: HandlerContext, neg: Negotiated): Promise<void> {
    const { info } = ctx;
    const rest = this.d.rest;
    const ua = req.headers['user-agent'];
    // HEAD is authorized as get/list (RequestInfo), but go-restful registers no HEAD route for a resource: 405.
    if (req.method === 'HEAD') throw errors.restfulMethodNotAllowed();
    if (info.subresource) {
      const sub = def.subresources.find((s) => s.name === info.subresource);
      if (!sub || (!sub.handle && !sub.strategy)) throw errors.pathNotFound();
      // The subresource path has routes for its verbs only: go-restful's 405 for any other method (installer.go).
      if (!sub.verbs.includes(info.verb)) throw errors.restfulMethodNotAllowed();
      if (sub.strategy) return this.storedSubresource(req, res, { ...def, strategy: sub.strategy }, ctx, neg);
      const [code, body] = await sub.handle!(ctx, def);
      return this.respond(res, code, body, neg, ctx);
    }
    if (def.virtualCreate) return this.review(res, def, ctx, neg);
    if (!def.verbs.includes(info.verb) && !(info.verb === 'delete' && def.verbs.includes('delete')))
      throw errors.restfulMethodNotAllowed();
    // A consistent read (no resourceVersion) on shared storage waits until this replica's cache holds every
    // write committed before it (kube's consistent reads from cache); otherwise it returns at once.
    if (
      (info.verb === 'get' || info.verb === 'list') &&
      !ctx.query.get('resourceVersion') &&
      !ctx.query.get('continue')
    ) {
      const synced = rest.store.sync();
      if (synced) await synced;
    }
    switch (info.verb) {
      case 'get':
        return this.respond(res, 200, this.entryBody(def, rest.get(def, ctx), neg, ctx), neg, ctx);
      case 'list':
        return this.respond(res, 200, this.listBody(def, ctx, neg), neg, ctx);
      case 'watch': {
        const render = (o: KObject, first: boolean): unknown =>
          neg.kind === 'table'
            ? this.d.tables.table(
                def,
                [{ key: '', rev: 0, object: o }],
                o.metadata.resourceVersion ?? '',
                ctx.query,
                first,
                neg.metaVersion,
              )
            : neg.kind === 'partial'
              ? this.d.tables.partial(o, neg.metaVersion)
              : o;
        serveWatch(
          rest.store,
          def,
          ctx,
          res,
          neg.kind === 'yaml' ? 'application/json' : neg.contentType,
          {
            render,
            // A bookmark has no table row: Table watches get the object itself.
            renderBookmark: neg.kind === 'partial' ? (o) => this.d.tables.partial(o, neg.metaVersion) : undefined,
            fieldLabels: rest.fieldLabels(def),
            bookmarkIntervalMs: this.d.watchBookmarkIntervalMs,
          },
          (close) => {
            this.watchClosers.add(close);
            res.on('close', () => {
              this.watchClosers.delete(close);
              close();
            });
          },
        );
        return;
      }
      case 'create': {
        if (info.name) throw errors.methodNotSupported({ group: def.group, resource: def.resource }, 'create');
        const { value, raw } = decodeRequest(def, ctx);
        const e = await rest.create(def, ctx, value, raw, ua);
        return this.respond(res, 201, this.entryBody(def, e, neg, ctx), neg, ctx);
      }
      case 'update': {
        const { value, raw } = decodeRequest(def, ctx);
        const { entry, created } = await rest.update(def, ctx, value, raw, ua);
        return this.respond(res, created ? 201 : 200, this.entryBody(def, entry, neg, ctx), neg, ctx);
      }
      case 'patch': {
        const mt = mediaType(ctx.contentType);
        ctx.contentType = mt;
        const { entry, created } = await rest.patch(def, ctx, ua);
        // Serializing a large result is a step of its own: other requests get a turn before it.
        if (ctx.body && ctx.body.length >= offThreadBytes) await new Promise((r) => setImmediate(r));
        return this.respond(res, created ? 201 : 200, this.entryBody(def, entry, neg, ctx), neg, ctx);
      }
      case 'delete': {
        const opts = this.deleteOptions(ctx);
        const { entry, deleted } = await rest.delete(def, ctx, opts);
        // kube-apiserver answers 202 while finalizers hold the object, 200 once it is gone.
        return this.respond(res, deleted ? 200 : 202, this.entryBody(def, entry, neg, ctx), neg, ctx);
      }
      case 'deletecollection': {
        const opts = this.deleteOptions(ctx);
        const items = await rest.deleteCollection(def, ctx, opts);
        return this.respond(res, 200, listObject(def, items, String(rest.store.rev)), neg, ctx);
      }
      default:
        throw errors.methodNotSupported({ group: def.group, resource: def.resource }, info.verb);
    }
  }

  /** status/finalize: the parent object read and written through the subresource's strategy. */
  private async storedSubresource(
    req: Req,
    res: Res,
    def: ResourceDef,
    ctx: HandlerContext,
    neg: Negotiated,
  ): Promise<void> {
    const rest = this.d.rest;
    const ua = req.headers['user-agent'];
    if (ctx.info.verb === 'get')
      return this.respond(res, 200, this.entryBody(def, rest.get(def, ctx), neg, ctx), neg, ctx);
    if (ctx.info.verb === 'update') {
      const { value, raw } = decodeRequest(def, ctx);
      const { entry } = await rest.update({ ...def, allowCreateOnUpdate: false }, ctx, value, raw, ua);
      return this.respond(res, 200, this.entryBody(def, entry, neg, ctx), neg, ctx);
    }
    ctx.contentType = mediaType(ctx.contentType);
    if (ctx.contentType.startsWith('application/apply-patch')) {
      // Apply to a subresource never creates the parent.
      if (!rest.store.get(keyFor(def, ctx.info.namespace, ctx.info.name)))
        throw errors.notFound({ group: def.group, resource: def.resource }, ctx.info.name);
    }
    const { entry } = await rest.patch(def, ctx, ua);
    return this.respond(res, 200, this.entryBody(def, entry, neg, ctx), neg, ctx);
  }

  private deleteOptions(ctx: HandlerContext): DeleteOptions {
    let opts: DeleteOptions = {};
    if (ctx.body && ctx.body.length) {
      const v = decodeBody(ctx.body, ctx.contentType, { apiVersion: 'v1', kind: 'DeleteOptions' });
      if (v && typeof v === 'object') opts = v as DeleteOptions;
    }
    const q = ctx.query;
    if (q.get('gracePeriodSeconds') !== null) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
    const pp = q.get('propagationPolicy');
    if (pp !== null) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
    if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy))
      throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        {
          type: 'FieldValueNotSupported',
          field: 'propagationPolicy',
          badValue: opts.propagationPolicy,
          detail: 'supported values: "Foreground", "Background", "Orphan", "nil"',
        },
      ]);
    return opts;
  }

  private listBody(def: ResourceDef, ctx: HandlerContext, neg: Negotiated): unknown {
    const r = this.d.rest.list(def, ctx);
    if (neg.kind === 'table') {
      const t = this.d.tables.table(def, r.items, r.resourceVersion, ctx.query, true, neg.metaVersion) as {
        metadata: Record<string, unknown>;
      };
      if (r.continue) t.metadata.continue = r.continue;
      if (r.remainingItemCount !== undefined) t.metadata.remainingItemCount = r.remainingItemCount;
      return t;
    }
    if (neg.kind === 'partial') {
      const meta: Record<string, unknown> = { resourceVersion: r.resourceVersion };
      if (r.continue) meta.continue = r.continue;
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${neg.metaVersion ?? 'v1'}`,
        metadata: meta,
        items: r.items.map((e) => this.d.tables.partial(e.object, neg.metaVersion)),
      };
    }
    // Fast path: splice the cached JSON of each object into the list without re-serializing it.
    let meta = `{"resourceVersion":${JSON.stringify(r.resourceVersion)}`;
    if (r.continue) meta += `,"continue":${JSON.stringify(r.continue)}`;
    if (r.remainingItemCount !== undefined) meta += `,"remainingItemCount":${r.remainingItemCount}`;
    meta += '}';
    const parts = r.items.map((e) => (e.json ??= JSON.stringify(e.object)));
    const text = `{"kind":"${def.listKind}","apiVersion":"${gvString(def)}","metadata":${meta},"items":[${parts.join(',')}]}`;
    return neg.kind === 'json' && !neg.pretty ? text : JSON.parse(text);
  }
}

// The query of every request without one: shared, so never changed (nothing downstream edits a request's query).
const noQuery = new URLSearchParams();

function hasBody(req: Req): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function listObject(def: ResourceDef, items: Entry[], rv: string): unknown {
  return {
    kind: def.listKind,
    apiVersion: gvString(def),
    metadata: { resourceVersion: rv },
    items: items.map((e) => e.object),
  };
}

export { successStatus, StatusError, type RequestInfo };
