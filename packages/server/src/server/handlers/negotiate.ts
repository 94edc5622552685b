// Content negotiation for responses, as kube-apiserver does it for JSON/YAML and the meta.k8s.io "as="
// conversions (Table, PartialObjectMetadata). Protobuf is not served: a client that accepts only protobuf
// gets 406, every real client also accepts JSON.
import { errors } from '../../api/errors.js';

export type OutputKind = 'json' | 'yaml' | 'table' | 'partial';

export interface Negotiated {
  kind: OutputKind;
  /** meta.k8s.io version of Table/PartialObjectMetadata responses. */
  metaVersion?: 'v1' | 'v1beta1';
  /** Exact Content-Type to send. */
  contentType: string;
  pretty: boolean;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [t, ...ps] = part.split(';');
    const type = (t ?? '').trim().toLowerCase();
    if (!type) continue;
    const params = new Map<string, string>();
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
    }
    out.push({ type, params });
  }
  return out;
}

const supportedTypes = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

// Clients send a handful of distinct Accept headers: parse each once. Results are shared, never mutated. Only
// ordinary-sized headers are kept (headers may be up to 1 MiB: the memo must not pin a client's megabytes).
// One memo per (tableable, pretty), keyed by the header itself: no key is built per request.
const memos = [
  new Map<string, Negotiated>(),
  new Map<string, Negotiated>(),
  new Map<string, Negotiated>(),
  new Map<string, Negotiated>(),
];
const memoLimit = 128;
const memoKeyLimit = 510;

/** `tableable`: whether the endpoint can produce Tables (list/get/watch of stored resources). */
export function negotiate(accept: string | undefined, tableable: boolean, pretty: boolean): Negotiated {
  if (!accept) return pretty ? jsonPretty : jsonPlain;
  if (accept.length > memoKeyLimit) return Object.freeze(negotiateUncached(accept, tableable, pretty));
  const memo = memos[(tableable ? 2 : 0) + (pretty ? 1 : 0)]!;
  let n = memo.get(accept);
  if (!n) {
    n = Object.freeze(negotiateUncached(accept, tableable, pretty)); // a 406 throws and is not kept
    if (memo.size >= memoLimit) memo.clear();
    memo.set(accept, n);
  }
  return n;
}

const jsonPlain: Negotiated = Object.freeze({ kind: 'json', contentType: 'application/json', pretty: false });
const jsonPretty: Negotiated = Object.freeze({ kind: 'json', contentType: 'application/json', pretty: true });

function negotiateUncached(accept: string, tableable: boolean, pretty: boolean): Negotiated {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { kind: 'json', contentType: 'application/json', pretty };
  for (const r of ranges) {
    const as = r.params.get('as');
    if (as) {
      const g = r.params.get('g');
      const v = r.params.get('v');
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      if (r.type !== 'application/json' && r.type !== '*/*' && r.type !== 'application/*') continue;
      if (as === 'Table' && tableable)
        return { kind: 'table', contentType: `application/json;as=Table;v=${v};g=meta.k8s.io`, pretty, metaVersion: v };
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && tableable)
        return {
          kind: 'partial',
          contentType: `application/json;as=${as};v=${v};g=meta.k8s.io`,
          pretty,
          metaVersion: v,
        };
      continue;
    }
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*')
      return { kind: 'json', contentType: 'application/json', pretty };
    if (r.type === 'application/yaml') return { kind: 'yaml', contentType: 'application/yaml', pretty };
  }
  throw errors.notAcceptable(`only the following media types are accepted: ${supportedTypes}`);
}
