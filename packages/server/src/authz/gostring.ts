// Go's %#v renderings of the few structs kube-apiserver puts into field errors in this area (validation runs on
// the internal types, hence `rbac.RoleRef`, `authorization.NonResourceAttributes`, `v1.ObjectMeta`).
import { goQuote } from '../api/field.js';
import type { ObjectMeta } from '../api/types.js';

export function goRoleRef(r: { apiGroup: string; kind: string; name: string }): string {
  return `rbac.RoleRef{APIGroup:${goQuote(r.apiGroup)}, Kind:${goQuote(r.kind)}, Name:${goQuote(r.name)}}`;
}

export function goNonResourceAttributes(a: { path?: string; verb?: string }): string {
  return `authorization.NonResourceAttributes{Path:${goQuote(a.path ?? '')}, Verb:${goQuote(a.verb ?? '')}}`;
}

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** time.Time.GoString. metav1.Time decodes into local time; zero time prints in UTC. */
export function goTimeString(ts: string | null | undefined): string {
  const ms = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(ms)) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
  const d = new Date(ms);
  return `time.Date(${d.getUTCFullYear()}, time.${months[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${d.getUTCMilliseconds() * 1e6}, time.Local)`;
}

function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goStringSlice(l: string[] | undefined): string {
  return l ? `[]string{${l.map(goQuote).join(', ')}}` : '[]string(nil)';
}

/** %#v of a metav1.ObjectMeta (pointer fields that are set print as addresses in Go; shown here as values). */
export function goObjectMeta(m: ObjectMeta): string {
  const owners = m.ownerReferences
    ? `[]v1.OwnerReference{${m.ownerReferences
        .map(
          (o) =>
            `v1.OwnerReference{APIVersion:${goQuote(o.apiVersion ?? '')}, Kind:${goQuote(o.kind ?? '')}, Name:${goQuote(o.name ?? '')}, UID:${goQuote(o.uid ?? '')}, Controller:${o.controller === undefined ? '(*bool)(nil)' : `(*bool)(${o.controller})`}, BlockOwnerDeletion:${o.blockOwnerDeletion === undefined ? '(*bool)(nil)' : `(*bool)(${o.blockOwnerDeletion})`}}`,
        )
        .join(', ')}}`
    : '[]v1.OwnerReference(nil)';
  const managed = m.managedFields
    ? `[]v1.ManagedFieldsEntry{ /* ${m.managedFields.length} entries */ }`
    : '[]v1.ManagedFieldsEntry(nil)';
  return (
    `v1.ObjectMeta{Name:${goQuote(m.name ?? '')}, GenerateName:${goQuote(m.generateName ?? '')}, ` +
    `Namespace:${goQuote(m.namespace ?? '')}, SelfLink:${goQuote(m.selfLink ?? '')}, UID:${goQuote(m.uid ?? '')}, ` +
    `ResourceVersion:${goQuote(m.resourceVersion ?? '')}, Generation:${m.generation ?? 0}, ` +
    `CreationTimestamp:${goTimeString(m.creationTimestamp)}, ` +
    `DeletionTimestamp:${m.deletionTimestamp ? goTimeString(m.deletionTimestamp) : '<nil>'}, ` +
    `DeletionGracePeriodSeconds:${m.deletionGracePeriodSeconds === undefined ? '(*int64)(nil)' : `(*int64)(${m.deletionGracePeriodSeconds})`}, ` +
    `Labels:${goStringMap(m.labels)}, Annotations:${goStringMap(m.annotations)}, OwnerReferences:${owners}, ` +
    `Finalizers:${goStringSlice(m.finalizers)}, ManagedFields:${managed}}`
  );
}
