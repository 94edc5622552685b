// core/v1 Events (pkg/registry/core/event/strategy.go, pkg/apis/core/validation/events.go). Requests through
// the v1 API get only the legacy checks (namespace agreement and, for new-style events, the reporting fields).
import { type FieldError, invalid, required } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import type { SelectableFields } from '../resource.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../api/validation/names.js';
import { type Rec, rec, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import {
  eventCount,
  eventFirstTimestamp,
  eventInvolvedObject,
  eventLastTimestamp,
  eventMessage,
  eventReason,
  eventSource,
  eventType,
  objectMetaName,
  objectReferenceFieldPath,
} from '../printers/descriptions.js';
import { age } from '../printers/duration.js';
import { ensure, keepGeneration } from './common.js';

const isZeroTime = (v: unknown) => typeof v !== 'string' || v === '' || v.startsWith('0001-01-01');

/** legacyValidateEvent */
export function validateEvent(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const involved = rec(obj.involvedObject) ?? {};
  const involvedNs = str(involved.namespace);
  if (isZeroTime(obj.eventTime)) {
    // Old-style events: the event lives in its object's namespace ("default" for cluster-scoped objects).
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default')
        errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system')
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    const controller = str(obj.reportingComponent);
    if (!controller) errs.push(required('reportingComponent'));
    for (const m of isQualifiedName(controller)) errs.push(invalid('reportingComponent', controller, m));
    const instance = str(obj.reportingInstance);
    if (!instance) errs.push(required('reportingInstance'));
    if (Buffer.byteLength(instance) > 128)
      errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = str(obj.action);
    if (!action) errs.push(required('action'));
    if (Buffer.byteLength(action) > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    const reason = str(obj.reason);
    if (!reason) errs.push(required('reason'));
    if (Buffer.byteLength(reason) > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if (Buffer.byteLength(str(obj.message)) > 1024)
      errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

/** The fields Go always writes for a v1 Event, even when unset. */
function defaultEvent(obj: KObject): void {
  ensure(obj, 'involvedObject');
  ensure(obj, 'source');
  for (const f of ['firstTimestamp', 'lastTimestamp', 'eventTime']) if (obj[f] === undefined) obj[f] = null;
  for (const f of ['reportingComponent', 'reportingInstance']) if (typeof obj[f] !== 'string') obj[f] = '';
}

export const strategy: ResourceStrategy = {
  defaults: defaultEvent,
  prepareForUpdate: keepGeneration,
  validate(obj) {
    return createErrors(validateEvent(obj), obj.metadata, true);
  },
  validateUpdate(obj, old) {
    return updateErrors(validateEvent(obj), obj.metadata, old.metadata, true);
  },
};

/** formatEventSource: component (or reportingComponent), then host (or reportingInstance) when known. */
function eventSourceText(obj: KObject): string {
  const source: Rec = rec(obj.source) ?? {};
  const component = str(source.component) || str(obj.reportingComponent);
  const host = str(source.host) || str(obj.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

export function eventRow(obj: KObject, now: number): unknown[] {
  const first = isZeroTime(obj.firstTimestamp)
    ? age(str(obj.eventTime) || null, now)
    : age(str(obj.firstTimestamp), now);
  let last = isZeroTime(obj.lastTimestamp) ? first : age(str(obj.lastTimestamp), now);
  let count = typeof obj.count === 'number' ? obj.count : 0;
  const series = rec(obj.series);
  if (series) {
    last = age(str(series.lastObservedTime) || null, now);
    count = typeof series.count === 'number' ? series.count : 0;
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }
  const involved = rec(obj.involvedObject) ?? {};
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  return [
    last,
    str(obj.type),
    str(obj.reason),
    target,
    str(involved.fieldPath),
    eventSourceText(obj),
    str(obj.message).trim(),
    first,
    count,
    obj.metadata.name ?? '',
  ];
}

export const table: TablePrinter = {
  columns: [
    { name: 'Last Seen', type: 'string', format: '', description: eventLastTimestamp, priority: 0 },
    { name: 'Type', type: 'string', format: '', description: eventType, priority: 0 },
    { name: 'Reason', type: 'string', format: '', description: eventReason, priority: 0 },
    { name: 'Object', type: 'string', format: '', description: eventInvolvedObject, priority: 0 },
    { name: 'Subobject', type: 'string', format: '', description: objectReferenceFieldPath, priority: 1 },
    { name: 'Source', type: 'string', format: '', description: eventSource, priority: 1 },
    { name: 'Message', type: 'string', format: '', description: eventMessage, priority: 0 },
    { name: 'First Seen', type: 'string', format: '', description: eventFirstTimestamp, priority: 1 },
    { name: 'Count', type: 'string', format: '', description: eventCount, priority: 1 },
    { name: 'Name', type: 'string', format: 'name', description: objectMetaName, priority: 1 },
  ],
  row: eventRow,
};

/** ToSelectableFields (pkg/registry/core/event/strategy.go): `source` is source.component, else reportingComponent. */
export const selectableFields: SelectableFields = {
  source: (obj) => str(rec(obj.source)?.component) || str(obj.reportingComponent),
};
