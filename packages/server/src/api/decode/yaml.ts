// YAML to JSON on the calling thread, for callers outside a request (requests go through BodyDecoder's worker).
import * as JsYaml from 'js-yaml';
import type { YamlResult } from './job.js';
import { createYamlConverter, type JsYamlModule } from './yaml-convert.js';
import { yamlLimits } from './limits.js';

/** A refused document: go-yaml's text, which callers wrap in their endpoint's prefix. */
export class YamlError extends Error {}

let inline: ((text: string) => YamlResult) | undefined;

/** The document as JSON text; YamlError with go-yaml's text when it is refused. */
export function yamlToJsonSync(text: string): string {
  inline ??= createYamlConverter(JsYaml as JsYamlModule, yamlLimits);
  const r = inline(text);
  if ('error' in r) throw new YamlError(r.error);
  return JSON.stringify(r.value);
}
