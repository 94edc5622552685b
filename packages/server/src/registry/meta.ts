// Object-metadata bookkeeping done by the generic registry (BeforeCreate/BeforeUpdate in kube-apiserver).
import { randomInt, randomUUID } from 'node:crypto';
import { setKey } from '../api/ownkeys.js';
import type { KObject } from '../api/types.js';

// metav1.Time and MicroTime's text lives with the clock (audit events format it too, below this layer).
export { microTime, rfc3339 } from '../clock/format.js';

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
/** names.SimpleNameGenerator: base truncated to 58 chars plus 5 random characters. */
export function generateName(base: string): string {
  const b = base.length > 58 ? base.slice(0, 58) : base;
  let s = '';
  for (let i = 0; i < 5; i++) s += alphanums[randomInt(alphanums.length)];
  return b + s;
}

export function newUid(): string {
  return randomUUID();
}

/** Deep copy for objects read from the store (which must never be mutated). */
export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** Field order kube-apiserver serializes: apiVersion/kind first, then metadata, then the rest. */
export function canonical(obj: KObject, apiVersion: string, kind: string): KObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  return { kind, apiVersion, metadata: orderMeta(metadata), ...rest } as KObject;
}

const metaOrder = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
/** Go's `omitempty`: an empty labels/annotations map or finalizers/ownerReferences list is never serialized. */
function emptyOmitted(k: string, v: unknown): boolean {
  if (k === 'labels' || k === 'annotations') return typeof v === 'object' && v !== null && !Object.keys(v).length;
  return (k === 'finalizers' || k === 'ownerReferences') && Array.isArray(v) && !v.length;
}
function orderMeta(m: KObject['metadata']): KObject['metadata'] {
  const out: Record<string, unknown> = {};
  const src = m as Record<string, unknown>;
  for (const k of metaOrder) if (src[k] !== undefined && !emptyOmitted(k, src[k])) out[k] = src[k];
  // The rest are unknown members of the request's metadata: setKey, so `__proto__` cannot become a prototype.
  for (const k of Object.keys(src)) if (!metaOrder.includes(k) && src[k] !== undefined) setKey(out, k, src[k]);
  return out as KObject['metadata'];
}
