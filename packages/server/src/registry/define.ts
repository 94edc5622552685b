// Shorthand constructors for resource definitions.
import type { ResourceDef, SubresourceDef } from './resource.js';
import type { ResourceStrategy, TablePrinter } from './types.js';

export const crudVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface StoredSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceDef[];
  schemaPackage: string;
  fieldSelectors?: string[];
  selectableFields?: ResourceDef['selectableFields'];
  strategy: ResourceStrategy;
  table?: TablePrinter;
  allowCreateOnUpdate?: boolean;
  deleteStrategy?: ResourceDef['deleteStrategy'];
  beforeWrite?: ResourceDef['beforeWrite'];
}

export function stored(s: StoredSpec): ResourceDef {
  return {
    group: s.group,
    version: s.version,
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? crudVerbs,
    subresources: s.subresources ?? [],
    schemaName: `${s.schemaPackage}.${s.kind}`,
    fieldSelectors: s.fieldSelectors ?? [],
    selectableFields: s.selectableFields,
    strategy: s.strategy,
    table: s.table,
    allowCreateOnUpdate: s.allowCreateOnUpdate ?? false,
    deleteStrategy: s.deleteStrategy,
    beforeWrite: s.beforeWrite,
  };
}

export function virtual(s: {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced?: boolean;
  schemaPackage: string;
  singular?: string;
  create: NonNullable<ResourceDef['virtualCreate']>;
}): ResourceDef {
  return {
    group: s.group,
    version: s.version,
    resource: s.resource,
    singular: s.singular ?? s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? false,
    shortNames: [],
    categories: [],
    verbs: ['create'],
    subresources: [],
    schemaName: `${s.schemaPackage}.${s.kind}`,
    fieldSelectors: [],
    allowCreateOnUpdate: false,
    virtualCreate: s.create,
  };
}
