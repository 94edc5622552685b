import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmarshalMapError } from './json-decode.js';

test("Go's json.Unmarshal errors for map targets", () => {
  const cases: Array<[string, string | undefined]> = [
    ['{"auths":{}}', undefined],
    ['null', undefined],
    ['', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{x', "invalid character 'x' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"\n"}', "invalid character '\\n' in string literal"],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['1', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
  ];
  for (const [input, want] of cases) assert.equal(unmarshalMapError(Buffer.from(input)), want, input);
});
