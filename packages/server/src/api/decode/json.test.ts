import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, JsonError, overflowingNumber } from './json.js';

const refused = (text: string): string => {
  try {
    decodeJson(text);
  } catch (e) {
    assert.ok(e instanceof JsonError);
    return e.message;
  }
  assert.fail('accepted');
};

test('Go encoding/json texts for syntax errors', () => {
  assert.equal(refused('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(refused('{"a":"\u0007"}'), "invalid character '\\a' in string literal");
  assert.equal(refused('{"a":"\u000b"}'), "invalid character '\\v' in string literal");
  assert.equal(refused('{"a":"\u0001"}'), "invalid character '\\x01' in string literal");
  assert.equal(refused('[1,]'), "invalid character ']' looking for beginning of value");
  assert.equal(refused('{'), 'unexpected end of JSON input');
});

test('nesting: 1,000 levels decode, one more is refused with Go’s text, however the text is padded', () => {
  assert.equal(JSON.stringify(decodeJson('['.repeat(1000) + ']'.repeat(1000))).length, 2000);
  assert.equal(refused('['.repeat(1001) + ']'.repeat(1001)), "invalid character '[' exceeded max depth");
  assert.equal(refused('{"a":'.repeat(1001) + '1' + '}'.repeat(1001)), "invalid character '{' exceeded max depth");
  // Empty containers count too, as Go pushes its parse state before looking inside.
  assert.equal(refused('['.repeat(1000) + '[]' + ']'.repeat(1000)), "invalid character '[' exceeded max depth");
  // Many brackets side by side are not deep.
  assert.equal((decodeJson('[' + '[],'.repeat(5000) + '[]]') as unknown[]).length, 5001);
});

test('numbers beyond float64 are refused with Go’s decoding text; strings and large finite numbers are not', () => {
  assert.equal(refused('{"a":[1,2e308]}'), 'json: cannot unmarshal number 2e308 into Go value of type float64');
  assert.equal(refused('-1e+400'), 'json: cannot unmarshal number -1e+400 into Go value of type float64');
  assert.ok(decodeJson('{"a":"1e400","b":1e-400,"c":1.7976931348623157e308,"d":"\\\\"}'));
  assert.equal(overflowingNumber('["\\"1e999", 1e999]'), '1e999');
  assert.equal(overflowingNumber(`{"a\\\\":${'1'.repeat(308)}}`), undefined);
  assert.equal(overflowingNumber(`[${'1'.repeat(309)}, ${'9'.repeat(309)}.5]`), `${'9'.repeat(309)}.5`);
});
