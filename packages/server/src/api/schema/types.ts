// Object schemas are OpenAPI v3 schemas with Kubernetes' extensions: one source for unknown-field checks,
// type checks, strategic-merge/apply list semantics and the /openapi/v3 documents kubectl reads.

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  /** `#/components/schemas/<name>` */
  $ref?: string;
  allOf?: Schema[];
  nullable?: boolean;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-unions'?: unknown[];
}

/** Resolves a `$ref` (or a bare component name) to its schema. */
export type SchemaResolver = (ref: string) => Schema | undefined;
