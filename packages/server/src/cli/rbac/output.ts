// kubectl-style output: tables with columns separated by three spaces (tabwriter's padding), or -o json|yaml.
import * as JsYaml from 'js-yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function structured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json'
    ? JSON.stringify(value, null, 2) + '\n'
    : JsYaml.dump(value, { noRefs: true, lineWidth: -1 });
}
