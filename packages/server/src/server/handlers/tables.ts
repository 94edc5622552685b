// meta.k8s.io Table and PartialObjectMetadata conversions for `kubectl get` (and watch -w), built by the
// registry's printers.
import type { KObject } from '../../api/types.js';
import { buildTable, parseIncludeObject, partialObjectMetadata } from '../../registry/printers/default.js';
import type { ResourceDef } from '../../registry/resource.js';
import type { Entry } from '../../storage/store.js';

export interface Tables {
  table(
    def: ResourceDef,
    entries: Entry[],
    rv: string,
    query: URLSearchParams,
    withColumns: boolean,
    version?: 'v1' | 'v1beta1',
  ): unknown;
  partial(obj: KObject, version?: 'v1' | 'v1beta1'): unknown;
}

export function createTables(now: () => number = Date.now): Tables {
  return {
    table(def, entries, rv, query, withColumns, version = 'v1') {
      return buildTable(
        def.table,
        entries.map((e) => e.object),
        {
          includeObject: parseIncludeObject(query.get('includeObject')),
          noHeaders: !withColumns,
          version,
          resourceVersion: rv,
          now: now(),
        },
      );
    },
    partial: (obj, version = 'v1') => partialObjectMetadata(obj, version),
  };
}
