// Label and field selectors (k8s.io/apimachinery/pkg/labels and fields): parsing with Kubernetes' error
// texts, and matching against objects.
import { errors } from '../api/errors.js';
import { getKey } from '../api/ownkeys.js';
import type { KObject } from '../api/types.js';
import type { SelectableFields } from './resource.js';

type Op = '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}
export type LabelSelector = Requirement[];

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(s: string): LabelSelector {
  const reqs: Requirement[] = [];
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const ident = () => {
    ws();
    const m = /^[A-Za-z0-9_./-]*/.exec(s.slice(i))![0];
    i += m.length;
    return m;
  };
  const fail = (msg: string): never => {
    throw errors.badRequest(`unable to parse requirement: ${msg}`);
  };
  while (true) {
    ws();
    if (i >= s.length) break;
    if (s[i] === '!') {
      i++;
      const key = ident();
      if (!key) fail(`found '${s[i] ?? ''}', expected: identifier`);
      reqs.push({ key, op: '!', values: [] });
    } else {
      const key = ident();
      if (!key) fail(`found '${s[i]}', expected: !, identifier, or 'end of string'`);
      ws();
      if (i >= s.length || s[i] === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (s.startsWith('!=', i)) {
        i += 2;
        reqs.push({ key, op: '!=', values: [ident()] });
      } else if (s.startsWith('==', i)) {
        i += 2;
        reqs.push({ key, op: '=', values: [ident()] });
      } else if (s[i] === '=') {
        i += 1;
        reqs.push({ key, op: '=', values: [ident()] });
      } else {
        const word = ident();
        if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: in, notin, =, ==, !=, gt, lt`);
        ws();
        if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
        i++;
        const values: string[] = [];
        while (true) {
          values.push(ident());
          ws();
          if (s[i] === ',') {
            i++;
            continue;
          }
          if (s[i] === ')') {
            i++;
            break;
          }
          fail(`found '${s[i] ?? ''}', expected: ',', or ')'`);
        }
        reqs.push({ key, op: word as Op, values });
      }
    }
    ws();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return reqs;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of sel) {
    // Own labels only: a key such as `constructor` must not find Object.prototype's member.
    const v = labels ? getKey(labels, r.key) : undefined;
    switch (r.op) {
      case '=':
        if (v !== r.values[0]) return false;
        break;
      case '!=':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case '!':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

interface FieldTerm {
  field: string;
  neg: boolean;
  value: string;
}
export type FieldSelector = FieldTerm[];

/** Parses `a=b,c!=d` (with `\,` escapes); `supported` lists the field labels the resource accepts. */
export function parseFieldSelector(s: string, supported: readonly string[]): FieldSelector {
  const out: FieldTerm[] = [];
  for (const raw of splitUnescaped(s)) {
    if (!raw.trim()) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/s.exec(raw);
    if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${raw}'`);
    const field = m[1]!.trim();
    if (!supported.includes(field)) throw errors.badRequest(`field label not supported: ${field}`);
    out.push({ field, neg: m[2] === '!=', value: m[3]!.replace(/\\(.)/g, '$1') });
  }
  return out;
}

/** Splits a field selector on unescaped commas (`\\,` stays inside a term). */
export function splitUnescaped(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i]! + s[i + 1]!;
      i++;
    } else if (s[i] === ',') {
      parts.push(cur);
      cur = '';
    } else cur += s[i];
  }
  parts.push(cur);
  return parts;
}

/** Reads a dotted field path (`spec.nodeName`, `metadata.name`) as a string, '' when absent. */
export function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function matchesFields(sel: FieldSelector, obj: KObject, selectable?: SelectableFields): boolean {
  for (const t of sel) {
    const read = selectable ? getKey(selectable, t.field) : undefined;
    const v = read ? read(obj) : fieldValue(obj, t.field);
    if (t.neg ? v === t.value : v !== t.value) return false;
  }
  return true;
}
