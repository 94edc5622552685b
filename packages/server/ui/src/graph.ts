// The graph view: a layered drawing (subjects → bindings → roles → rules) in SVG, laid out here: one column per
// layer, each column ordered by the mean position of its neighbours on the left (one barycentre sweep), which
// keeps edges short without a layout library. Nodes on a lint finding's path are highlighted, and so are the
// edges between them.
import { h, clear, table } from './dom';

interface GNode {
  id: string;
  type: 'subject' | 'binding' | 'role' | 'rule';
  label: string;
  detail: string;
  severity?: string;
  findings?: string[];
}
interface Finding {
  id: string;
  technique: string;
  severity: string;
  subject: { kind: string; name: string; namespace?: string };
  path: string[];
  message: string;
  fix: string;
}
export interface GraphAnswer {
  nodes: GNode[];
  edges: Array<[string, string]>;
  matched: number;
  shown: number;
  totalBindings: number;
  findings: Finding[];
}

const svgNs = 'http://www.w3.org/2000/svg';
const layers: GNode['type'][] = ['subject', 'binding', 'role', 'rule'];
const colWidth = 250;
const gap = 60;
const rowHeight = 26;
const hot = new Set(['critical', 'high', 'medium']);

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...kids: Array<SVGElement | string>
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const k of kids) el.append(k as never);
  return el;
}

const clip = (t: string, n = 34) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

export function renderGraph(out: HTMLElement, g: GraphAnswer): void {
  clear(out);
  out.append(
    h(
      'p',
      { class: 'summary', role: 'status', id: 'graph-summary' },
      `${g.matched} of ${g.totalBindings} bindings match; ${g.shown} drawn (${g.nodes.length} nodes, ${g.findings.length} lint findings on them).`,
    ),
  );
  if (!g.nodes.length) return;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const left = new Map<string, string[]>();
  for (const [a, b] of g.edges) {
    let l = left.get(b);
    if (!l) left.set(b, (l = []));
    l.push(a);
  }
  // Columns in first-seen order, then subjects by their bindings, roles and rules by their left neighbours.
  const cols = layers.map((t) => g.nodes.filter((n) => n.type === t));
  const pos = new Map<string, number>();
  cols[1]!.forEach((n, i) => pos.set(n.id, i));
  const right = new Map<string, string[]>();
  for (const [a, b] of g.edges) {
    let r = right.get(a);
    if (!r) right.set(a, (r = []));
    r.push(b);
  }
  const mean = (ids: string[] | undefined) =>
    ids?.length ? ids.reduce((x, id) => x + (pos.get(id) ?? 0), 0) / ids.length : 0;
  cols[0]!.sort((a, b) => mean(right.get(a.id)) - mean(right.get(b.id)));
  cols[0]!.forEach((n, i) => pos.set(n.id, i));
  for (const c of [2, 3]) {
    cols[c]!.sort(
      (a, b) => mean(left.get(a.id)) - mean(left.get(b.id)) || a.id.localeCompare(b.id, undefined, { numeric: true }),
    );
    cols[c]!.forEach((n, i) => pos.set(n.id, i));
  }
  const rows = Math.max(...cols.map((c) => c.length));
  const width = layers.length * colWidth + (layers.length - 1) * gap;
  const height = rows * rowHeight + 40;
  const xy = new Map<string, [number, number]>();
  cols.forEach((c, ci) => {
    // Shorter columns are centred against the tallest one.
    const offset = ((rows - c.length) * rowHeight) / 2;
    c.forEach((n, i) => xy.set(n.id, [ci * (colWidth + gap), 30 + offset + i * rowHeight]));
  });
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': 'graph-title',
    id: 'graph-svg',
  });
  svg.append(
    s(
      'title',
      { id: 'graph-title' },
      `RBAC graph: ${cols[0]!.length} subjects, ${cols[1]!.length} bindings, ${cols[2]!.length} roles, ${cols[3]!.length} rules`,
    ),
  );
  layers.forEach((t, i) => svg.append(s('text', { x: i * (colWidth + gap), y: 14, class: 'col-head' }, `${t}s`)));
  const edges = s('g', { class: 'edges' });
  for (const [a, b] of g.edges) {
    const [x1, y1] = xy.get(a)!;
    const [x2, y2] = xy.get(b)!;
    const sx = x1 + colWidth;
    const mid = (sx + x2) / 2;
    const flagged = hot.has(byId.get(a)?.severity ?? '') && hot.has(byId.get(b)?.severity ?? '');
    edges.append(
      s('path', {
        d: `M${sx},${y1 + 10} C${mid},${y1 + 10} ${mid},${y2 + 10} ${x2},${y2 + 10}`,
        class: flagged ? 'edge hot' : 'edge',
      }),
    );
  }
  svg.append(edges);
  for (const n of g.nodes) {
    const [x, y] = xy.get(n.id)!;
    const cls = `node node-${n.type}${n.severity ? ` sev-${n.severity}` : ''}`;
    const title = `${n.detail}: ${n.label}${n.findings?.length ? ` — lint ${n.findings.join(', ')} (${n.severity})` : ''}`;
    const box = s(
      'g',
      { class: cls, transform: `translate(${x},${y})` },
      s('title', {}, title),
      s('rect', { width: colWidth, height: 20, rx: 4 }),
      s('text', { x: 6, y: 14 }, clip(n.label)),
    );
    if (n.type === 'subject') {
      const m = /^s:(User|Group|ServiceAccount)\/(?:([^/]+)\/)?(.+)$/.exec(n.id);
      if (m) {
        const q = new URLSearchParams({ kind: m[1]!, name: m[3]! });
        if (m[1] === 'ServiceAccount' && m[2]) q.set('sans', m[2]);
        const a = s('a', { href: `#/matrix?${q}`, 'aria-label': `Matrix of ${title}` }, box);
        svg.append(a);
        continue;
      }
    }
    svg.append(box);
  }
  out.append(h('div', { class: 'graph-wrap' }, svg));
  if (g.findings.length)
    out.append(
      table(
        'Lint findings on the drawn bindings (escalation paths highlighted in the graph)',
        ['Severity', 'ID', 'Subject', 'Path', 'Fix'],
        g.findings
          .slice(0, 200)
          .map((f) => [
            f.severity,
            `${f.id} ${f.technique}`,
            `${f.subject.kind}/${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`,
            f.path.join(' → '),
            f.fix,
          ]),
        'graph-findings',
      ),
    );
}
