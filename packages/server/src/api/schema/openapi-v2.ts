// /openapi/v2: the Swagger 2.0 document of every served group version, derived from the /openapi/v3 documents
// (which come from the resource definitions and the component schemas), so the two never disagree. kube-openapi
// builds both from the same routes; the v2 shapes below follow kube-apiserver's swagger.json: `definitions`
// with `x-kubernetes-group-version-kind`, one operation per verb with `consumes`/`produces`/`schemes`, a `body`
// parameter instead of a request body, and typed parameters instead of parameter schemas.
// kubectl 1.27-1.33 read it for client-side validation (kinds without a PATCH operation in v3, such as the
// review kinds), for strategic-merge metadata in client-side apply and diff, and for `explain` with
// --output=plaintext-openapiv2.
import { schemaRefPrefix } from './dsl.js';
import { components } from './index.js';
import type { Schema } from './types.js';

type Json = Record<string, unknown>;
const definitionsPrefix = '#/definitions/';
const verbs = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The v3 documents' parts this conversion reads. */
export interface OpenAPIV3Doc {
  info: { title: string; version: string };
  paths: Record<string, Json>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Json> };
  security: Json[];
}

const ref = (r: string) => (r.startsWith(schemaRefPrefix) ? definitionsPrefix + r.slice(schemaRefPrefix.length) : r);

// kube-apiserver's v2 forms of the apimachinery types whose v3 form is a `oneOf` (their OpenAPIV2Definition).
const v2Forms: Record<string, Json> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
};

/** A component schema in Swagger 2.0 (no `nullable`, no `oneOf`, references into `#/definitions/`). */
export function schemaV2(s: Schema): Json {
  if (s.allOf?.length === 1 && !s.properties && !s.type) {
    const { allOf, ...rest } = s;
    return schemaV2({ ...rest, ...allOf[0]! });
  }
  const out: Json = {};
  if (s.$ref !== undefined) out.$ref = ref(s.$ref);
  if (s.description !== undefined) out.description = s.description;
  if (s.type !== undefined) out.type = s.type;
  if (s.format !== undefined) out.format = s.format;
  if (s.default !== undefined) out.default = s.default;
  if (s.enum !== undefined) out.enum = s.enum;
  if (s.required !== undefined) out.required = s.required;
  if (s.items) out.items = schemaV2(s.items);
  if (s.allOf) out.allOf = s.allOf.map(schemaV2);
  if (s.properties) {
    const props: Json = {};
    for (const [k, p] of Object.entries(s.properties)) props[k] = schemaV2(p);
    out.properties = props;
  }
  if (s.additionalProperties !== undefined)
    out.additionalProperties =
      typeof s.additionalProperties === 'boolean' ? s.additionalProperties : schemaV2(s.additionalProperties);
  for (const k of Object.keys(s).sort())
    if (k.startsWith('x-') && k !== 'x-kubernetes-int-or-string') out[k] = s[k as keyof Schema];
  return out;
}

function definition(name: string): Json | undefined {
  const s = components[name];
  if (!s) return undefined;
  const form = v2Forms[name];
  return form ? { ...(s.description ? { description: s.description } : {}), ...form } : schemaV2(s);
}

// A v3 parameter ({name, in, description, required, schema: {type, uniqueItems}}) in v2's flat form, in the
// key order kube-openapi writes (validations, simple schema, then the parameter's own properties).
function parameterV2(p: Json): Json {
  const schema = (p.schema ?? {}) as Json;
  const out: Json = {};
  if (schema.uniqueItems !== undefined) out.uniqueItems = schema.uniqueItems;
  if (schema.type !== undefined) out.type = schema.type;
  if (schema.format !== undefined) out.format = schema.format;
  if (p.description !== undefined) out.description = p.description;
  out.name = p.name;
  out.in = p.in;
  if (p.required) out.required = true;
  return out;
}

type Content = Record<string, { schema?: Schema }>;
const firstSchema = (c: Content | undefined) => (c ? Object.values(c)[0]?.schema : undefined);

function operationV2(op: Json): Json {
  const body = op.requestBody as { content: Content; required?: boolean } | undefined;
  const responses = (op.responses ?? {}) as Record<string, { description: string; content?: Content }>;
  const produces = [...new Set(Object.values(responses).flatMap((r) => Object.keys(r.content ?? {})))];
  const parameters: Json[] = [];
  const bodySchema = firstSchema(body?.content);
  if (bodySchema)
    parameters.push({
      name: 'body',
      in: 'body',
      ...(body!.required ? { required: true } : {}),
      schema: schemaV2(bodySchema),
    });
  for (const p of (op.parameters ?? []) as Json[]) parameters.push(parameterV2(p));
  const res: Json = {};
  for (const [code, r] of Object.entries(responses)) {
    const s = firstSchema(r.content);
    res[code] = s ? { description: r.description, schema: schemaV2(s) } : { description: r.description };
  }
  const out: Json = {
    description: op.description,
    consumes: body ? Object.keys(body.content) : ['*/*'],
    produces,
    schemes: ['https'],
    tags: op.tags,
    operationId: op.operationId,
  };
  if (parameters.length) out.parameters = parameters;
  out.responses = res;
  for (const k of Object.keys(op).sort()) if (k.startsWith('x-')) out[k] = op[k];
  return out;
}

function pathItemV2(item: Json): Json {
  const out: Json = {};
  for (const v of verbs) if (item[v]) out[v] = operationV2(item[v] as Json);
  const params = (item.parameters ?? []) as Json[];
  if (params.length) out.parameters = params.map(parameterV2);
  return out;
}

/**
 * `GET /openapi/v2`: one Swagger 2.0 document for all of `docs` (the /openapi/v3 documents of the served group
 * versions). Paths and definitions are sorted by name, as Go's encoding/json writes maps.
 */
export function openapiV2Document(docs: OpenAPIV3Doc[], serverVersion = 'v1.33.0'): Json {
  const paths: Record<string, Json> = {};
  const names = new Set<string>();
  for (const d of docs) {
    for (const [p, item] of Object.entries(d.paths)) paths[p] = pathItemV2(item);
    for (const n of Object.keys(d.components.schemas)) names.add(n);
  }
  const definitions: Json = {};
  for (const n of [...names].sort()) {
    const s = definition(n);
    if (s) definitions[n] = s;
  }
  const sortedPaths: Json = {};
  for (const p of Object.keys(paths).sort()) sortedPaths[p] = paths[p];
  const first = docs[0];
  return {
    swagger: '2.0',
    info: { title: first?.info.title ?? 'Kubernetes', version: serverVersion },
    paths: sortedPaths,
    definitions,
    securityDefinitions: first?.components.securitySchemes ?? {},
    security: first?.security ?? [],
  };
}
