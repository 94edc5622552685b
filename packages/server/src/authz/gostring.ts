// Go's %#v renderings of the few structs kube-apiserver puts into field errors in this area (validation runs on
// the internal types, hence `rbac.RoleRef`, `authorization.NonResourceAttributes`, `v1.ObjectMeta`).
import type { ObjectMeta } from '../api/types.js';
import { goTimeGoString } from '../gocompat/time.js';
import { goQuote } from '../gocompat/quote.js';

export function goRoleRef(r: { apiGroup: string; kind: string; name: string }): string {
  return `rbac.RoleRef{APIGroup:${goQuote(r.apiGroup)}, Kind:${goQuote(r.kind)}, Name:${goQuote(r.name)}}`;
}

export function goNonResourceAttributes(a: { path?: string; verb?: string }): string {
  return `authorization.NonResourceAttributes{Path:${goQuote(a.path ?? '')}, Verb:${goQuote(a.verb ?? '')}}`;
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
    `CreationTimestamp:${goTimeGoString(m.creationTimestamp)}, ` +
    `DeletionTimestamp:${m.deletionTimestamp ? goTimeGoString(m.deletionTimestamp) : '<nil>'}, ` +
    `DeletionGracePeriodSeconds:${m.deletionGracePeriodSeconds === undefined ? '(*int64)(nil)' : `(*int64)(${m.deletionGracePeriodSeconds})`}, ` +
    `Labels:${goStringMap(m.labels)}, Annotations:${goStringMap(m.annotations)}, OwnerReferences:${owners}, ` +
    `Finalizers:${goStringSlice(m.finalizers)}, ManagedFields:${managed}}`
  );
}
