// Endpoints (core/v1) and EndpointSlices (discovery.k8s.io/v1): the essentials of ValidateEndpoints and
// ValidateEndpointSlice, and kubectl's columns (printEndpoints, printEndpointSlice).
import { type FieldError, invalid, notSupported, required, tooMany } from '../../api/field.js';
import type { KObject } from '../../api/types.js';
import { createErrors, updateErrors } from '../../api/validation/generic.js';
import { ipErrors } from '../../api/validation/ip.js';
import { isDNS1123Label, isValidPortNum, nameIsDNSSubdomain } from '../../api/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/objectmeta.js';
import { arr, recs, str } from '../../api/validation/util.js';
import type { ResourceStrategy, TablePrinter } from '../types.js';
import { ageColumn, nameColumn } from '../printers/default.js';
import { age } from '../printers/duration.js';

type Rec = Record<string, unknown>;
const protocols = ['SCTP', 'TCP', 'UDP'];

function validatePort(p: Rec, at: string, needName: boolean, optionalPort: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (needName && !name) errs.push(required(`${at}.name`));
  else if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(`${at}.name`, name, m));
  if (!(optionalPort && p.port === undefined)) {
    const port = typeof p.port === 'number' ? p.port : 0;
    for (const m of isValidPortNum(port)) errs.push(invalid(`${at}.port`, port, m));
  }
  const proto = str(p.protocol);
  if (!proto) errs.push(required(`${at}.protocol`));
  else if (!protocols.includes(proto)) errs.push(notSupported(`${at}.protocol`, proto, protocols));
  return errs;
}

export function defaultEndpoints(obj: KObject): void {
  for (const s of recs((obj as unknown as Rec).subsets))
    for (const p of recs(s.ports)) if (!p.protocol) p.protocol = 'TCP';
}

function validateEndpoints(obj: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  recs((obj as unknown as Rec).subsets).forEach((s, i) => {
    const at = `subsets[${i}]`;
    const addrs = recs(s.addresses);
    const notReady = recs(s.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0)
      errs.push(required(`${at}`, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [list, field] of [
      [addrs, 'addresses'],
      [notReady, 'notReadyAddresses'],
    ] as const)
      list.forEach((a, j) => {
        for (const m of ipErrors(str(a.ip))) errs.push(invalid(`${at}.${field}[${j}].ip`, str(a.ip), m));
      });
    const ports = recs(s.ports);
    ports.forEach((p, j) => errs.push(...validatePort(p, `${at}.ports[${j}]`, ports.length > 1, false)));
  });
  return errs;
}

export const endpointsStrategy: ResourceStrategy = {
  defaults: defaultEndpoints,
  validate: (obj) => createErrors(validateEndpoints(obj), obj.metadata, true),
  validateUpdate: (obj, old) =>
    updateErrors(
      [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpoints(obj)],
      obj.metadata,
      old.metadata,
      true,
    ),
};

/** formatEndpoints: ip:port pairs, the first three and "+ N more...". */
function endpointsCell(o: KObject): string {
  const all: string[] = [];
  for (const s of recs((o as unknown as Rec).subsets)) {
    const ports = recs(s.ports);
    for (const a of recs(s.addresses)) {
      if (ports.length === 0) all.push(str(a.ip));
      else for (const p of ports) all.push(`${str(a.ip)}:${String(p.port)}`);
    }
  }
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

export const endpointsTable: TablePrinter = {
  columns: [
    nameColumn,
    { name: 'Endpoints', type: 'string', format: '', description: 'Endpoints of the service', priority: 0 },
    ageColumn,
  ],
  row: (o, now) => [o.metadata.name ?? '', endpointsCell(o), age(o.metadata.creationTimestamp, now)],
};

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

export function defaultEndpointSlice(obj: KObject): void {
  for (const p of recs((obj as unknown as Rec).ports)) if (!p.protocol) p.protocol = 'TCP';
  for (const e of recs((obj as unknown as Rec).endpoints)) if (e.conditions === undefined) e.conditions = {};
}

function validateEndpointSlice(obj: KObject): FieldError[] {
  const o = obj as unknown as Rec;
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const type = str(o.addressType);
  if (!type) errs.push(required('addressType'));
  else if (!addressTypes.includes(type)) errs.push(notSupported('addressType', type, addressTypes));
  const eps = recs(o.endpoints);
  if (eps.length > 1000) errs.push(tooMany('endpoints', eps.length, 1000));
  eps.forEach((e, i) => {
    const addrs = arr(e.addresses);
    if (addrs.length === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(`endpoints[${i}].addresses`, addrs.length, 100));
    if (type === 'IPv4' || type === 'IPv6')
      addrs.forEach((a, j) => {
        for (const m of ipErrors(str(a))) errs.push(invalid(`endpoints[${i}].addresses[${j}]`, a, m));
      });
  });
  const ports = recs(o.ports);
  if (ports.length > 20000) errs.push(tooMany('ports', ports.length, 20000));
  ports.forEach((p, i) => errs.push(...validatePort(p, `ports[${i}]`, false, true)));
  return errs;
}

export const endpointSliceStrategy: ResourceStrategy = {
  defaults: defaultEndpointSlice,
  validate: (obj) => createErrors(validateEndpointSlice(obj), obj.metadata, true),
  validateUpdate(obj, old) {
    const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateEndpointSlice(obj)];
    const o = obj as unknown as Rec;
    const prev = old as unknown as Rec;
    if (o.addressType !== prev.addressType) errs.push(invalid('addressType', o.addressType, 'field is immutable'));
    return updateErrors(errs, obj.metadata, old.metadata, true);
  },
};

function listCell(items: string[]): string {
  if (items.length === 0) return '<unset>';
  return items.length > 3 ? `${items.slice(0, 3).join(',')} + ${items.length - 3} more...` : items.join(',');
}

export const endpointSliceTable: TablePrinter = {
  columns: [
    nameColumn,
    {
      name: 'AddressType',
      type: 'string',
      format: '',
      description: 'Type of address carried by this EndpointSlice',
      priority: 0,
    },
    { name: 'Ports', type: 'string', format: '', description: 'Ports of the EndpointSlice', priority: 0 },
    { name: 'Endpoints', type: 'string', format: '', description: 'Addresses of the EndpointSlice', priority: 0 },
    ageColumn,
  ],
  row: (o, now) => {
    const r = o as unknown as Rec;
    const ports = recs(r.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : '<unset>'));
    const addrs = recs(r.endpoints).flatMap((e) => arr(e.addresses).map(str));
    return [
      o.metadata.name ?? '',
      str(r.addressType),
      listCell(ports),
      listCell(addrs),
      age(o.metadata.creationTimestamp, now),
    ];
  },
};
