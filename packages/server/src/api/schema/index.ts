// The component schemas of every kind kubeauth serves (OpenAPI v3, Kubernetes' names and extensions), and
// lookups by name and by group/version/kind. Used for unknown-field checks, patch semantics and /openapi/v3.
import { buildComponents, schemaRefPrefix } from './dsl.js';
import { apiextensions, untyped } from './defs/apiextensions.js';
import { authn, authnAlpha, authnBeta } from './defs/authn.js';
import { authz } from './defs/authz.js';
import { core } from './defs/core.js';
import { apimachinery, meta } from './defs/meta.js';
import { rbac } from './defs/rbac.js';
import { coordination } from './defs/coordination.js';
import { discovery } from './defs/discovery.js';
import type { Schema, SchemaResolver } from './types.js';

export type { Schema, SchemaResolver } from './types.js';

const packages = { meta, core, authn, authnBeta, authnAlpha, authz, rbac, apiextensions, coordination, discovery };

/** Every group/version kubeauth has types for, core first. */
export const groupVersions: { group: string; version: string }[] = Object.values(packages)
  .filter((p) => p.version && p !== meta)
  .map((p) => ({ group: p.group ?? '', version: p.version! }));

export const components: Record<string, Schema> = { ...buildComponents(packages), ...apimachinery, ...untyped };

// DeleteOptions and WatchEvent are registered in every group version.
for (const kind of ['DeleteOptions', 'WatchEvent'])
  components[`${meta.prefix}.${kind}`]!['x-kubernetes-group-version-kind'] = groupVersions.map((gv) => ({
    ...gv,
    kind,
  }));

const byGvk = new Map<string, string>();
for (const [name, s] of Object.entries(components))
  for (const g of s['x-kubernetes-group-version-kind'] ?? []) byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);

/** Resolves `#/components/schemas/<name>` or a bare component name. */
export const resolve: SchemaResolver = (ref) =>
  components[ref.startsWith(schemaRefPrefix) ? ref.slice(schemaRefPrefix.length) : ref];

/** Component name of a kind, e.g. ('', 'v1', 'Pod') -> `io.k8s.api.core.v1.Pod`. */
export function kindSchemaName(group: string, version: string, kind: string): string | undefined {
  return byGvk.get(`${group}/${version}/${kind}`);
}

/** Component schema of a kind (properties, patch strategies, list-map keys, ...). */
export function schemaForKind(group: string, version: string, kind: string): Schema | undefined {
  const name = kindSchemaName(group, version, kind);
  return name === undefined ? undefined : components[name];
}

/** The component a schema node stands for, following `$ref` and single-element `allOf`. */
export function deref(s: Schema): Schema {
  for (let i = 0; i < 8; i++) {
    const next = s.$ref !== undefined ? resolve(s.$ref) : s.allOf?.length === 1 ? s.allOf[0] : undefined;
    if (!next) return s;
    s = next;
  }
  return s;
}
