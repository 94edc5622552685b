// Plain objects used as maps whose keys come from requests (labels, annotations, ConfigMap and Secret keys,
// user extras, claims, patch documents). Any string is a valid key there, including "constructor", "toString"
// and "__proto__": reads must see own properties only, and a write must define an own property ("__proto__"
// assigned with `o[k] = v` would replace the prototype instead of adding a key).

/** Whether `k` is an own property of `o` (never an inherited one such as `constructor`). */
export function hasKey(o: object, k: string): boolean {
  return Object.hasOwn(o, k);
}

/** The own property `k` of `o`, or undefined. */
export function getKey<T>(o: Readonly<Record<string, T>>, k: string): T | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Sets the own property `k` of `o`, even when `k` is "__proto__". */
export function setKey<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
