// The protobuf field tables (messages.ts) and the schema notation (api/schema/defs) describe the same Go structs
// twice. Until one is generated from the other, this test keeps them in step: every message's JSON fields, with
// embedded structs inlined as JSON inlines them, are the schema's fields in the same (Go declaration) order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authn } from '../schema/defs/authn.js';
import { authz } from '../schema/defs/authz.js';
import { core } from '../schema/defs/core.js';
import { meta } from '../schema/defs/meta.js';
import { rbac } from '../schema/defs/rbac.js';
import { messages, type MessageDef } from './messages.js';

const packages: Record<string, { types: Record<string, Record<string, string>> }> = { meta, core, authn, authz, rbac };

/** JSON field names of a message in order, embedded structs expanded. */
function jsonFields(m: MessageDef): string[] {
  return m.fields.flatMap((f) => {
    if (!f.inline) return [f.name];
    const embedded = messages.get(f.type);
    assert.ok(embedded, `${m.name}: embedded ${f.type} is a known message`);
    return jsonFields(embedded);
  });
}

test('every protobuf message has the fields of its schema, in the same order', () => {
  let compared = 0;
  for (const [name, m] of messages) {
    const [pkg, type] = name.split('.') as [string, string];
    const def = packages[pkg]?.types[type];
    // Messages only ever embedded (TypeMeta, ProbeHandler, VolumeSource…) have no schema type of their own.
    if (!def) continue;
    // Kinds (and DeleteOptions) start with TypeMeta's kind and apiVersion in the schema; protobuf carries them in
    // the envelope, outside the message.
    const keys = Object.keys(def).filter((k) => k !== '@');
    const isKind = 'metadata' in def || name === 'meta.DeleteOptions';
    const want = isKind && keys[0] === 'kind' && keys[1] === 'apiVersion' ? keys.slice(2) : keys;
    assert.deepEqual(jsonFields(m), want, name);
    compared++;
  }
  assert.ok(compared >= 180, `${compared} messages compared`);
});
