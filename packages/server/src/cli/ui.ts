// `kubeauth ui --kubeconfig F [--address 127.0.0.1:8001]`: the web inspector against any cluster. A small local
// HTTP server holds the kubeconfig's credentials and answers the page: who-can, explain, matrix and graph from
// the cluster's listed RBAC objects (the engine of `kubeauth rbac --kubeconfig`); the token doctor and the live
// trace from the cluster's own /ui/api/ when it is a kubeauth started with --ui, else from its JWKS, its
// TokenReview and nothing (no trace). The browser never sees the kubeconfig's credentials.
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { errors, isStatusError } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { InspectorSource } from '../authz/explain/inspect.js';
import { loadPolicy } from '../authz/explain/policy.js';
import { parseKubeconfigFile, type KubeconfigConnection } from '../pki/kubeconfig.js';
import { diagnoseToken, type TokenReviewAnswer } from '../serviceaccount/doctor.js';
import { KeySet, type PublicKeyEntry, type SigningAlg } from '../serviceaccount/keys.js';
import { sendStatus } from '../server/handlers/respond.js';
import { uiHandler, type TraceAnswer, type UiBackend } from '../server/ui.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';
import { LiveSourceError, readLive, request, statusMessage } from './rbac/live.js';

const flags: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', usage: 'kubeconfig file (default $KUBECONFIG, else ~/.kube/config)' },
  { name: 'context', type: 'string', usage: 'the kubeconfig context to use' },
  {
    name: 'address',
    type: 'string',
    default: '127.0.0.1:8001',
    usage: 'where the local server listens, HOST:PORT (port 0 picks a free one); keep it on loopback',
  },
];

const help = `kubeauth ui — the web inspector against any cluster

Usage:
  kubeauth ui [--kubeconfig FILE] [--context NAME] [--address 127.0.0.1:8001]

Serves the inspector on a local address and prints its URL. Who-can, explain, the matrix and the graph are
computed here from the cluster's RBAC objects (needs list on roles, clusterroles, rolebindings and
clusterrolebindings); the token doctor uses the cluster's JWKS and TokenReview; the live trace needs a kubeauth
started with --ui. The credentials stay in this process: the page only talks to it.

Flags:
${usage(flags)}
`;

const otherAuthorizers = 'a live cluster may run authorizers besides RBAC (Node, Webhook): they can allow more';
/** How long listed RBAC objects are reused before the next question lists them again. */
const policyTtlMs = 30_000;

export function localUiBackend(conn: KubeconfigConnection, now: () => number = Date.now): UiBackend {
  let cached: { at: number; source: InspectorSource } | undefined;
  let loading: Promise<InspectorSource> | undefined;
  const load = async (): Promise<InspectorSource> => {
    const objects: KObject[] = await readLive(conn);
    const policy = loadPolicy(objects);
    const source: InspectorSource = { index: policy.index, objects: () => policy.objects, otherAuthorizers };
    cached = { at: now(), source };
    return source;
  };
  const source = (refresh: boolean) => {
    if (!refresh && cached && now() - cached.at < policyTtlMs) return cached.source;
    return (loading ??= load().finally(() => (loading = undefined)));
  };

  /** The cluster's own inspector API (a kubeauth with --ui), or undefined when it has none. */
  const remote = async (method: string, path: string, body?: unknown) => {
    const r = await request(conn, method, path, body);
    if (r.status === 200) return { ok: true as const, value: JSON.parse(r.body) as unknown };
    return { ok: false as const, status: r.status, message: statusMessage(r.body) };
  };

  return {
    mode: 'local',
    cluster: conn.server,
    source,
    diagnose: async (token, audiences) => {
      const r = await remote('POST', '/ui/api/tokendiagnosis', { token, audiences });
      if (r.ok) return r.value as Awaited<ReturnType<UiBackend['diagnose']>>;
      // Any cluster: its issuer and keys from service-account issuer discovery, its answer from TokenReview.
      const disc = await request(conn, 'GET', '/.well-known/openid-configuration');
      const issuer = disc.status === 200 ? String((JSON.parse(disc.body) as { issuer?: unknown }).issuer ?? '') : '';
      const jwks = await request(conn, 'GET', '/openid/v1/jwks');
      const entries: PublicKeyEntry[] = [];
      if (jwks.status === 200)
        for (const k of (JSON.parse(jwks.body) as { keys?: Array<Record<string, unknown>> }).keys ?? []) {
          try {
            entries.push({
              kid: String(k.kid ?? ''),
              alg: String(k.alg ?? 'RS256') as SigningAlg,
              key: createPublicKey({ key: k as never, format: 'jwk' }),
            });
          } catch {
            // A key node cannot read is one the doctor cannot name.
          }
        }
      return diagnoseToken({
        token,
        audiences,
        keys: new KeySet(entries),
        issuers: issuer ? [issuer] : [],
        apiAudiences: issuer ? [issuer] : [],
        now,
        review: async (t, a): Promise<TokenReviewAnswer> => {
          const tr = await request(conn, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenReview',
            spec: { token: t, audiences: a },
          });
          if (tr.status !== 201 && tr.status !== 200)
            return {
              authenticated: false,
              error: `TokenReview not answered (HTTP ${tr.status}: ${statusMessage(tr.body)})`,
            };
          const st = (JSON.parse(tr.body) as { status?: Record<string, unknown> }).status ?? {};
          return st.authenticated
            ? {
                authenticated: true,
                user: st.user as TokenReviewAnswer['user'],
                audiences: st.audiences as string[] | undefined,
              }
            : { authenticated: false, error: String(st.error ?? '') };
        },
      });
    },
    trace: async (since, limit): Promise<TraceAnswer> => {
      const r = await remote('GET', `/ui/api/trace?since=${since}&limit=${limit}`);
      if (r.ok) return r.value as TraceAnswer;
      return {
        available: false,
        reason:
          r.status === 404
            ? 'this cluster keeps no decision trace that kubeauth can read (a kubeauth started with --ui does)'
            : `the cluster refused the trace (HTTP ${r.status}${r.message ? `: ${r.message}` : ''})`,
        items: [],
        last: since,
      };
    },
  };
}

