// A Swagger 2.0 JSON document -> the gnostic `openapi.v2.Document` protobuf message (google/gnostic-models
// openapiv2/OpenAPIv2.proto), which is what kube-apiserver serves at /openapi/v2 for the protobuf Accept types:
// kube-openapi's handler parses its JSON document into that message (ToProtoBinary) and marshals it. Fields go
// out in field-number order, objects' pairs in JSON order (gnostic keeps the document's order), and values the
// proto has no field for (`x-` extensions, `default`, `enum`, `example`) as `Any{yaml}`: the value as YAML text,
// as gnostic stores them. A key the message has no field for is a bug in the document: it throws.
import { yaml } from '../yaml.js';
import { Writer } from './writer.js';

type Json = Record<string, unknown>;
/** Writes JSON value `v` as field `no` of the message being written to `w`. */
type Enc = (w: Writer, no: number, v: unknown) => void;
/** Writes the fields of one message from a JSON object. */
type Body = (w: Writer, v: Json) => void;

const str: Enc = (w, no, v) => void w.string(no, v as string);
const bool: Enc = (w, no, v) => void w.bool(no, v as boolean);
const int64: Enc = (w, no, v) => void w.int64(no, v as number);
const double: Enc = (w, no, v) => void w.double(no, v as number);
const strs: Enc = (w, no, v) => {
  for (const s of v as string[]) w.bytes(no, Buffer.from(s, 'utf8'));
};
const msg =
  (body: Body): Enc =>
  (w, no, v) =>
    void w.message(no, (m) => body(m, v as Json));
const each =
  (enc: Enc): Enc =>
  (w, no, v) => {
    for (const x of v as unknown[]) enc(w, no, x);
  };
/** A JSON object as repeated `Named<X>{name = 1, value = 2}` pairs, in the object's order. */
const named =
  (enc: Enc): Enc =>
  (w, no, v) => {
    for (const [k, x] of Object.entries(v as Json)) w.message(no, (p) => (p.string(1, k), enc(p, 2, x)));
  };
/** `Any{yaml = 2}`: gnostic keeps values of no fixed type as their YAML text. */
const any: Enc = (w, no, v) => void w.message(no, (a) => a.string(2, yaml().stringify(v)));
const vendor = (w: Writer, no: number, v: Json) => {
  for (const [k, x] of Object.entries(v)) if (k.startsWith('x-')) w.message(no, (p) => (p.string(1, k), any(p, 2, x)));
};

/** A message from a table of `json key: [field number, encoder]` and the number of its vendor_extension field. */
function struct(name: string, fields: Record<string, [number, Enc]>, vendorNo?: number): Body {
  const order = Object.entries(fields).sort((a, b) => a[1][0] - b[1][0]);
  return (w, v) => {
    for (const k of Object.keys(v))
      if (!Object.hasOwn(fields, k) && !(vendorNo !== undefined && k.startsWith('x-')))
        throw new Error(`gnostic: ${name} has no field for "${k}"`);
    let vendorDone = vendorNo === undefined;
    for (const [k, [no, enc]] of order) {
      if (!vendorDone && vendorNo! < no) {
        vendor(w, vendorNo!, v);
        vendorDone = true;
      }
      if (v[k] !== undefined) enc(w, no, v[k]);
    }
    if (!vendorDone) vendor(w, vendorNo!, v);
  };
}

// JSON Schema validation keywords shared by the parameter sub-schemas, at their offsets in each message.
function simpleSchema(first: number): Record<string, [number, Enc]> {
  const keys: Array<[string, Enc]> = [
    ['type', str],
    ['format', str],
    ['items', unsupported('items')],
    ['collectionFormat', str],
    ['default', any],
    ['maximum', double],
    ['exclusiveMaximum', bool],
    ['minimum', double],
    ['exclusiveMinimum', bool],
    ['maxLength', int64],
    ['minLength', int64],
    ['pattern', str],
    ['maxItems', int64],
    ['minItems', int64],
    ['uniqueItems', bool],
    ['enum', each(any)],
    ['multipleOf', double],
  ];
  return Object.fromEntries(keys.map(([k, e], i) => [k, [first + i, e]]));
}
function unsupported(what: string): Enc {
  return () => {
    throw new Error(`gnostic: ${what} is not supported`);
  };
}

