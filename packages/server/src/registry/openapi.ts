// /openapi/v3 and /openapi/v2 generated from the catalog's resource definitions (v2 from the v3 documents).
import { openapiHash, openapiV3Document as buildDocument, openapiV3Root } from '../api/schema/openapi.js';
import { type OpenAPIV3Doc, openapiV2Document } from '../api/schema/openapi-v2.js';
import type { Catalog, GroupVersionDef } from './catalog.js';
import { gvString } from './resource.js';

const documents = new WeakMap<GroupVersionDef, { doc: unknown; hash: string }>();

function cached(gv: GroupVersionDef): { doc: unknown; hash: string } {
  let c = documents.get(gv);
  if (!c) {
    const doc = buildDocument(gv, gv.resources);
    c = { doc, hash: openapiHash(JSON.stringify(doc)) };
    documents.set(gv, c);
  }
  return c;
}

export function openapiRoot(catalog: Catalog): unknown {
  return openapiV3Root(
    catalog.groups.map((g) => gvString(g)),
    (gv) => cached(catalog.groups.find((g) => gvString(g) === gv)!).hash,
  );
}

export function openapiDocument(gv: GroupVersionDef): unknown {
  return cached(gv).doc;
}

/** The Swagger 2.0 document of every served group version (built on each call: callers cache it). */
export function openapiV2(catalog: Catalog, serverVersion: string): Record<string, unknown> {
  return openapiV2Document(
    catalog.groups.map((g) => cached(g).doc as OpenAPIV3Doc),
    serverVersion,
  );
}
