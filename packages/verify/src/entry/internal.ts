/**
 * `@kubeauth/verify/internal`: the building blocks `kubeauth proxy` (in this repository) shares with the middleware:
 * kube-apiserver's error answers, path helpers and Go's `%q` quoting. Not part of the public API: it may change in any release.
 *
 * @internal
 * @packageDocumentation
 */
export {
  UNAUTHORIZED_BODY,
  forbiddenMessage,
  forbiddenResponse,
  internalErrorResponse,
  unauthorizedResponse,
  unavailableResponse,
} from '../middleware/status.js';
export { nonResourceAttributesFor, pathOf } from '../middleware/core.js';
export { goQuote, goQuoteByte, goQuoteList } from '../goquote.js';
