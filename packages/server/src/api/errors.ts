// The one place that builds Kubernetes `Status` errors (k8s.io/apimachinery/pkg/api/errors). Handlers throw
// StatusError; the server chain writes it. Messages are kube-apiserver's, byte for byte.
import { type FieldError, errorBody, fieldErrorString } from './field.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A group + resource (plural), printed as `resource` or `resource.group`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function grString(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class StatusError extends Error {
  readonly status: Status;
  /** Extra response headers (Retry-After, Warning...). */
  headers?: Record<string, string>;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): StatusError {
  const s = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as Status;
  if (reason) s.reason = reason;
  if (details) s.details = details;
  s.code = code;
  return new StatusError(s);
}

function grDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** Go's aggregate error text: one message verbatim, several as `[a, b]` after flattening and de-duplication. */
export function aggregate(messages: readonly string[]): string {
  const uniq = [...new Set(messages)];
  if (uniq.length === 0) return '';
  if (uniq.length === 1) return uniq[0]!;
  return `[${uniq.join(', ')}]`;
}

const inconsistentContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export const errors = {
  notFound(gr: GroupResource, name: string): StatusError {
    return failure(404, 'NotFound', `${grString(gr)} "${name}" not found`, grDetails(gr, name));
  },
  alreadyExists(gr: GroupResource, name: string): StatusError {
    return failure(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, grDetails(gr, name));
  },
  /** `generateName` collisions retry on the client: kube-apiserver says so with a different message. */
  generateNameConflict(gr: GroupResource, name: string): StatusError {
    const d = grDetails(gr, name);
    d.retryAfterSeconds = 1;
    return failure(
      409,
      'AlreadyExists',
      `${grString(gr)} "${name}" already exists, the server was not able to generate a unique name for the object`,
      d,
    );
  },
  conflict(gr: GroupResource, name: string, err: string): StatusError {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${err}`,
      grDetails(gr, name),
    );
  },
  invalid(kind: { group: string; kind: string }, name: string, errs: readonly FieldError[]): StatusError {
    const qk = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
    const d: StatusDetails = {};
    if (name) d.name = name;
    if (kind.group) d.group = kind.group;
    // Go omits an empty kind (handlers/patch.go answers with an empty GroupKind)
    if (kind.kind) d.kind = kind.kind;
    d.causes = errs.map((e) => {
      const c: StatusCause = { reason: e.type, message: errorBody(e) };
      if (e.field) c.field = e.field;
      return c;
    });
    return failure(422, 'Invalid', `${qk} "${name}" is invalid: ${aggregate(errs.map(fieldErrorString))}`, d);
  },
  badRequest(message: string): StatusError {
    return failure(400, 'BadRequest', message);
  },
  forbidden(gr: GroupResource | null, name: string, err: string): StatusError {
    if (!gr || (!gr.group && !gr.resource)) return failure(403, 'Forbidden', `forbidden: ${err}`, {});
    const prefix = name ? `${grString(gr)} "${name}" is forbidden` : `${grString(gr)} is forbidden`;
    return failure(403, 'Forbidden', `${prefix}: ${err}`, grDetails(gr, name));
  },
  unauthorized(message = 'Unauthorized'): StatusError {
    return failure(401, 'Unauthorized', message);
  },
  methodNotSupported(gr: GroupResource, action: string): StatusError {
    return failure(
      405,
      'MethodNotAllowed',
      `${action} is not supported on resources of kind "${grString(gr)}"`,
      grDetails(gr, ''),
    );
  },
  /**
   * go-restful's 405 for a path with routes but none for the method (`kubectl get tokenreviews`): its service error
   * handler (apiserver/pkg/server/handler.go) writes NewGenericServerResponse(405), empty details included.
   */
  restfulMethodNotAllowed(): StatusError {
    return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  },
  /** 404 for a path that names no resource (kube-apiserver answers these with a bare NotFound). */
  pathNotFound(): StatusError {
    return failure(404, 'NotFound', 'the server could not find the requested resource', {});
  },
  gone(message: string): StatusError {
    return failure(410, 'Gone', message);
  },
  resourceExpired(message: string): StatusError {
    return failure(410, 'Expired', message);
  },
  tooLarge(message: string): StatusError {
    return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
  },
  notAcceptable(message: string): StatusError {
    return failure(406, 'NotAcceptable', message);
  },
  unsupportedMediaType(accepted: string): StatusError {
    return failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    );
  },
  tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
    const e = failure(429, 'TooManyRequests', message, { retryAfterSeconds });
    e.headers = { 'Retry-After': String(retryAfterSeconds) };
    return e;
  },
  internal(err: string): StatusError {
    return failure(500, 'InternalError', `Internal error occurred: ${err}`, { causes: [{ message: err }] });
  },
  serviceUnavailable(message: string): StatusError {
    return failure(503, 'ServiceUnavailable', message);
  },
  timeout(message: string, retryAfterSeconds = 0): StatusError {
    // retryAfterSeconds is omitempty: 0 leaves an empty details object, as NewTimeoutError(msg, 0) does.
    return failure(504, 'Timeout', message, retryAfterSeconds ? { retryAfterSeconds } : {});
  },
  /**
   * A continue token whose revision was compacted (etcd3 handleCompactedErrorForPaging): 410 Expired carrying a
   * token that continues the same list at the latest revision.
   */
  continueExpired(newToken: string): StatusError {
    const e = failure(410, 'Expired', inconsistentContinue);
    e.status.metadata = { continue: newToken };
    return e;
  },
  /**
   * errors.NewGenericServerResponse(422, "", {}, "", msg, 0, false): the server's own message is dropped, so
   * every JSON-patch application failure (failed test, missing path...) reads the same.
   */
  genericUnprocessable(): StatusError {
    return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  },
  /** go-restful's answer when no route consumes the Content-Type, passed through NewGenericServerResponse. */
  restfulUnsupportedMediaType(): StatusError {
    return failure(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  },
  /** A plain Go error reaching the response writer: 500, reason Unknown (omitted), message verbatim. */
  plain(message: string): StatusError {
    return failure(500, undefined, message);
  },
  /** A plain Go error a registry wraps with reason Unknown spelled out: 500, message verbatim. */
  unknown(message: string): StatusError {
    return failure(500, 'Unknown', message);
  },
  /** errors.NewApplyConflict: 409 Conflict whose details carry only the causes. */
  applyConflict(causes: StatusCause[], message: string): StatusError {
    return failure(409, 'Conflict', message, { causes });
  },
  /** storage.NewTooLargeResourceVersionError: apierrors.NewTimeoutError ("Timeout: " prefix) with a cause. */
  tooLargeResourceVersion(minimum: number, current: number, retryAfterSeconds: number): StatusError {
    return failure(504, 'Timeout', `Timeout: Too large resource version: ${minimum}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds,
    });
  },
};

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

export function successStatus(details?: StatusDetails): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
