// The limits every request body decoder enforces, in one place (kube-apiserver's values where it has them).

/** kube-apiserver's MaxRequestBodyBytes (3 MiB): larger JSON, YAML, protobuf and patch bodies answer 413. */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

/**
 * How deeply a body may nest. Go's encoding/json and go-yaml stop at 10,000; kubeauth stops at 1,000, with the same
 * messages. Why lower: Go's stacks grow, V8's do not. On node's default stack (984 KB) JSON.stringify fails near
 * 5,000 levels and structuredClone near 2,000, so a 10,000-level value that passed the decoder would crash the
 * first walker after it. No Kubernetes type nests more than about 30 levels, so only hostile or unknown
 * content (which kube-apiserver drops anyway) is refused, and every walker after the decoder is safe.
 */
export const maxNestingDepth = 1000;

/**
 * YAML aliases are expanded only within a budget. go-yaml refuses a document whose alias-expanded nodes
 * outnumber the rest by a ratio that falls from 0.99 (up to 400,000 nodes) to 0.10 (from 4,000,000); kubeauth
 * applies the same rule and also caps the expanded JSON text, which go-yaml does not: one long scalar aliased a
 * thousand times costs few nodes but a lot of memory.
 */
export const yamlLimits = {
  maxDepth: maxNestingDepth,
  ratioLow: 400_000,
  ratioHigh: 4_000_000,
  maxExpandedBytes: 4 * maxRequestBodyBytes,
} as const;

/**
 * The decoding worker's nice value (0 is the serving thread's): at 10 the kernel gives the serving thread about
 * nine times the worker's share of a contended core, and the worker a whole core when no one else wants it.
 */
export const decodeThreadNice = 10;
