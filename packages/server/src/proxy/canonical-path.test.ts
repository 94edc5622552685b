import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestTarget, canonicalTarget } from './canonical-path.js';

/** [raw target, decoded path (what is matched and authorized), target sent upstream] */
const READINGS: Array<[raw: string, path: string, forwarded: string]> = [
  // Already canonical: unchanged.
  ['/', '/', '/'],
  ['/metrics', '/metrics', '/metrics'],
  ['/a/b/', '/a/b/', '/a/b/'],
  ["/a:b@c!$&'()*+,;=~_-.", "/a:b@c!$&'()*+,;=~_-.", "/a:b@c!$&'()*+,;=~_-."],
  ['/...', '/...', '/...'],
  ['/a/.b/..c/c..', '/a/.b/..c/c..', '/a/.b/..c/c..'],
  // Dot segments and repeated slashes: cleaned as Go's ServeMux cleans.
  ['/public/../secret.txt', '/secret.txt', '/secret.txt'],
  ['/allowed/../secret.txt', '/secret.txt', '/secret.txt'],
  ['/a/./b', '/a/b', '/a/b'],
  ['/a//b', '/a/b', '/a/b'],
  ['//', '/', '/'],
  ['/..', '/', '/'],
  ['/../../x', '/x', '/x'],
  ['/a/b/..', '/a', '/a'],
  ['/a/b/../', '/a/', '/a/'],
  ['/a/.', '/a', '/a'],
  ['/a/./', '/a/', '/a/'],
  // Encoded dots and slashes are decoded first, so they are dot segments and separators too.
  ['/public/..%2fsecret.txt', '/secret.txt', '/secret.txt'],
  ['/public/%2e%2e%2fsecret.txt', '/secret.txt', '/secret.txt'],
  ['/public/%2E%2E/secret.txt', '/secret.txt', '/secret.txt'],
  ['/public/.%2e/secret.txt', '/secret.txt', '/secret.txt'],
  ['/public/%2e./secret.txt', '/secret.txt', '/secret.txt'],
  ['/allowed/..%2Fsecret.txt', '/secret.txt', '/secret.txt'],
  ['/a/%2e/b', '/a/b', '/a/b'],
  ['/a%2Fb', '/a/b', '/a/b'],
  ['/a/b/%2e%2e', '/a', '/a'],
  ['/a%2f%2f', '/a/', '/a/'],
  // One decode only: a double-encoded '/' or '.' stays a literal '%2f' / '%2e' in its segment.
  ['/a/%252f', '/a/%2f', '/a/%252f'],
  ['/a/..%252fsecret', '/a/..%2fsecret', '/a/..%252fsecret'],
  ['/%252e%252e/x', '/%2e%2e/x', '/%252e%252e/x'],
  // Percent-encoding normalized: unreserved characters decoded, the rest upper-case hex.
  ['/%7e%41%62', '/~Ab', '/~Ab'],
  ['/sp%20ace', '/sp ace', '/sp%20ace'],
  ['/a%3fb', '/a?b', '/a%3Fb'],
  ['/a%23b', '/a#b', '/a%23b'],
  ['/a%25b', '/a%b', '/a%25b'],
  ['/caf%c3%a9', '/café', '/caf%C3%A9'],
  ['/%F0%9F%98%80', '/😀', '/%F0%9F%98%80'],
  ['/a%3Bb', '/a;b', '/a;b'],
  // Characters RFC 3986 wants encoded, sent raw: encoded when forwarded.
  ['/a{b}|c"^`<>', '/a{b}|c"^`<>', '/a%7Bb%7D%7Cc%22%5E%60%3C%3E'],
  // The query is forwarded as sent and never decoded, cleaned or matched.
  ['/a?x=1&y=%2F..%2F', '/a', '/a?x=1&y=%2F..%2F'],
  ['/a/../b?', '/b', '/b?'],
  ['/a?b?c/../d', '/a', '/a?b?c/../d'],
  ['/a?\\%ZZ', '/a', '/a?\\%ZZ'],
  // absolute-form: scheme and authority dropped.
  ['http://example.test/a/../b?q', '/b', '/b?q'],
  ['HTTPS://example.test:8443', '/', '/'],
  ['http://example.test?q', '/', '/?q'],
];

