import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as der from './der.js';
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
