// Status errors the patch handlers need that api/errors.ts does not build. They are built here with
// kube-apiserver's exact shapes (see the report: these belong in api/errors.ts).
import { StatusError, type Status, type StatusCause } from '../api/errors.js';

function status(code: number, reason: string | undefined, message: string, details?: Status['details']): StatusError {
  const s = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as Status;
  if (reason) s.reason = reason;
  if (details) s.details = details;
  s.code = code;
  return new StatusError(s);
}

/**
 * errors.NewGenericServerResponse(422, "", {}, "", msg, 0, false): the server's own message is dropped, so
 * every JSON-patch application failure (failed test, missing path...) reads the same.
 */
export function genericUnprocessable(): StatusError {
  return status(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** go-restful's answer when no route consumes the Content-Type, passed through NewGenericServerResponse. */
export function restfulUnsupportedMediaType(): StatusError {
  return status(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
}

/** A plain Go error reaching the response writer: 500, reason Unknown (omitted), message verbatim. */
export function plainError(message: string): StatusError {
  return status(500, undefined, message);
}

/** errors.NewApplyConflict: 409 Conflict whose details carry only the causes. */
export function applyConflict(causes: StatusCause[], message: string): StatusError {
  return status(409, 'Conflict', message, { causes });
}