test('canonical readings: the path decided on and the target forwarded', () => {
  for (const [raw, path, forwarded] of READINGS) {
    const c = canonicalTarget(raw);
    assert.equal(c.path, path, raw);
    assert.equal(c.target, forwarded, raw);
    // The forwarded target reads the same again, and its path decodes to the one decided on.
    assert.equal(canonicalTarget(c.target).target, forwarded, raw);
    assert.equal(canonicalTarget(c.target).path, path, raw);
    assert.equal(decodeURIComponent(c.escapedPath), path, raw);
  }
});

/** [raw target, why it is refused] */
const REFUSED: Array<[raw: string, message: string]> = [
  ['/healthz#/../secret', 'invalid character "#" in the path'],
  ['/healthz#', 'invalid character "#" in the path'],
  ['/a?b#c', 'invalid character in the query'],
  ['http://h#x/a', 'invalid character in the authority'],
  ['/a/%ZZ', 'invalid URL escape "%ZZ"'],
  ['/a/%Z', 'invalid URL escape "%Z"'],
  ['/a/%', 'invalid URL escape "%"'],
  ['/a/%4', 'invalid URL escape "%4"'],
  ['/a/%g0', 'invalid URL escape "%g0"'],
  ['/a/%00', 'invalid character %00 in the path'],
  ['/a/%0d%0a', 'invalid character %0d in the path'],
  ['/a/%7F', 'invalid character %7F in the path'],
  ['/a/%5c..%5csecret', 'invalid character %5c in the path'],
  ['/a\\..\\secret', 'invalid character "\\\\" in the path'],
  ['/a/%C0%AF', 'the decoded path is not UTF-8'],
  ['/a/%ff', 'the decoded path is not UTF-8'],
  ['/a/%ED%A0%80', 'the decoded path is not UTF-8'],
  ['/a b', 'invalid character " " in the path'],
  ['/a\tb', 'invalid character "\\t" in the path'],
  ['/café', 'invalid character "é" in the path'],
  ['/a?b c', 'invalid character in the query'],
  ['/a?é', 'invalid character in the query'],
  ['*', 'the request target is not a path'],
  ['', 'the request target is not a path'],
  ['example.test:443', 'the request target is not a path'],
  ['ftp://h/a', 'the request target is not a path'],
  ['a/b', 'the request target is not a path'],
];

test("targets with no one reading are refused with BadRequestTarget (the client gets Go's 400)", () => {
  for (const [raw, message] of REFUSED) {
    assert.throws(
      () => canonicalTarget(raw),
      (err: unknown) => err instanceof BadRequestTarget && err.message === message,
      `${JSON.stringify(raw)} should be refused with ${message}`,
    );
  }
});

test('very long paths are read in time linear in their length', () => {
  const segments = 'a/'.repeat(200_000);
  assert.equal(canonicalTarget('/' + segments).path, '/' + segments);
  assert.equal(canonicalTarget('/' + '../'.repeat(100_000) + 'x').path, '/x');
  assert.equal(canonicalTarget('/' + 'x/'.repeat(100_000) + '../'.repeat(100_000)).path, '/');
  assert.equal(canonicalTarget('/' + '%2e%2e%2f'.repeat(100_000) + 'x').path, '/x');
  const long = '/' + 'é'.repeat(50_000);
  assert.equal(canonicalTarget(canonicalTarget(encodeURI(long)).target).path, long);
  // A near miss of the plain-path pattern (one bad character at the end) fails fast too.
  assert.throws(() => canonicalTarget('/' + 'ab/'.repeat(100_000) + '#'), BadRequestTarget);
});
