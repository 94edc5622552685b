// Decoding of application/apply-patch+yaml bodies as k8s.io/apimachinery/pkg/util/yaml.Unmarshal does it. Requests
// arrive as JSON (the server converts YAML with go-yaml's rules before the patch code runs); other callers may
// still pass YAML, converted here by the same converter.
import { errors } from '../api/errors.js';
import { decodeJson, JsonError, JsonRangeError, jsonSyntaxError, parseValidJSON } from '../api/decode/json.js';
import { YamlError, yamlToJsonSync } from '../api/decode/yaml.js';
import { type Json, type JsonObject, isObject } from './json.js';

/** Decodes an apply configuration; errors are kube-apiserver's 400 "error decoding YAML: ..." texts. */
export function decodeApplyConfig(body: string): JsonObject {
  let v: unknown;
  try {
    // JSON (what kubectl sends, and what the server hands over) is YAML with the same meaning.
    // (JSON is parsed at once; only other text is scanned and converted)
    const json = parseValidJSON(body);
    v = json !== undefined ? json : decodeJson(jsonSyntaxError(body) === undefined ? body : yamlToJsonSync(body));
  } catch (e) {
    // A number beyond float64 fails as sigs.k8s.io/yaml's JSON decoding step reports it.
    if (e instanceof JsonRangeError)
      throw errors.badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: ${e.message}`);
    if (e instanceof YamlError || e instanceof JsonError)
      throw errors.badRequest(`error decoding YAML: error converting YAML to JSON: ${e.message}`);
    throw e;
  }
  if (v === null || v === undefined) return {};
  const j = v as Json;
  if (!isObject(j))
    throw errors.badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(j)} into Go value of type map[string]interface {}`,
    );
  return j;
}

export { applyStrictErrors } from '../api/decode/yaml-duplicates.js';
import { jsonKind } from '../gocompat/json-decode.js';
