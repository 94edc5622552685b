// meta.k8s.io Tables as kube-apiserver builds them: the default convertor for kinds without a printer
// (apiserver/pkg/registry/rest/table.go) and the includeObject handling of endpoints/handlers/response.go.
import { errors } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { ColumnDefinition, TablePrinter } from '../types.js';
import { objectMetaCreationTimestamp, objectMetaName } from './descriptions.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A printer that also marks rows (e.g. completed pods), as TableRow.conditions. */
export interface ConditionalTablePrinter extends TablePrinter {
  conditions?(obj: KObject): TableRowCondition[] | undefined;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[] | null;
  rows: TableRow[] | null;
}

export interface TableOptions {
  /** `includeObject` query parameter; empty means Metadata. */
  includeObject?: IncludeObject;
  /** Omit columnDefinitions (TableOptions.noHeaders; watch events after the first). */
  noHeaders?: boolean;
  /** Version of meta.k8s.io asked for in the Accept header (v1beta1 is still served). */
  version?: 'v1' | 'v1beta1';
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** ms since epoch, for Age columns. */
  now: number;
}

export const nameColumn: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: objectMetaName,
  priority: 0,
};

export const ageColumn: ColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description: objectMetaCreationTimestamp,
  priority: 0,
};

/** Go's time.Time{}.UTC().Format(time.RFC3339) for a missing creationTimestamp. */
const zeroRFC3339 = '0001-01-01T00:00:00Z';

/** RFC 3339 in UTC with second precision, as Go formats metav1.Time. */
export function rfc3339UTC(ts: string | null | undefined): string {
  if (!ts) return zeroRFC3339;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return zeroRFC3339;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The table for kinds without a printer: `NAME  CREATED AT` in kubectl. */
export const defaultTable: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Created At', type: 'date', format: '', description: objectMetaCreationTimestamp, priority: 0 },
  ],
  row: (o) => [o.metadata.name ?? '', rfc3339UTC(o.metadata.creationTimestamp)],
};

/**
 * Parses the includeObject query parameter the way ValidateTableOptions does; throws kube-apiserver's 400 for an
 * unknown value.
 */
export function parseIncludeObject(value: string | null | undefined): IncludeObject {
  if (!value || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw errors.badRequest(
    `Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(value)}: must be 'Metadata', 'Object', 'None', or empty`,
  );
}

/** meta.AsPartialObjectMetadata: the object's metadata under meta.k8s.io's PartialObjectMetadata kind. */
export function partialObjectMetadata(obj: KObject, version: 'v1' | 'v1beta1' = 'v1'): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/**
 * Builds the Table for `objects` (one object for GET, the items for LIST, one event object for WATCH).
 * `printer` undefined means the default convertor. Objects must already be in their served API version.
 */
export function buildTable(
  printer: ConditionalTablePrinter | undefined,
  objects: KObject[],
  opts: TableOptions,
): Table {
  const version = opts.version ?? 'v1';
  const include = opts.includeObject ?? 'Metadata';
  const p = printer ?? defaultTable;
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: p.row(o, opts.now), object: null };
    const conditions = printer?.conditions?.(o);
    if (conditions?.length) row.conditions = conditions;
    // Go's field order: cells, conditions, object.
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') row.object = partialObjectMetadata(o, version);
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: opts.noHeaders ? null : p.columns,
    // The printers allocate an empty row list; the default convertor leaves it nil (JSON null) when empty.
    rows: rows.length === 0 && !printer ? null : rows,
  };
}
