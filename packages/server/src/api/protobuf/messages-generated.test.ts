// The protobuf field tables are generated from the schema defs (generate.ts, `npm run gen:protobuf`): the committed
// messages.generated.ts must be exactly what the generator writes from the defs as they are now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { protobufTables } from './generate.js';
import { messages } from './messages.js';

// Tests run from dist/; the generated file is compared in src/.
const src = fileURLToPath(new URL('.', import.meta.url)).replace(/\/dist\/api\/protobuf\/$/, '/src/api/protobuf/');

test('messages.generated.ts is what `npm run gen:protobuf` writes from the schema defs', () => {
  assert.equal(
    readFileSync(src + 'messages.generated.ts', 'utf8'),
    protobufTables(),
    'stale: run `npm run gen:protobuf` and commit the result',
  );
});

test('every message of the tables resolves: field types name known messages, embedded structs included', () => {
  for (const [name, m] of messages)
    for (const f of m.fields)
      if (f.kind === 'message') assert.ok(messages.has(f.type), `${name}.${f.name}: ${f.type} is a message`);
  assert.ok(messages.size >= 190, `${messages.size} messages`);
  // A kind's TypeMeta is in the envelope, not the message; the schema's kind/apiVersion are not fields here.
  assert.equal(messages.get('core.Pod')!.fields[0]!.name, 'metadata');
  assert.deepEqual(
    messages.get('core.Volume')!.fields.map((f) => [f.name, f.number, f.type]),
    [
      ['name', 1, 's'],
      ['...', 2, 'core.VolumeSource'],
    ],
  );
});
