// The ListOptions query parameters of a list or watch, decoded, defaulted and validated as kube-apiserver's
// handlers/get.go listOpts does: ParameterCodec.DecodeParameters (400 on a bad number), SetListOptionsDefaults
// with the WatchList feature on (the default since 1.34), then ValidateListOptions (422 on meta.k8s.io
// ListOptions). Sources: apimachinery pkg/apis/meta/internalversion/{defaults.go,validation/validation.go},
// pkg/runtime/conversion.go.
import { errors } from '../api/errors.js';
import { forbidden, notSupported, type FieldError } from '../api/field.js';
import { goQuote } from '../gocompat/quote.js';

export const notOlderThan = 'NotOlderThan';
export const exact = 'Exact';

export interface ListOptions {
  /** The `watch` parameter as the codec reads it (a `/watch/` path alone leaves it false). */
  watch: boolean;
  resourceVersion: string;
  resourceVersionMatch: string;
  /** Undefined when the parameter is absent: present with any value it is "set" for validation. */
  sendInitialEvents: boolean | undefined;
  allowWatchBookmarks: boolean;
  continue: string;
  timeoutSeconds: number | undefined;
}

/** runtime.Convert_Slice_string_To_bool: only "0" and "false" (any case) are false; "" is true. */
export function queryBool(v: string): boolean {
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** strconv.ParseInt(s, 10, 64) with Go's error text. */
export function parseInt64(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n)
    throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return Number(n);
}

/** The codec's decoding: a parameter given twice is read from its first value. */
export function decodeListOptions(q: URLSearchParams): ListOptions {
  const bool = (name: string): boolean | undefined => {
    const v = q.get(name);
    return v === null ? undefined : queryBool(v);
  };
  const timeout = q.get('timeoutSeconds');
  let timeoutSeconds: number | undefined;
  if (timeout !== null) {
    try {
      timeoutSeconds = parseInt64(timeout);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
  }
  return {
    watch: bool('watch') ?? false,
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? '',
    sendInitialEvents: bool('sendInitialEvents'),
    allowWatchBookmarks: bool('allowWatchBookmarks') ?? false,
    continue: q.get('continue') ?? '',
    timeoutSeconds,
  };
}

/** SetListOptionsDefaults: a legacy watch (resourceVersion "" or "0") is a streaming list. */
export function defaultListOptions(o: ListOptions): ListOptions {
  if (o.sendInitialEvents !== undefined || o.resourceVersionMatch !== '') return o;
  if (o.watch && (o.resourceVersion === '' || o.resourceVersion === '0'))
    return { ...o, sendInitialEvents: true, resourceVersionMatch: notOlderThan };
  return o;
}

export function validateListOptions(o: ListOptions): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.watch) {
    if (o.sendInitialEvents !== undefined && match !== notOlderThan)
      errs.push(
        forbidden('resourceVersionMatch', `sendInitialEvents requires setting resourceVersionMatch to ${notOlderThan}`),
      );
    if (match) {
      if (o.sendInitialEvents === undefined)
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
          ),
        );
      if (match !== notOlderThan) errs.push(notSupported('resourceVersionMatch', match, [notOlderThan]));
      if (o.continue)
        errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errs;
  }
  if (match) {
    if (!o.resourceVersion)
      errs.push(
        forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'),
      );
    if (o.continue)
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== exact && match !== notOlderThan)
      errs.push(notSupported('resourceVersionMatch', match, [exact, notOlderThan, '']));
    if (match === exact && o.resourceVersion === '0')
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (o.sendInitialEvents !== undefined)
    errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

/** Decoded, defaulted and validated options; throws the Status kube-apiserver answers with. */
export function listOptions(q: URLSearchParams): ListOptions {
  const o = defaultListOptions(decodeListOptions(q));
  const errs = validateListOptions(o);
  if (errs.length) throw errors.invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errs);
  return o;
}
