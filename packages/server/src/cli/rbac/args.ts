// Parsing of the words kubectl users type: `deployments.apps/scale`, `User/alice`, `ServiceAccount/ns/name`.
import { FlagError } from '../flags.js';
import type { AccessQuery } from '../../authz/explain/query.js';
import type { Subject } from '../../authz/rbac/types.js';

/** `resource[.group][/subresource]`: kubectl's resource.group form (`deployments.apps`, `pods/log`). */
export function parseResource(arg: string): { resource: string; subresource: string; apiGroup: string } {
  const slash = arg.indexOf('/');
  const head = slash < 0 ? arg : arg.slice(0, slash);
  const subresource = slash < 0 ? '' : arg.slice(slash + 1);
  const dot = head.indexOf('.');
  const resource = dot < 0 ? head : head.slice(0, dot);
  const apiGroup = dot < 0 ? '' : head.slice(dot + 1);
  if (!resource) throw new FlagError(`invalid resource "${arg}": expected RESOURCE[.GROUP][/SUBRESOURCE]`);
  return { resource, subresource, apiGroup };
}

/** VERB RESOURCE [NAME] or VERB with --non-resource-url. */
export function parseQuery(args: string[], namespace: string, url: string | undefined): AccessQuery {
  const [verb, res, name, ...extra] = args;
  if (!verb) throw new FlagError('you must specify a VERB');
  if (url !== undefined) {
    if (res) throw new FlagError('--non-resource-url takes no RESOURCE');
    return { verb, nonResourceURL: url };
  }
  if (!res) throw new FlagError('you must specify a RESOURCE (or --non-resource-url URL)');
  if (extra.length) throw new FlagError(`unexpected arguments: ${extra.join(' ')}`);
  return { verb, ...parseResource(res), name: name ?? '', namespace };
}

/** `User/alice`, `Group/dev`, `ServiceAccount/ns/name` (also `sa/ns/name`, and `ns:name` for a ServiceAccount). */
export function parseSubject(text: string): Subject {
  const parts = text.split('/');
  const kind = parts[0]!.toLowerCase();
  if ((kind === 'serviceaccount' || kind === 'sa') && parts.length === 3)
    return { kind: 'ServiceAccount', namespace: parts[1]!, name: parts[2]! };
  if (kind === 'user' && parts.length >= 2) return { kind: 'User', name: parts.slice(1).join('/') };
  if (kind === 'group' && parts.length >= 2) return { kind: 'Group', name: parts.slice(1).join('/') };
  throw new FlagError(`invalid subject "${text}": expected User/NAME, Group/NAME or ServiceAccount/NAMESPACE/NAME`);
}

/** `--serviceaccount NS:NAME` as kubectl's --serviceaccount takes it. */
export function parseServiceAccountFlag(v: string): { namespace: string; name: string } {
  const i = v.indexOf(':');
  if (i <= 0 || i === v.length - 1 || v.indexOf(':', i + 1) >= 0)
    throw new FlagError(`invalid --serviceaccount "${v}": expected NAMESPACE:NAME`);
  return { namespace: v.slice(0, i), name: v.slice(i + 1) };
}