const schema: Body = (w, v) => schemaBody(w, v);
const schemaBody: Body = struct(
  'Schema',
  {
    $ref: [1, str],
    format: [2, str],
    title: [3, str],
    description: [4, str],
    default: [5, any],
    multipleOf: [6, double],
    maximum: [7, double],
    exclusiveMaximum: [8, bool],
    minimum: [9, double],
    exclusiveMinimum: [10, bool],
    maxLength: [11, int64],
    minLength: [12, int64],
    pattern: [13, str],
    maxItems: [14, int64],
    minItems: [15, int64],
    uniqueItems: [16, bool],
    maxProperties: [17, int64],
    minProperties: [18, int64],
    required: [19, strs],
    enum: [20, each(any)],
    // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }: a set oneof is written even if false.
    additionalProperties: [
      21,
      (w, no, v) => w.message(no, (m) => (typeof v === 'boolean' ? m.bool(2, v, true) : msg(schema)(m, 1, v))),
    ],
    // TypeItem { repeated string value = 1; }
    type: [22, (w, no, v) => w.message(no, (m) => strs(m, 1, Array.isArray(v) ? v : [v]))],
    // ItemsItem { repeated Schema schema = 1; }
    items: [23, (w, no, v) => w.message(no, (m) => each(msg(schema))(m, 1, Array.isArray(v) ? v : [v]))],
    allOf: [24, each(msg(schema))],
    // Properties { repeated NamedSchema additional_properties = 1; }
    properties: [25, (w, no, v) => w.message(no, (m) => named(msg(schema))(m, 1, v))],
    discriminator: [26, str],
    readOnly: [27, bool],
    example: [30, any],
  },
  31,
);

const common = (first: number) => ({
  required: [first, bool] as [number, Enc],
  in: [first + 1, str] as [number, Enc],
  description: [first + 2, str] as [number, Enc],
  name: [first + 3, str] as [number, Enc],
});
const bodyParameter = struct(
  'BodyParameter',
  { description: [1, str], name: [2, str], in: [3, str], required: [4, bool], schema: [5, msg(schema)] },
  6,
);
// NonBodyParameter { oneof { header = 1; formData = 2; query = 3; path = 4 } }; query and formData carry
// allowEmptyValue (5) before the shared keywords.
const withEmpty = { ...common(1), allowEmptyValue: [5, bool] as [number, Enc], ...simpleSchema(6) };
const withoutEmpty = { ...common(1), ...simpleSchema(5) };
const nonBody: Record<string, [number, Body]> = {
  header: [1, struct('HeaderParameterSubSchema', withoutEmpty, 22)],
  formData: [2, struct('FormDataParameterSubSchema', withEmpty, 23)],
  query: [3, struct('QueryParameterSubSchema', withEmpty, 23)],
  path: [4, struct('PathParameterSubSchema', withoutEmpty, 22)],
};
const jsonReference = struct('JsonReference', { $ref: [1, str], description: [2, str] });
// Parameter { oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
const parameter: Body = (w, v) => {
  if (v.in === 'body') return void w.message(1, (b) => bodyParameter(b, v));
  const sub = nonBody[v.in as string];
  if (!sub) throw new Error(`gnostic: parameter in "${String(v.in)}"`);
  w.message(2, (n) => n.message(sub[0], (s) => sub[1](s, v)));
};
// ParametersItem { oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
const parametersItem: Body = (w, v) =>
  void (v.$ref !== undefined ? w.message(2, (r) => jsonReference(r, v)) : w.message(1, (p) => parameter(p, v)));

