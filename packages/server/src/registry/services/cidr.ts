// IPv4 service ranges: kube-apiserver's bitmap allocator (pkg/registry/core/service/ipallocator) hands out
// the addresses between the network and broadcast addresses, the lower band first reserved for IPs
// requested by users (dynamic allocation starts above it).

export interface Ipv4Range {
  /** The CIDR as kube prints it, e.g. `10.0.0.0/24`. */
  cidr: string;
  /** First allocatable address (network + 1) as a 32-bit number. */
  base: number;
  /** Number of allocatable addresses. */
  size: number;
}

export function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `--service-cluster-ip-range`; throws the flag's error text. */
export function parseServiceRange(value: string): Ipv4Range {
  const [ip, bits] = value.split('/');
  const n = ipv4ToNumber(ip ?? '');
  const prefix = Number(bits);
  if (n === undefined || bits === undefined || !/^\d+$/.test(bits) || prefix > 32) {
    if (ip?.includes(':')) throw new Error(`--service-cluster-ip-range ${value}: only IPv4 ranges are supported`);
    throw new Error(`--service-cluster-ip-range ${value} is not a valid CIDR`);
  }
  // kube-apiserver's limit (ServiceIPRange validation): at most 2^20 addresses for IPv4
  if (prefix < 12)
    throw new Error('specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12');
  if (prefix > 30) throw new Error(`--service-cluster-ip-range ${value} holds no allocatable address`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const network = (n & mask) >>> 0;
  return { cidr: `${numberToIpv4(network)}/${prefix}`, base: network + 1, size: 2 ** (32 - prefix) - 2 };
}

/** The first allocatable address: kube-apiserver gives it to the `default/kubernetes` Service. */
export function firstAddress(r: Ipv4Range): string {
  return numberToIpv4(r.base);
}

/** Offset of an address inside the range, or undefined when it is not allocatable there. */
export function offsetOf(r: Ipv4Range, ip: string): number | undefined {
  const n = ipv4ToNumber(ip);
  if (n === undefined) return undefined;
  const off = n - r.base;
  return off >= 0 && off < r.size ? off : undefined;
}

/** Size of the lower band kept for requested IPs (calculateRangeOffset: min(max(16, size/16), 256)). */
export function staticBand(r: Ipv4Range): number {
  if (r.size < 16) return 0;
  return Math.min(Math.max(16, Math.floor(r.size / 16)), 256);
}
