// IP checks as 1.33 applies them to legacy fields (StrictIPCIDRValidation is alpha, off): netutils.ParseIPSloppy,
// which also takes IPv4 octets with leading zeros (read as decimal).
import { bytesToIp, ipBytes } from '../../pki/ip.js';

/** ParseIPSloppy: the canonical string of an IP, or undefined. */
export function parseIPSloppy(value: string): string | undefined {
  const bytes = ipBytes(value);
  if (bytes) return bytesToIp(bytes);
  // Leading zeros in IPv4 octets are accepted (and read as decimal) by the sloppy parser.
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (m && m.slice(1).every((o) => Number(o) <= 255)) return m.slice(1).map(Number).join('.');
  return undefined;
}

export const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
export const invalidCIDRMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** validation.IsValidIPForLegacyField(..., strict=false): the problems with an IP string. */
export function ipErrors(value: string): string[] {
  return parseIPSloppy(value) === undefined ? [invalidIPMessage] : [];
}

/** validation.IsValidCIDRForLegacyField(..., strict=false). */
export function cidrErrors(value: string): string[] {
  const slash = value.indexOf('/');
  if (slash < 0) return [invalidCIDRMessage];
  const ip = parseIPSloppy(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  const max = ip?.includes(':') ? 128 : 32;
  if (!ip || !/^\d+$/.test(bits) || Number(bits) > max) return [invalidCIDRMessage];
  return [];
}

export function isIPv6(value: string): boolean {
  return (parseIPSloppy(value) ?? '').includes(':');
}
