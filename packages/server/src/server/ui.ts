// The web inspector's HTTP side: the static page under /ui/ and its JSON API under /ui/api/. `kubeauth serve --ui`
// mounts it as a non-resource path behind the filter chain (TLS, authentication, RBAC on the nonResourceURLs
// /ui and /ui/*: bootstrap ClusterRole kubeauth:ui-viewer), and `kubeauth ui` serves the same from a local
// server that answers from another cluster's RBAC objects. Errors are kube Status objects.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors, isStatusError, StatusError } from '../api/errors.js';
import type { UserInfo } from '../api/types.js';
import type { Decision } from '../audit/decisions.js';
import {
  answerExplain,
  answerGraph,
  answerMatrix,
  answerSubjects,
  answerWhoCan,
  InspectorInputError,
  type InspectorSource,
} from '../authz/explain/inspect.js';
import type { TokenDiagnosis } from '../serviceaccount/doctor.js';
import { readBody, type AnyRequest } from './handlers/body.js';
import { send, sendStatus, type AnyResponse } from './handlers/respond.js';

export interface TraceAnswer {
  available: boolean;
  /** Why there is no trace (a cluster that is not kubeauth with --ui). */
  reason?: string;
  items: Decision[];
  /** The newest seq: the next poll asks for what came after it. */
  last: number;
}

export interface UiBackend {
  /** 'server': kubeauth serve --ui; 'local': kubeauth ui against a cluster. */
  mode: 'server' | 'local';
  /** Where the answers come from, for the page's header. */
  cluster: string;
  source(refresh: boolean): Promise<InspectorSource> | InspectorSource;
  diagnose(token: string, audiences: string[]): Promise<TokenDiagnosis>;
  trace(since: number, limit: number): Promise<TraceAnswer> | TraceAnswer;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Everything the page needs comes from this origin: no CDN, nothing inline, no framing. */
const pageHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** The built page (packages/server/dist/ui), found from wherever this module runs (dist/server, dist/bin/chunks). */
export function findUiAssets(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const rel of ['../ui', '../../ui', './ui', '../../dist/ui']) {
    const dir = normalize(join(here, rel));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

const json = { kind: 'json' as const, contentType: 'application/json', pretty: false };

function methodNotAllowed(): StatusError {
  return errors.restfulMethodNotAllowed();
}

/**
 * Handles /ui and everything under it. `user` is who asked (RBAC already let them through); the page shows it.
 */
export function uiHandler(backend: UiBackend, assets = findUiAssets()) {
  const files = new Map<string, Buffer>();
  const file = (rel: string): Buffer | undefined => {
    if (!assets) return undefined;
    let b = files.get(rel);
    if (b) return b;
    const p = normalize(join(assets, rel));
    if (!p.startsWith(assets + sep) || !existsSync(p)) return undefined;
    b = readFileSync(p);
    files.set(rel, b);
    return b;
  };

  const api = async (req: AnyRequest, res: AnyResponse, route: string, query: URLSearchParams, user: UserInfo) => {
    const method = req.method ?? 'GET';
    const body = async (): Promise<unknown> => {
      if (method !== 'POST') throw methodNotAllowed();
      const raw = await readBody(req);
      try {
        return JSON.parse(raw.toString('utf8') || '{}');
      } catch (e) {
        throw errors.badRequest(`the request body is not JSON: ${(e as Error).message}`);
      }
    };
    const get = () => {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    };
    let out: unknown;
    switch (route) {
      case 'info':
        get();
        out = { mode: backend.mode, cluster: backend.cluster, user: { username: user.username, groups: user.groups } };
        break;
      case 'whocan':
        out = answerWhoCan(await backend.source(false), await body());
        break;
      case 'explain':
        out = answerExplain(await backend.source(false), await body());
        break;
      case 'matrix':
        out = answerMatrix(await backend.source(false), await body());
        break;
      case 'graph':
        out = answerGraph(await backend.source(false), await body());
        break;
      case 'subjects':
        get();
        out = { items: answerSubjects(await backend.source(false), query.get('q') ?? '') };
        break;
      case 'refresh':
        await body();
        await backend.source(true);
        out = { refreshed: true };
        break;
      case 'tokendiagnosis': {
        const b = (await body()) as { token?: unknown; audiences?: unknown };
        if (typeof b?.token !== 'string' || !b.token.trim()) throw errors.badRequest('token is required');
        if (b.token.length > 64 * 1024) throw errors.badRequest('token is longer than 65536 characters');
        const auds = b.audiences ?? [];
        if (!Array.isArray(auds) || auds.some((a) => typeof a !== 'string'))
          throw errors.badRequest('audiences must be a list of strings');
        out = await backend.diagnose(
          b.token,
          (auds as string[]).filter((a) => a.trim()),
        );
        break;
      }
      case 'trace': {
        get();
        const since = Number(query.get('since') ?? 0);
        const limit = Number(query.get('limit') ?? 500);
        if (!Number.isInteger(since) || since < 0) throw errors.badRequest('since must be a non-negative integer');
        if (!Number.isInteger(limit) || limit < 1) throw errors.badRequest('limit must be a positive integer');
        out = await backend.trace(since, Math.min(limit, 2000));
        break;
      }
      default:
        throw errors.pathNotFound();
    }
    // Answers hold the policy and tokens' claims: never cached, never sniffed.
    send(res, 200, out, json, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  };

  return async (req: AnyRequest, res: AnyResponse, ctx: { user: UserInfo; query: URLSearchParams; path: string }) => {
    const { path, query, user } = ctx;
    try {
      if (path === '/ui') {
        (res as import('node:http').ServerResponse).writeHead(301, { Location: '/ui/' });
        res.end();
        return;
      }
      if (path.startsWith('/ui/api/')) {
        try {
          await api(req, res, path.slice('/ui/api/'.length), query, user);
        } catch (e) {
          if (e instanceof InspectorInputError) throw errors.badRequest(e.message);
          throw e;
        }
        return;
      }
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      const rel = path === '/ui/' ? 'index.html' : path.slice('/ui/'.length);
      if (!assets)
        throw errors.serviceUnavailable(
          'the web inspector was not built: run "npm run build" (packages/server/dist/ui is missing)',
        );
      const content = file(rel);
      if (!content) throw errors.pathNotFound();
      const hashed = rel.startsWith('assets/');
      (res as import('node:http').ServerResponse).writeHead(200, {
        'Content-Type': types[extname(rel)] ?? 'application/octet-stream',
        'Content-Length': content.length,
        // Built names carry a content hash; index.html is read on every visit.
        'Cache-Control': hashed ? 'private, max-age=31536000, immutable' : 'no-cache',
        ...pageHeaders,
      });
      if (method === 'HEAD') res.end();
      else res.end(content);
    } catch (e) {
      if (isStatusError(e)) return sendStatus(res, e, json);
      throw e;
    }
  };
}