export function parseAddress(a: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d+)$/.exec(a);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535)
    throw new FlagError(`invalid --address "${a}": expected HOST:PORT such as 127.0.0.1:8001`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function uiCommand(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help);
    return;
  }
  const { values, args } = parseFlags(flags, argv);
  if (args.length) throw new FlagError(`unexpected argument: ${args[0]}`);
  const { host, port } = parseAddress(values.get('address') as string);
  const path =
    (values.get('kubeconfig') as string | undefined) ||
    process.env.KUBECONFIG?.split(':')[0] ||
    join(homedir(), '.kube', 'config');
  if (!existsSync(path)) throw new FlagError(`no kubeconfig at ${path}: pass --kubeconfig`);
  const conn = parseKubeconfigFile(path, { context: (values.get('context') as string | undefined) || undefined });
  const backend = localUiBackend(conn);
  const handler = uiHandler(backend);
  const user = { username: conn.userName ?? conn.contextName, uid: '', groups: [], extra: {} };
  const json = { kind: 'json' as const, contentType: 'application/json', pretty: false };
  let allowedHosts = new Set<string>();

  const server = http.createServer((req, res) => {
    // The cluster refusing or unreachable is 503 with its reason (the page shows it); anything else is ours, 500.
    const fail = (e: unknown) =>
      sendStatus(
        res,
        isStatusError(e)
          ? e
          : e instanceof LiveSourceError
            ? errors.serviceUnavailable(e.message)
            : errors.internal(String((e as Error)?.message ?? e)),
        json,
      );
    // Only this address by name: another site's page cannot reach it through a rebound DNS name, or post to it.
    const origin = req.headers.origin;
    if (!allowedHosts.has(req.headers.host ?? '') || (origin && !allowedHosts.has(origin.replace(/^http:\/\//, ''))))
      return fail(errors.forbidden(null, '', `host ${JSON.stringify(req.headers.host ?? '')} is not served here`));
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/') {
      res.writeHead(302, { Location: '/ui/' });
      return res.end();
    }
    if (url.pathname !== '/ui' && !url.pathname.startsWith('/ui/')) return fail(errors.pathNotFound());
    handler(req, res, { user, query: url.searchParams, path: url.pathname }).catch(fail);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${shown}:${actual}`, `localhost:${actual}`]);
  process.stdout.write(
    `kubeauth ui: http://${shown}:${actual}/ui/ — cluster ${conn.server} (context ${conn.contextName}); Ctrl-C to stop\n`,
  );
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
