#!/usr/bin/env node
// Writes packages/server/src/api/protobuf/messages.generated.ts from the schema defs (after a build of the server:
// `npm run gen:protobuf` builds first). The generator is api/protobuf/generate.ts; a unit test checks the
// committed file is exactly what it writes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { protobufTables } = await import(path.join(root, 'packages/server/dist/api/protobuf/generate.js'));
const out = path.join(root, 'packages/server/src/api/protobuf/messages.generated.ts');
writeFileSync(out, protobufTables());
console.log(`wrote ${path.relative(root, out)}`);
