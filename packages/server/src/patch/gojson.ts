// Patch documents are JSON decoded with Go's messages; the scanner lives with the other body decoders.
import { maxNestingDepth } from '../api/decode/limits.js';
import { GoJSONSyntaxError, parseGoJSON as parse, scan } from '../api/decode/json-syntax.js';
import type { Json } from './json.js';

export { GoJSONSyntaxError, scan };

/**
 * The value of JSON text, or GoJSONSyntaxError with Go's message. JSON.parse accepts exactly the texts Go's
 * scanner does, except those nesting past the limit, which need more opening brackets than the limit: other texts
 * are parsed at once, and scanned (a JS loop over every character) only to name the error of one that fails.
 */
export function parseGoJSON(text: string): Json {
  const v = parseValidJSON(text);
  return v !== undefined ? v : (parse(text) as Json);
}

/**
 * The value of text that Go's scanner finds valid (within the nesting limit), else undefined: what
 * `scan(text) === undefined ? JSON.parse(text) : …` gives without the scan when the text is valid.
 */
export function parseValidJSON(text: string): Json | undefined {
  if (enoughBrackets(text)) return scan(text) === undefined ? (JSON.parse(text) as Json) : undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Whether the text holds more opening brackets than the nesting limit (counted at native speed). */
function enoughBrackets(text: string): boolean {
  if (text.length <= maxNestingDepth) return false;
  let n = 0;
  for (let i = text.indexOf('['); i >= 0 && n <= maxNestingDepth; i = text.indexOf('[', i + 1)) n++;
  for (let i = text.indexOf('{'); i >= 0 && n <= maxNestingDepth; i = text.indexOf('{', i + 1)) n++;
  return n > maxNestingDepth;
}
