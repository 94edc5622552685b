// Non-resource endpoints: health, version, discovery, OpenAPI and the service-account issuer's OIDC documents.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createHash } from 'node:crypto';
import { errors } from '../api/errors.js';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from '../discovery/documents.js';
import type { Catalog } from '../registry/catalog.js';
import { gvString } from '../registry/resource.js';
import type { NonResourceHandler } from './apiserver.js';
import { openapiV2Handler } from './openapi-v2.js';
import { send } from './handlers/respond.js';

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

export const kubernetesVersion = { major: '1', minor: '33', gitVersion: 'v1.33.0' };

export interface HealthCheck {
  name: string;
  /** undefined = ok, else the failure reason (a check that reads something real may answer later). */
  check(): string | undefined | Promise<string | undefined>;
}

function text(res: Res, code: number, body: string, headers: Record<string, string> = {}): void {
  (res as ServerResponse).writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function healthHandler(kind: 'healthz' | 'livez' | 'readyz', checks: () => HealthCheck[]): NonResourceHandler {
  return async (_req, res, { query }) => {
    const list = checks();
    const errs = await Promise.all(list.map((c) => c.check()));
    const results = list.map((c, i) => ({ name: c.name, err: errs[i] }));
    const failed = results.filter((r) => r.err !== undefined);
    const verbose = query.has('verbose');
    if (!verbose && !failed.length) return text(res, 200, 'ok');
    let out = '';
    for (const r of results)
      out += r.err === undefined ? `[+]${r.name} ok\n` : `[-]${r.name} failed: reason withheld\n`;
    out += failed.length ? `${kind} check failed\n` : `${kind} check passed\n`;
    text(res, failed.length ? 500 : 200, out);
  };
}

export interface NonResourceDeps {
  catalog: Catalog;
  kubeauthVersion: string;
  serverAddress: () => string;
  healthChecks: () => HealthCheck[];
  readyChecks: () => HealthCheck[];
  openapi: {
    root: () => unknown;
    document: (gv: string) => unknown | undefined;
    /** The Swagger 2.0 document (built on the first /openapi/v2 request). */
    v2: () => Record<string, unknown>;
  };
  oidc?: { discovery: () => string | Promise<string>; jwks: () => string | Promise<string> };
}

export function nonResourceHandlers(d: NonResourceDeps): {
  exact: Map<string, NonResourceHandler>;
  prefixes: Array<[string, NonResourceHandler]>;
} {
  const exact = new Map<string, NonResourceHandler>();
  const json = (res: Res, body: unknown, contentType = 'application/json', pretty = false) =>
    send(res, 200, body, { kind: 'json', contentType, pretty });

  for (const kind of ['healthz', 'livez', 'readyz'] as const) {
    const h = healthHandler(kind, kind === 'readyz' ? d.readyChecks : d.healthChecks);
    exact.set(`/${kind}`, h);
    exact.set(`/${kind}/`, h);
    exact.set(`/${kind}/ping`, (_q, res) => text(res, 200, 'ok'));
  }
  const version = (_q: Req, res: Res) =>
    json(res, {
      major: kubernetesVersion.major,
      minor: kubernetesVersion.minor,
      emulationMajor: kubernetesVersion.major,
      emulationMinor: kubernetesVersion.minor,
      minCompatibilityMajor: kubernetesVersion.major,
      minCompatibilityMinor: String(Number(kubernetesVersion.minor) - 1),
      gitVersion: kubernetesVersion.gitVersion,
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: `node${process.versions.node}`,
      compiler: 'node',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      kubeauthVersion: d.kubeauthVersion,
    });
  exact.set('/version', version);
  exact.set('/version/', version);

  const discovery = (core: boolean) => (req: Req, res: Res) => {
    const agg = wantsAggregated(req.headers['accept']);
    if (agg)
      return json(
        res,
        aggregatedDiscovery(d.catalog, core, agg),
        `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`,
      );
    json(res, core ? apiVersions(d.serverAddress()) : apiGroupList(d.catalog));
  };
  exact.set('/api', discovery(true));
  exact.set('/api/', discovery(true));
  exact.set('/apis', discovery(false));
  exact.set('/apis/', discovery(false));
  const v1 = d.catalog.groupVersion('', 'v1');
  if (v1) exact.set('/api/v1', (_q, res) => json(res, apiResourceList(v1)));
  for (const gv of d.catalog.groups.filter((g) => g.group)) {
    exact.set(`/apis/${gv.group}/${gv.version}`, (_q, res) => json(res, apiResourceList(gv)));
  }
  for (const g of d.catalog.namedGroups()) exact.set(`/apis/${g}`, (_q, res) => json(res, apiGroup(d.catalog, g)));

  exact.set('/openapi/v3', (_q, res) => json(res, d.openapi.root()));
  exact.set('/openapi/v2', openapiV2Handler(d.openapi.v2));
  const prefixes: Array<[string, NonResourceHandler]> = [
    [
      '/openapi/v3/',
      (_q, res, { path }) => {
        const gvPath = path.slice('/openapi/v3/'.length);
        const doc = d.openapi.document(gvPath);
        if (!doc) throw errors.pathNotFound();
        const body = JSON.stringify(doc);
        send(
          res,
          200,
          body,
          { kind: 'json', contentType: 'application/json', pretty: false },
          {
            ETag: `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`,
            'Cache-Control': 'public, immutable',
          },
        );
      },
    ],
  ];
  if (d.oidc) {
    const oidc = d.oidc;
    const cache = 'public, max-age=3600';
    exact.set('/.well-known/openid-configuration', async (_q, res) =>
      send(
        res,
        200,
        await oidc.discovery(),
        { kind: 'json', contentType: 'application/json', pretty: false },
        { 'Cache-Control': cache },
      ),
    );
    exact.set('/openid/v1/jwks', async (_q, res) =>
      send(
        res,
        200,
        await oidc.jwks(),
        { kind: 'json', contentType: 'application/jwk-set+json', pretty: false },
        { 'Cache-Control': cache },
      ),
    );
  }
  // routes.Index: GET / (and /index.html) lists the served paths, sorted, as responsewriters.WriteRawJSON writes
  // them (json.MarshalIndent with two spaces). Read at request time, so paths added later (/metrics) are listed.
  const index: NonResourceHandler = (_q, res) => {
    const paths = [...exact.keys()].filter((p) => p !== '/' && p !== '/index.html' && !p.endsWith('/')).sort();
    const body = JSON.stringify({ paths }, null, 2);
    (res as ServerResponse).writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  exact.set('/', index);
  exact.set('/index.html', index);
  return { exact, prefixes };
}

export function gvPath(group: string, version: string): string {
  return group ? `apis/${gvString({ group, version })}` : `api/${version}`;
}
