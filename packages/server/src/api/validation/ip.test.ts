import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrErrors, ipErrors, isIPv6, parseIPSloppy } from './ip.js';

test('parseIPSloppy reads what netutils.ParseIPSloppy reads: leading-zero octets, no zone ids, no brackets', () => {
  assert.equal(parseIPSloppy('10.0.0.1'), '10.0.0.1');
  assert.equal(parseIPSloppy('010.001.0.1'), '10.1.0.1', 'leading zeros read as decimal');
  assert.equal(parseIPSloppy('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(parseIPSloppy('::ffff:1.2.3.4'), '::ffff:102:304');
  for (const bad of ['fe80::1%eth0', '[::1]', '256.0.0.1', '1.2.3', 'localhost', '']) {
    assert.equal(parseIPSloppy(bad), undefined, bad);
  }
  assert.deepEqual(ipErrors('fe80::1%eth0'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(cidrErrors('fd00::/64'), []);
  assert.deepEqual(cidrErrors('fd00::/129'), ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  assert.ok(isIPv6('fd00::1'));
  assert.ok(!isIPv6('10.0.0.1'));
});