const response = struct(
  'Response',
  // SchemaItem { oneof { Schema schema = 1; FileSchema file_schema = 2; } }
  { description: [1, str], schema: [2, (w, no, v) => w.message(no, (m) => msg(schema)(m, 1, v))] },
  5,
);
// Responses { repeated NamedResponseValue response_code = 1; vendor_extension = 2 };
// ResponseValue { oneof { Response response = 1; JsonReference json_reference = 2; } }
const responses: Body = (w, v) => {
  for (const [code, r] of Object.entries(v)) {
    if (code.startsWith('x-')) continue;
    const rv = r as Json;
    w.message(1, (p) => {
      p.string(1, code);
      p.message(2, (m) =>
        rv.$ref !== undefined ? m.message(2, (j) => jsonReference(j, rv)) : m.message(1, (x) => response(x, rv)),
      );
    });
  }
  vendor(w, 2, v);
};
// SecurityRequirement { repeated NamedStringArray additional_properties = 1; }, StringArray { repeated string value = 1; }
const securityRequirement: Body = (w, v) => named((m, no, x) => m.message(no, (a) => strs(a, 1, x)))(w, 1, v);

const operation = struct(
  'Operation',
  {
    tags: [1, strs],
    summary: [2, str],
    description: [3, str],
    operationId: [5, str],
    produces: [6, strs],
    consumes: [7, strs],
    parameters: [8, each(msg(parametersItem))],
    responses: [9, msg(responses)],
    schemes: [10, strs],
    deprecated: [11, bool],
    security: [12, each(msg(securityRequirement))],
  },
  13,
);
const pathItem = struct(
  'PathItem',
  {
    $ref: [1, str],
    get: [2, msg(operation)],
    put: [3, msg(operation)],
    post: [4, msg(operation)],
    delete: [5, msg(operation)],
    options: [6, msg(operation)],
    head: [7, msg(operation)],
    patch: [8, msg(operation)],
    parameters: [9, each(msg(parametersItem))],
  },
  10,
);
// Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
const paths: Body = (w, v) => {
  vendor(w, 1, v);
  for (const [p, item] of Object.entries(v))
    if (!p.startsWith('x-')) w.message(2, (n) => (n.string(1, p), msg(pathItem)(n, 2, item)));
};
// SecurityDefinitionsItem { oneof { basic = 1; apiKey = 2; oauth2 flows = 3..6 } }
const apiKey = struct('ApiKeySecurity', { type: [1, str], name: [2, str], in: [3, str], description: [4, str] }, 5);
const basic = struct('BasicAuthenticationSecurity', { type: [1, str], description: [2, str] }, 3);
const securityDefinitionsItem: Body = (w, v) => {
  if (v.type === 'apiKey') w.message(2, (m) => apiKey(m, v));
  else if (v.type === 'basic') w.message(1, (m) => basic(m, v));
  else throw new Error(`gnostic: security definition of type "${String(v.type)}"`);
};

const info = struct('Info', { title: [1, str], version: [2, str], description: [3, str], termsOfService: [4, str] }, 7);
const document = struct(
  'Document',
  {
    swagger: [1, str],
    info: [2, msg(info)],
    host: [3, str],
    basePath: [4, str],
    schemes: [5, strs],
    consumes: [6, strs],
    produces: [7, strs],
    paths: [8, msg(paths)],
    // Definitions { repeated NamedSchema additional_properties = 1; }
    definitions: [9, (w, no, v) => w.message(no, (m) => named(msg(schema))(m, 1, v))],
    // ParameterDefinitions { repeated NamedParameter additional_properties = 1; }
    parameters: [10, (w, no, v) => w.message(no, (m) => named(msg(parameter))(m, 1, v))],
    security: [12, each(msg(securityRequirement))],
    // SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
    securityDefinitions: [13, (w, no, v) => w.message(no, (m) => named(msg(securityDefinitionsItem))(m, 1, v))],
  },
  16,
);

/** The gnostic OpenAPIv2 `Document` encoding of a Swagger 2.0 JSON document. */
export function encodeOpenAPIv2(doc: Record<string, unknown>): Uint8Array {
  const w = new Writer();
  document(w, doc);
  return w.finish();
}
