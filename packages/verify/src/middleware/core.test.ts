import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthorization } from './core.js';

describe('parseAuthorization', () => {
  it('takes the token after a Bearer scheme in any case, the header trimmed', () => {
    assert.deepEqual(parseAuthorization('Bearer abc.def'), { kind: 'token', token: 'abc.def' });
    assert.deepEqual(parseAuthorization('  bearer abc  '), { kind: 'token', token: 'abc' });
    assert.deepEqual(parseAuthorization(undefined), { kind: 'none' });
    assert.deepEqual(parseAuthorization('Basic Zm9vOmJhcg=='), { kind: 'none' });
    assert.deepEqual(parseAuthorization('Bearer'), { kind: 'none' });
  });

  it('calls a token with any whitespace in it invalid, ASCII or not', () => {
    const long = 'x'.repeat(2000);
    for (const ws of [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff']) {
      assert.deepEqual(parseAuthorization(`Bearer ${long}${ws}${long}`), { kind: 'invalid' }, JSON.stringify(ws));
    }
    assert.deepEqual(parseAuthorization('Bearer  abc'), { kind: 'invalid' });
    assert.deepEqual(
      parseAuthorization(`Bearer é${long}`),
      { kind: 'token', token: `é${long}` },
      'non-ASCII, no space',
    );
  });
});
