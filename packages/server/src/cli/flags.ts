// A small pflag-style parser: `--name=value`, `--name value`, bare `--bool`, repeatable string arrays,
// and comma-separated slices — with pflag's error texts, so scripts written for kube-apiserver read the same.
import { goDuration, parseGoDurationNs } from '../gocompat/duration.js';

export type FlagType = 'string' | 'int' | 'bool' | 'stringArray' | 'stringSlice' | 'duration';

export interface FlagSpec {
  name: string;
  type: FlagType;
  default?: unknown;
  usage: string;
  /** A one-letter alias, `-v=4` / `-v 4` (pflag's shorthand). */
  shorthand?: string;
}

export class FlagError extends Error {}

export function parseFlags(
  specs: FlagSpec[],
  argv: string[],
): { values: Map<string, unknown>; args: string[]; explicit: Set<string> } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShorthand = new Map(specs.filter((s) => s.shorthand).map((s) => [s.shorthand!, s]));
  const values = new Map<string, unknown>();
  for (const s of specs) if (s.default !== undefined) values.set(s.name, s.default);
  const set = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined; // the value given in the same argument
    if (!a.startsWith('--')) {
      if (!(a.startsWith('-') && a.length > 1)) {
        args.push(a);
        continue;
      }
      spec = byShorthand.get(a[1]!);
      if (!spec) throw new FlagError(`unknown shorthand flag: '${a[1]}' in ${a}`);
      // pflag: -v=4, -v4, or -v 4.
      if (a.length > 2) inline = a[2] === '=' ? a.slice(3) : a.slice(2);
    } else {
      const eq = a.indexOf('=');
      const given = eq < 0 ? a.slice(2) : a.slice(2, eq);
      spec = byName.get(given);
      if (!spec) throw new FlagError(`unknown flag: --${given}`);
      if (eq >= 0) inline = a.slice(eq + 1);
    }
    const name = spec.name;
    let raw: string;
    if (inline !== undefined) raw = inline;
    else if (spec.type === 'bool') raw = 'true';
    else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
      raw = argv[++i]!;
    }
    const bad = (why: string) => new FlagError(`invalid argument "${raw}" for "--${name}" flag: ${why}`);
    switch (spec.type) {
      case 'string':
        values.set(name, raw);
        break;
      case 'int': {
        if (!/^[+-]?\d+$/.test(raw)) throw bad(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
        values.set(name, Number(raw));
        break;
      }
      case 'bool': {
        const v = {
          true: true,
          '1': true,
          t: true,
          T: true,
          TRUE: true,
          True: true,
          false: false,
          '0': false,
          f: false,
          F: false,
          FALSE: false,
          False: false,
        }[raw];
        if (v === undefined) throw bad(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
        values.set(name, v);
        break;
      }
      case 'duration': {
        const v = parseGoDurationNs(raw);
        if ('error' in v) throw bad(v.error);
        values.set(name, Number(v.ns) / 1e9);
        break;
      }
      case 'stringArray': {
        const prev = set.has(name) ? (values.get(name) as string[]) : [];
        values.set(name, [...prev, raw]);
        break;
      }
      case 'stringSlice': {
        const prev = set.has(name) ? (values.get(name) as string[]) : [];
        values.set(name, [...prev, ...(raw === '' ? [] : raw.split(',').map((s) => s.trim()))]);
        break;
      }
    }
    set.add(name);
  }
  return { values, args, explicit: set };
}

/**
 * Flag help in pflag's layout: `  -v, --v int` or `      --name type`, the usage, then `(default …)` unless the
 * default is the type's zero value (false, 0, "", empty list), as pflag leaves those out.
 */
export function usage(specs: FlagSpec[]): string {
  // pflag's type names: a string slice is "strings".
  const typeOf = (s: FlagSpec) => (s.type === 'bool' ? '' : s.type === 'stringSlice' ? 'strings' : s.type);
  const w = Math.max(...specs.map((s) => s.name.length + typeOf(s).length + 4));
  return specs
    .map((s) => {
      const left = `--${s.name} ${typeOf(s)}`.padEnd(w + 2);
      const d = s.default;
      const zero = d === undefined || d === false || d === 0 || d === '' || (Array.isArray(d) && d.length === 0);
      const shown = s.type === 'duration' && typeof d === 'number' ? goDuration(d) : JSON.stringify(d);
      return `  ${s.shorthand ? `-${s.shorthand}, ` : '    '}${left}${s.usage}${zero ? '' : ` (default ${shown})`}`;
    })
    .join('\n');
}
