// ServiceAccount admission for Pods (plugin/pkg/admission/serviceaccount): default serviceAccountName,
// the SA must exist, and the kube-api-access projected volume mounted at the well-known path.
import { randomInt } from 'node:crypto';
import { errors } from '../api/errors.js';
import type { KObject } from '../api/types.js';
import type { ObjectLookup } from '../storage/lookup.js';
import type { AdmissionPlugin } from './chain.js';

export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const volumePrefix = 'kube-api-access-';
const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

interface Container {
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<{ name: string; projected?: unknown }>;
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  imagePullSecrets?: Array<{ name: string }>;
}

export function projectedTokenVolume(name: string) {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

export function serviceAccountAdmission(lookup: ObjectLookup): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    admit(op, def, pod, _old, ctx) {
      if (op !== 'CREATE' || def.group !== '' || def.resource !== 'pods' || ctx.info.subresource) return;
      const spec = (pod.spec ??= {}) as PodSpec;
      if (isMirrorPod(pod)) {
        if (spec.serviceAccountName) throw forbidden(pod, 'a mirror pod may not reference service accounts');
        return;
      }
      if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
      const saName = spec.serviceAccountName;
      // The deprecated alias mirrors the name, as the v1 conversion does.
      spec.serviceAccount = saName;
      const ns = ctx.info.namespace;
      const sa = lookup.get('', 'serviceaccounts', ns, saName);
      if (!sa)
        throw forbidden(pod, `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
      const automount =
        spec.automountServiceAccountToken ?? (sa.automountServiceAccountToken as boolean | undefined) ?? true;
      if (automount) mountToken(spec);
      if (!spec.imagePullSecrets?.length) {
        const pulls = sa.imagePullSecrets as Array<{ name: string }> | undefined;
        if (pulls?.length) spec.imagePullSecrets = pulls.map((p) => ({ name: p.name }));
      }
    },
  };
}

function isMirrorPod(pod: KObject): boolean {
  return !!pod.metadata.annotations?.['kubernetes.io/config.mirror'];
}

function forbidden(pod: KObject, msg: string) {
  return errors.forbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '', msg);
}

function mountToken(spec: PodSpec): void {
  spec.volumes ??= [];
  let vol = spec.volumes.find((v) => v.name.startsWith(volumePrefix));
  if (!vol) {
    let name: string;
    do {
      name = volumePrefix;
      for (let i = 0; i < 5; i++) name += nameChars[randomInt(nameChars.length)];
    } while (spec.volumes.some((v) => v.name === name));
    vol = projectedTokenVolume(name);
    spec.volumes.push(vol);
  }
  for (const list of [spec.initContainers, spec.containers]) {
    for (const c of list ?? []) {
      if (c.volumeMounts?.some((m) => m.mountPath === tokenMountPath)) continue;
      (c.volumeMounts ??= []).push({ name: vol.name, readOnly: true, mountPath: tokenMountPath });
    }
  }
}
