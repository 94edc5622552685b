// Loads @peculiar/x509 for code that wants a full X.509 toolkit (CSRs, chain building, tests). Not on
// the startup path: importing it costs ~250 ms. Its tsyringe dependency refuses to load without the
// Reflect metadata API (the `reflect-metadata` package, which is not a dependency here); the few calls
// tsyringe makes are served by the small WeakMap shim below when no polyfill is present.
import { webcrypto } from 'node:crypto';

type Peculiar = typeof import('@peculiar/x509');
let loading: Promise<Peculiar> | undefined;

export function loadPeculiar(): Promise<Peculiar> {
  return (loading ??= (async () => {
    installReflectMetadataShim();
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    return x509;
  })());
}

type MetadataKey = unknown;
type PropertyKey = string | symbol | undefined;

function installReflectMetadataShim(): void {
  const r = Reflect as unknown as Record<string, unknown>;
  if (typeof r.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<PropertyKey, Map<MetadataKey, unknown>>>();
  const table = (target: object, prop: PropertyKey, create: boolean) => {
    let byProp = store.get(target);
    if (!byProp && create) store.set(target, (byProp = new Map()));
    let byKey = byProp?.get(prop);
    if (!byKey && create && byProp) byProp.set(prop, (byKey = new Map()));
    return byKey;
  };
  r.defineMetadata = (key: MetadataKey, value: unknown, target: object, prop?: PropertyKey) => {
    table(target, prop, true)!.set(key, value);
  };
  r.getOwnMetadata = (key: MetadataKey, target: object, prop?: PropertyKey) => table(target, prop, false)?.get(key);
  r.hasOwnMetadata = (key: MetadataKey, target: object, prop?: PropertyKey) =>
    table(target, prop, false)?.has(key) ?? false;
  // The inherited lookups walk the prototype chain, like reflect-metadata's.
  const owner = (key: MetadataKey, target: object, prop: PropertyKey) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      if (table(t, prop, false)?.has(key)) return t;
    }
    return undefined;
  };
  r.getMetadata = (key: MetadataKey, target: object, prop?: PropertyKey) => {
    const t = owner(key, target, prop);
    return t ? table(t, prop, false)!.get(key) : undefined;
  };
  r.hasMetadata = (key: MetadataKey, target: object, prop?: PropertyKey) => owner(key, target, prop) !== undefined;
  r.metadata = (key: MetadataKey, value: unknown) => (target: object, prop?: PropertyKey) => {
    table(target, prop, true)!.set(key, value);
  };
}
