// apiextensions.k8s.io/v1 customresourcedefinitions, served as kube-apiserver serves them for a cluster with no
// CRDs: kubectl 1.27-1.33 list them to decide whether a kind is a custom resource before validating it, and a
// 404 there fails `kubectl create -f`. kubeauth serves no custom resources, so it never stores a CRD: reads
// (get, list, watch, status) answer from the empty store as kube would, and a write that would create one is
// refused with 403 Forbidden (see docs/architecture.md, Decisions).
import { errors } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import { stored } from './define.js';
import type { ResourceDef } from './resource.js';
import type { ResourceStrategy } from './types.js';

export const crdRefusal = 'kubeauth does not serve custom resources';

// Never reached: every create is refused before validation, and with no stored CRD there is nothing to update.
const strategy: ResourceStrategy = { validate: () => [], validateUpdate: () => [] };

function refuse(obj: KObject): never {
  throw errors.forbidden(
    { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    obj.metadata.name ?? '',
    crdRefusal,
  );
}

export function apiextensionsResources(): ResourceDef[] {
  return [
    // Names, verbs, categories and the status subresource as apiextensions-apiserver's
    // registry/customresourcedefinition/etcd.go declares them; no printer (its default Name / Created At table).
    stored({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      schemaPackage: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
      subresources: [{ name: 'status', kind: 'CustomResourceDefinition', verbs: ['get', 'patch', 'update'], strategy }],
      strategy,
      beforeWrite: (_ctx, obj) => refuse(obj),
    }),
  ];
}
