// A resource is described once, here; routing, discovery, OpenAPI, tables and RBAC names all come from it.
import type { FieldCheck } from '../api/schema/fields.js';
import type { KObject, UserInfo } from '../api/types.js';
import type { RequestInfo } from '../request/info.js';
import type { ResourceStrategy, TablePrinter } from './types.js';

export interface SubresourceDef {
  name: string;
  /** Kind of the request/response body (e.g. TokenRequest in authentication.k8s.io/v1). */
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
  /** For stored subresources (status, finalize): the strategy that replaces the parent's for writes. */
  strategy?: ResourceStrategy;
  /** Handles the request; returns [status code, body]. */
  handle?: (ctx: HandlerContext, parent: ResourceDef) => Promise<[number, unknown]>;
}

export interface ResourceDef {
  group: string;
  version: string;
  /** Plural resource name. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceDef[];
  /** OpenAPI component name of the kind. */
  schemaName: string;
  /** Field selector labels beyond metadata.name/metadata.namespace. */
  fieldSelectors: string[];
  /**
   * Labels whose selectable value is not the field read as a string (the strategies' ToSelectableFields): an unset
   * boolean is "false", say. The other labels read their dotted path, '' when absent.
   */
  selectableFields?: SelectableFields;
  /** Core v1 uses `field label not supported`; other groups name the known fields. */
  strategy?: ResourceStrategy;
  table?: TablePrinter;
  /** PUT on a missing object creates it (RBAC types). */
  allowCreateOnUpdate: boolean;
  /** Create-only resources that are not stored (reviews): returns [code, body]. */
  /** A review (not stored): its answer, synchronously when it needs no I/O (no promise per request). */
  virtualCreate?: (ctx: HandlerContext, body: KObject) => [number, unknown] | Promise<[number, unknown]>;
  /**
   * Extra checks and allocations on the defaulted object, before admission and validation (RBAC escalation, a
   * Service's cluster IP: kube's BeginCreate/BeginUpdate). May return what ends a reservation once the write
   * has settled, stored or not.
   */
  beforeWrite?: (ctx: HandlerContext, obj: KObject, old: KObject | undefined, dryRun?: boolean) => void | (() => void);
  /** Graceful deletion: return true to mark deleted instead of removing (beyond finalizers). */
  deleteStrategy?: 'immediate' | 'namespace';
}

/** What a handler sees of the request. */
export interface HandlerContext {
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  /** Warning header texts to add to the response. */
  warnings: string[];
  /** Raw request body (already size-checked), when there is one. */
  body?: Buffer;
  contentType?: string;
  /** Audit annotations (key → value). */
  annotations: Record<string, string>;
  /** An apply configuration's repeated keys, as go-yaml's strict decoding reports them (found while decoding). */
  applyDuplicates?: string[];
  /** The decoding worker's field report for a large POST or PUT body (which it already pruned). */
  bodyFields?: FieldCheck;
}

export type SelectableFields = Readonly<Record<string, (obj: KObject) => string>>;

export function gvString(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}
