// Field tables for the Kubernetes protobuf messages kubeauth decodes (Kubernetes 1.33's generated.proto numbers with
// the Go JSON tags of the same structs), generated from the schema defs into messages.generated.ts by
// `npm run gen:protobuf` (generate.ts). One line per message:
//
//   Name: <jsonName>=<fieldNumber>:<type> ...        (indented lines continue the previous one)
//
// type:  s | b | i32 | i64 | u32 | u64 | f32 | f64 | bytes      proto scalars (bytes -> base64 in JSON)
//        Time | MicroTime | Quantity | IntOrString | FieldsV1   apimachinery types with their own JSON form
//        StringList                                            `type X []string` wrappers (ExtraValue...)
//        Name | pkg.Name                                       a message of this / another table
//        []<type> repeated;  {}<type> map<string, type>
// prefix `*`: a Go pointer (written only when set, and then even when zero)
// suffix `?`: the Go JSON tag has omitempty
// name `...`: an embedded Go struct whose fields JSON inlines into the parent (Volume's VolumeSource...)
//
// Go declaration order is kept: it is the JSON key order.
import { authn, authz, core, meta, rbac } from './messages.generated.js';

export type Scalar = 's' | 'b' | 'i32' | 'i64' | 'u32' | 'u64' | 'f32' | 'f64' | 'bytes';
export type Builtin = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'FieldsV1' | 'StringList';

export interface FieldDef {
  /** JSON name (`...` for an inlined embedded struct). */
  name: string;
  number: number;
  /** A scalar, a builtin, or a qualified message name (`core.PodSpec`). */
  type: Scalar | Builtin | string;
  kind: 'scalar' | 'builtin' | 'message';
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
}

export interface MessageDef {
  name: string;
  /** In Go declaration order. */
  fields: FieldDef[];
  byNumber: Map<number, FieldDef>;
}

const scalars = new Set<string>(['s', 'b', 'i32', 'i64', 'u32', 'u64', 'f32', 'f64', 'bytes']);
const builtins = new Set<string>(['Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1', 'StringList']);

const fieldRe = /^(\.\.\.|\w+)=(\d+):(\*?)(\[\]|\{\})?([\w.]+)(\??)$/;

function parseTable(pkg: string, table: string, into: Map<string, MessageDef>): void {
  // Join continuation lines, then one message per line.
  for (const line of table.trim().replace(/\n\s+/g, ' ').split('\n')) {
    const [head, ...specs] = line.split(/\s+/);
    const name = `${pkg}.${head!.slice(0, -1)}`;
    const def: MessageDef = { name, fields: [], byNumber: new Map() };
    for (const spec of specs) {
      const m = fieldRe.exec(spec);
      if (!m) throw new Error(`protobuf table ${name}: bad field ${spec}`);
      const [, json, num, ptr, coll, type, omit] = m;
      const kind = scalars.has(type!) ? 'scalar' : builtins.has(type!) ? 'builtin' : 'message';
      const f: FieldDef = {
        name: json!,
        number: Number(num),
        type: kind === 'message' && !type!.includes('.') ? `${pkg}.${type}` : type!,
        kind,
        repeated: coll === '[]',
        map: coll === '{}',
        pointer: ptr === '*',
        omitempty: omit === '?',
        inline: json === '...',
      };
      def.fields.push(f);
      def.byNumber.set(f.number, f);
    }
    into.set(name, def);
  }
}

/** Every message by qualified name (`meta.ObjectMeta`, `core.Pod`, `authn.TokenRequest`...). */
export const messages: ReadonlyMap<string, MessageDef> = (() => {
  const m = new Map<string, MessageDef>();
  for (const [pkg, table] of Object.entries({ meta, core, authn, authz, rbac })) parseTable(pkg, table, m);
  return m;
})();

// The top-level kinds a request body may carry, by apiVersion.
const kindTable: Record<string, [pkg: string, kinds: string]> = {
  v1: ['core', 'Namespace ServiceAccount Secret ConfigMap Pod Node Event Service'],
  'authentication.k8s.io/v1': ['authn', 'TokenRequest TokenReview SelfSubjectReview'],
  // kubectl auth whoami falls back to these; their status.userInfo is authentication/v1's UserInfo.
  'authentication.k8s.io/v1beta1': ['authn', 'SelfSubjectReview'],
  'authentication.k8s.io/v1alpha1': ['authn', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': [
    'authz',
    'SubjectAccessReview SelfSubjectAccessReview LocalSubjectAccessReview SelfSubjectRulesReview',
  ],
  'rbac.authorization.k8s.io/v1': ['rbac', 'Role ClusterRole RoleBinding ClusterRoleBinding'],
};

const kindMessages = new Map<string, string>();
for (const [apiVersion, [pkg, kinds]] of Object.entries(kindTable))
  for (const kind of kinds.split(' ')) kindMessages.set(`${apiVersion}/${kind}`, `${pkg}.${kind}`);

/** The message of a top-level kind, or undefined when kubeauth does not know it. */
export function messageForKind(apiVersion: string, kind: string): MessageDef | undefined {
  // DeleteOptions is registered in every group version (metav1.AddToGroupVersion).
  const name = kind === 'DeleteOptions' ? 'meta.DeleteOptions' : kindMessages.get(`${apiVersion}/${kind}`);
  return name === undefined ? undefined : messages.get(name);
}
