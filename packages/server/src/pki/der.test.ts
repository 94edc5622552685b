import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as der from './der.js';
import { isIP } from 'node:net';
import { bytesToIp, ipToBytes } from './ip.js';

test('OIDs encode and decode', () => {
  for (const id of ['2.5.4.3', '1.2.840.10045.4.3.2', '1.3.6.1.5.5.7.3.1', '2.5.29.35', '1.2.840.113549.1.1.11']) {
    const node = der.readNode(der.oid(id));
    assert.equal(node.tag, der.Tag.oid);
    assert.equal(der.decodeOid(node.content), id);
  }
  assert.equal(der.oid('1.2.840.113549').toString('hex'), '06062a864886f70d');
});

test('named bits drop trailing zeros (keyUsage)', () => {
  // digitalSignature | keyCertSign | cRLSign
  assert.equal(der.namedBits([0, 5, 6]).toString('hex'), '03020186');
  assert.equal(der.namedBits([0]).toString('hex'), '03020780');
  assert.equal(der.namedBits([0, 2]).toString('hex'), '030205a0');
  assert.equal(der.namedBits([8]).toString('hex'), '0303070080');
});

test('integers are minimal and positive', () => {
  assert.equal(der.smallInteger(2).toString('hex'), '020102');
  assert.equal(der.unsignedInteger(Buffer.from([0x80])).toString('hex'), '02020080');
  assert.equal(der.unsignedInteger(Buffer.from([0, 0, 0x01])).toString('hex'), '020101');
});

test('long lengths round trip', () => {
  const big = Buffer.alloc(70000, 7);
  const node = der.readNode(der.octetString(big));
  assert.equal(node.content.length, 70000);
  assert.throws(() => der.readNode(der.octetString(big).subarray(0, 100)), /truncated/);
});

test('UTCTime before 2050, GeneralizedTime after', () => {
  const t = der.readNode(der.time(new Date('2030-01-02T03:04:05.678Z')));
  assert.equal(t.tag, der.Tag.utcTime);
  assert.equal(t.content.toString(), '300102030405Z');
  const g = der.readNode(der.time(new Date('2051-01-02T03:04:05Z')));
  assert.equal(g.tag, der.Tag.generalizedTime);
  assert.equal(g.content.toString(), '20510102030405Z');
});

test('SET OF is sorted', () => {
  const a = der.utf8String('b');
  const b = der.utf8String('a');
  assert.deepEqual(
    der.children(der.readNode(der.setOf(a, b))).map((n) => n.content.toString()),
    ['a', 'b'],
  );
});

test('directory strings decode', () => {
  assert.equal(der.decodeString(der.readNode(der.utf8String('grüß'))), 'grüß');
  assert.equal(der.decodeString(der.readNode(der.tlv(der.Tag.bmpString, Buffer.from([0, 0x41, 0x00, 0xe9])))), 'Aé');
  assert.equal(der.decodeString(der.readNode(der.tlv(der.Tag.printableString, Buffer.from('abc')))), 'abc');
  assert.equal(der.decodeString(der.readNode(der.tlv(der.Tag.integer, Buffer.from([1])))), undefined);
});

test('IP literals become SAN bytes', () => {
  assert.equal(ipToBytes('127.0.0.1')!.toString('hex'), '7f000001');
  assert.equal(ipToBytes('::1')!.toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipToBytes('[::1]')!.toString('hex'), '00000000000000000000000000000001');
  assert.equal(ipToBytes('fe80::1:2')!.toString('hex'), 'fe800000000000000000000000010002');
  assert.equal(ipToBytes('::ffff:10.0.0.1')!.toString('hex'), '00000000000000000000ffff0a000001');
  assert.equal(ipToBytes('2001:db8:0:0:1:0:0:1')!.toString('hex'), '20010db8000000000001000000000001');
  assert.equal(ipToBytes('1::')!.toString('hex'), '00010000000000000000000000000000');
  assert.equal(ipToBytes('kubernetes'), undefined);
  assert.equal(ipToBytes('fe80::1%eth0'), undefined);
  assert.equal(ipToBytes('1.2.3'), undefined);
});

test("IP literals: the hand parser accepts exactly what node's isIP accepts, with the same bytes", () => {
  // The edge cases by name, then random near-addresses: groups of 0–5 hex digits (an odd non-hex one), '::' at
  // random places, a dotted quad at the end, octets with leading zeros or over 255.
  const samples = [
    '',
    ':',
    ':::',
    '::',
    '1::',
    '::1',
    '1:2:3:4:5:6:7::',
    '::1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1::2::3',
    ':1::2',
    '1::2:',
    '::ffff:1.2.3.4',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3.4',
    '1.2.3.4::',
    '1.2.3.4:1::',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1..2.3',
    'fe80::1%eth0',
    '00000::1',
    'FFFF::',
    '::FFFF:255.255.255.255',
  ];
  // xorshift32: a fixed, well-spread sequence (a float LCG's low bits repeat with a short period).
  let seed = 0x9e3779b9 | 0;
  const next = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const HEX = '0123456789abcdefABCDEFg';
  const OCTETS = ['0', '1', '9', '10', '01', '99', '199', '255', '256', '300', ''];
  const quad = () => Array.from({ length: 3 + next(3) }, () => OCTETS[next(OCTETS.length)]).join('.');
  const group = () =>
    Array.from(
      { length: next(8) === 0 ? next(6) : 1 + next(4) },
      () => HEX[next(next(16) === 0 ? HEX.length : 16)],
    ).join('');
  const groups = (n: number) => Array.from({ length: n }, group);
  for (let i = 0; i < 20_000; i++) {
    if (next(4) === 0) {
      samples.push(quad());
      continue;
    }
    const v4 = next(3) === 0 ? [quad()] : [];
    let text: string;
    if (next(3) === 0) text = [...groups(5 + next(5) - v4.length), ...v4].join(':');
    else text = `${groups(next(5)).join(':')}::${[...groups(next(5)), ...v4].join(':')}`;
    if (next(16) === 0) text = next(2) ? `:${text}` : `${text}:`;
    samples.push(text);
  }
  let valid = 0;
  for (const text of samples) {
    const bytes = ipToBytes(text);
    const ok = isIP(text) !== 0 && !text.includes('%');
    assert.equal(bytes !== undefined, ok, JSON.stringify(text));
    if (!bytes) continue;
    valid++;
    // The WHATWG URL parser normalizes the same address to the same canonical text.
    const host = new URL(`http://${bytes.length === 16 ? `[${text}]` : text}/`).hostname;
    assert.equal(bytes.length === 16 ? `[${bytesToIp(bytes)}]` : bytesToIp(bytes), host, JSON.stringify(text));
  }
  assert.ok(valid > 5000, `only ${valid} valid samples`);
});

test('SAN bytes print as canonical IPs', () => {
  for (const [ip, text] of [
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['::', '::'],
  ] as const) {
    assert.equal(bytesToIp(ipToBytes(ip)!), text);
  }
});
