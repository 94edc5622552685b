// The kubeauth web inspector: one page, no framework. Each view is a form whose state lives in the URL hash (so
// links between views, the back button and bookmarks work) and a result rendered from the JSON the server's
// /ui/api/ answers. Nothing is stored in the browser; a pasted token never enters the URL.
import './style.css';
import { api, ApiError } from './api';
import { h, clear, field, select, checkbox, table, status } from './dom';
import { renderGraph } from './graph';

type Params = URLSearchParams;
const main = document.getElementById('main')!;
const views: Record<string, (p: Params) => void> = {
  whocan: whoCanView,
  matrix: matrixView,
  explain: explainView,
  graph: graphView,
  token: tokenView,
  trace: traceView,
};
let stopView: (() => void) | undefined;

function route(): void {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const name = (q < 0 ? hash : hash.slice(0, q)) || 'whocan';
  const params = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
  const view = views[name] ?? views.whocan!;
  stopView?.();
  stopView = undefined;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  clear(main);
  view(params);
}

/** Puts a view's state in the hash without re-rendering (the view already shows it). */
function remember(view: string, p: Record<string, string | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  history.replaceState(null, '', `#/${view}${q.size ? `?${q}` : ''}`);
}

export function link(view: string, p: Record<string, string | undefined>, text: string, label?: string): HTMLElement {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  return h('a', { href: `#/${view}${q.size ? `?${q}` : ''}`, ...(label ? { 'aria-label': label } : {}) }, text);
}

function showError(out: HTMLElement, e: unknown): void {
  clear(out);
  const msg = e instanceof ApiError ? `${e.code} ${e.reason}: ${e.message}` : String((e as Error)?.message ?? e);
  out.append(h('p', { class: 'error', role: 'alert' }, msg));
}

const fmtSubject = (s: { kind: string; name: string; namespace?: string }) =>
  s.kind === 'ServiceAccount' ? `${s.namespace}/${s.name}` : s.name;
const fmtRef = (r: { kind: string; name: string; namespace?: string }) =>
  r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;

/** The subject's params as explain and matrix take them. */
const subjectParams = (s: { kind: string; name: string; namespace?: string }) => ({
  kind: s.kind,
  name: s.name,
  sans: s.kind === 'ServiceAccount' ? s.namespace : undefined,
});

function requestOf(p: Params) {
  return p.get('url')
    ? { verb: p.get('verb') ?? '', nonResourceURL: p.get('url') ?? '' }
    : {
        verb: p.get('verb') ?? '',
        resource: p.get('resource') ?? '',
        group: p.get('group') ?? '',
        name: p.get('rname') ?? '',
        namespace: p.get('namespace') ?? '',
      };
}

// ---- Who can ----

function whoCanView(p: Params): void {
  const verb = field('Verb', 'verb', p.get('verb') ?? 'get', { placeholder: 'get', required: true });
  const resource = field('Resource', 'resource', p.get('resource') ?? 'pods', { placeholder: 'pods or pods/log' });
  const group = field('API group', 'group', p.get('group') ?? '', { placeholder: 'core: empty; apps, batch…' });
  const ns = field('Namespace', 'namespace', p.get('namespace') ?? '', { placeholder: 'empty: cluster-wide' });
  const url = field('Non-resource URL', 'url', p.get('url') ?? '', { placeholder: '/metrics (instead of a resource)' });
  const all = checkbox('All namespaces', 'all', p.get('all') === '1');
  const out = h('section', { 'aria-live': 'polite', 'aria-label': 'Who can: answer' });
  const form = h(
    'form',
    { 'aria-label': 'Who can' },
    h('h2', {}, 'Who can…'),
    h('div', { class: 'row' }, verb.wrap, resource.wrap, group.wrap, ns.wrap, url.wrap, all.wrap),
    h('button', { type: 'submit' }, 'Ask'),
  );
  const ask = async () => {
    const req = {
      verb: verb.input.value.trim(),
      resource: url.input.value.trim() ? '' : resource.input.value.trim(),
      group: group.input.value.trim(),
      namespace: ns.input.value.trim(),
      nonResourceURL: url.input.value.trim(),
      allNamespaces: all.input.checked,
    };
    remember('whocan', {
      verb: req.verb,
      resource: req.resource,
      group: req.group,
      namespace: req.namespace,
      url: req.nonResourceURL,
      all: req.allNamespaces ? '1' : '',
    });
    const t0 = performance.now();
    status(out, 'Asking…');
    try {
      // The first screen only: a who-can answer can name thousands of subjects; the rest on request.
      const r = await api<WhoCan>('whocan', { ...req, limit: firstRows });
      renderWhoCan(out, r, req, () => api<WhoCan>('whocan', req));
      performance.measure('whocan', { start: t0 });
      out.dataset.ms = String(Math.round(performance.now() - t0));
    } catch (e) {
      showError(out, e);
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void ask()));
  main.append(form, out);
  if (p.get('verb')) void ask();
}

interface Grant {
  subject: { kind: string; name: string; namespace?: string };
  implies?: string;
  binding: { kind: string; name: string; namespace?: string };
  role: { kind: string; name: string; namespace?: string };
  ruleIndex: number;
  scope: string;
}
interface WhoCan {
  total: number;
  privileged: Array<{ kind: string; name: string }>;
  grants: Grant[];
  unresolved: Array<{ binding: Grant['binding']; role: Grant['role']; error: string }>;
}

/** Rows drawn at first; the rest on request (a who-can answer can name thousands of subjects). */
const firstRows = 200;

function renderWhoCan(
  out: HTMLElement,
  r: WhoCan,
  req: Record<string, unknown>,
  fetchAll: () => Promise<WhoCan>,
): void {
  clear(out);
  const what = req.nonResourceURL
    ? `${req.verb} ${req.nonResourceURL}`
    : `${req.verb} ${req.resource}${req.group ? `.${req.group}` : ''}`;
  out.append(
    h(
      'p',
      { class: 'summary', role: 'status' },
      `${r.total} grant${r.total === 1 ? '' : 's'} allow ${what}${req.namespace ? ` in ${req.namespace}` : ''}.`,
    ),
  );
  const explainTarget = (s: Grant['subject']) => ({
    ...subjectParams(s),
    verb: String(req.verb),
    resource: String(req.resource ?? ''),
    group: String(req.group ?? ''),
    namespace: String(req.namespace ?? ''),
    url: String(req.nonResourceURL ?? ''),
  });
  const head = ['Kind', 'Subject', 'Scope', 'Binding', 'Role', 'Rule', 'Note'];
  const rowOf = (g: Grant): Array<string | HTMLElement> => [
    g.subject.kind,
    g.subject.kind === 'Group'
      ? fmtSubject(g.subject)
      : link(
          'matrix',
          { ...subjectParams(g.subject), namespace: g.scope === '*' ? '' : g.scope },
          fmtSubject(g.subject),
          `Matrix of ${g.subject.kind} ${fmtSubject(g.subject)}`,
        ),
    g.scope,
    fmtRef(g.binding),
    fmtRef(g.role),
    String(g.ruleIndex),
    h(
      'span',
      {},
      g.implies ? `${g.implies} · ` : '',
      link('explain', explainTarget(g.subject), 'why', `Explain for ${fmtSubject(g.subject)}`),
    ),
  ];
  const rows = (grants: Grant[]): Array<Array<string | HTMLElement>> => [
    ...r.privileged.map((s) => [
      s.kind,
      s.name,
      '*',
      '-',
      '-',
      '-',
      'privileged: allowed everything, RBAC is not asked',
    ]),
    ...grants.map(rowOf),
  ];
  const t = table(`Subjects that may ${what}`, head, rows(r.grants), 'whocan-table');
  out.append(t);
  if (r.total > r.grants.length) {
    const more = h('button', { type: 'button' }, `Show all ${r.total} grants`);
    more.addEventListener('click', async () => {
      more.disabled = true;
      const all = await fetchAll();
      t.replaceWith(table(`Subjects that may ${what}`, head, rows(all.grants), 'whocan-table'));
      note.remove();
    });
    const note = h('p', {}, `First ${r.grants.length} of ${r.total} grants shown. `, more);
    out.append(note);
  }
  if (r.unresolved.length)
    out.append(
      h('h3', {}, 'Bindings that grant nothing (missing role)'),
      h('ul', {}, ...r.unresolved.map((u) => h('li', {}, `${fmtRef(u.binding)} → ${fmtRef(u.role)}: ${u.error}`))),
    );
}

// ---- Subject picker shared by matrix and explain ----

function subjectFields(p: Params) {
  const kind = select('Subject kind', 'kind', ['User', 'ServiceAccount', 'Group'], p.get('kind') ?? 'User');
  const name = field('Name', 'name', p.get('name') ?? '', {
    placeholder: 'alice, or the ServiceAccount name',
    required: true,
    list: 'subject-options',
  });
  const sans = field('ServiceAccount namespace', 'sans', p.get('sans') ?? '', { placeholder: 'for a ServiceAccount' });
  const groups = field('Extra groups', 'groups', p.get('groups') ?? '', { placeholder: 'comma-separated' });
  const options = h('datalist', { id: 'subject-options' });
  name.input.addEventListener('input', () => {
    const v = name.input.value.trim();
    if (v.length < 2) return;
    api<{ items: Array<{ kind: string; name: string; namespace?: string }> }>(`subjects?q=${encodeURIComponent(v)}`)
      .then((r) => {
        clear(options);
        for (const s of r.items) options.append(h('option', { value: s.name }, `${s.kind} ${fmtSubject(s)}`));
      })
      .catch(() => undefined);
  });
  const value = () => {
    const k = kind.input.value;
    return {
      subject: {
        kind: k,
        name: name.input.value.trim(),
        ...(k === 'ServiceAccount' ? { namespace: sans.input.value.trim() } : {}),
      },
      groups: groups.input.value
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    };
  };
  const params = () => ({
    kind: kind.input.value,
    name: name.input.value.trim(),
    sans: sans.input.value.trim(),
    groups: groups.input.value.trim(),
  });
  return { wraps: [kind.wrap, name.wrap, sans.wrap, groups.wrap, options], value, params };
}

// ---- Matrix ----

interface MatrixAnswer {
  verbs: string[];
  scopes: Array<{ namespace: string; rows: Array<{ group: string; resource: string; cells: string[] }> }>;
  incomplete: string[];
}

function matrixView(p: Params): void {
  const subj = subjectFields(p);
  const ns = field('Namespace', 'namespace', p.get('namespace') ?? '', { placeholder: 'empty: cluster-wide' });
  const out = h('section', { 'aria-live': 'polite', 'aria-label': 'Matrix: answer' });
  const form = h(
    'form',
    { 'aria-label': 'Access matrix' },
    h('h2', {}, 'Access matrix'),
    h('div', { class: 'row' }, ...subj.wraps, ns.wrap),
    h('button', { type: 'submit' }, 'Show'),
  );
  const show = async () => {
    const v = subj.value();
    remember('matrix', { ...subj.params(), namespace: ns.input.value.trim() });
    status(out, 'Computing…');
    try {
      const m = await api<MatrixAnswer>('matrix', { ...v, namespace: ns.input.value.trim() });
      renderMatrix(out, m, subj.params(), ns.input.value.trim());
    } catch (e) {
      showError(out, e);
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void show()));
  main.append(form, out);
  if (p.get('name')) void show();
}

const cellText: Record<string, string> = { yes: '✓', no: '·', names: '~' };
const cellWord: Record<string, string> = { yes: 'allowed', no: 'denied', names: 'allowed for some names' };

function renderMatrix(out: HTMLElement, m: MatrixAnswer, who: Record<string, string>, namespace: string): void {
  clear(out);
  const scope = m.scopes[0]!;
  const grid = h('table', { class: 'matrix', id: 'matrix-table' });
  grid.append(
    h(
      'caption',
      {},
      `What ${who.kind} ${who.kind === 'ServiceAccount' ? `${who.sans}/${who.name}` : who.name} may do ${namespace ? `in namespace ${namespace}` : 'cluster-wide'} (✓ allowed, ~ some names, · denied; each cell explains itself)`,
    ),
  );
  grid.append(
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Resource'), ...m.verbs.map((v) => h('th', { scope: 'col' }, v))),
    ),
  );
  const body = h('tbody', {});
  const frag = document.createDocumentFragment();
  for (const r of scope.rows) {
    const name = r.group ? r.resource.replace(/^([^/]+)/, `$1.${r.group}`) : r.resource;
    const tr = h('tr', {}, h('th', { scope: 'row' }, name));
    r.cells.forEach((c, i) => {
      const a = link(
        'explain',
        { ...who, verb: m.verbs[i], resource: r.resource, group: r.group, namespace },
        cellText[c] ?? c,
        `${m.verbs[i]} ${name}: ${cellWord[c] ?? c}`,
      );
      tr.append(h('td', { class: `cell-${c}` }, a));
    });
    frag.append(tr);
  }
  body.append(frag);
  grid.append(body);
  out.append(grid);
  if (m.incomplete.length)
    out.append(h('ul', { class: 'notes' }, ...m.incomplete.map((n) => h('li', {}, `Incomplete: ${n}`))));
  performance.mark('matrix-rendered');
  document.body.dataset.matrix = 'ready';
}

// ---- Explain ----

interface RuleRef {
  binding: Grant['binding'];
  role: Grant['role'];
  ruleIndex: number;
  rule: Record<string, string[] | undefined>;
  subject: Grant['subject'];
  mismatch?: string;
}
interface Explanation {
  allowed: boolean;
  reason: string;
  privileged: boolean;
  allowedBy: RuleRef[];
  nearMisses: RuleRef[];
  unresolved: Array<{ binding: Grant['binding']; role: Grant['role']; error: string }>;
}

const ruleText = (r: RuleRef['rule']) =>
  Object.entries(r)
    .filter(([, v]) => v && v.length)
    .map(([k, v]) => `${k}: ${v!.map((x) => (x === '' ? '""' : x)).join(',')}`)
    .join('; ');

function explainView(p: Params): void {
  const subj = subjectFields(p);
  const verb = field('Verb', 'verb', p.get('verb') ?? 'get', { required: true });
  const resource = field('Resource', 'resource', p.get('resource') ?? '', { placeholder: 'pods or pods/log' });
  const group = field('API group', 'group', p.get('group') ?? '');
  const rname = field('Object name', 'rname', p.get('rname') ?? '', { placeholder: 'optional' });
  const ns = field('Namespace', 'namespace', p.get('namespace') ?? '');
  const url = field('Non-resource URL', 'url', p.get('url') ?? '');
  const out = h('section', { 'aria-live': 'polite', 'aria-label': 'Explain: answer' });
  const form = h(
    'form',
    { 'aria-label': 'Explain a decision' },
    h('h2', {}, 'Why (not)?'),
    h('div', { class: 'row' }, ...subj.wraps),
    h('div', { class: 'row' }, verb.wrap, resource.wrap, group.wrap, rname.wrap, ns.wrap, url.wrap),
    h('button', { type: 'submit' }, 'Explain'),
  );
  const run = async () => {
    const params = {
      ...subj.params(),
      verb: verb.input.value.trim(),
      resource: resource.input.value.trim(),
      group: group.input.value.trim(),
      rname: rname.input.value.trim(),
      namespace: ns.input.value.trim(),
      url: url.input.value.trim(),
    };
    remember('explain', params);
    status(out, 'Explaining…');
    try {
      const e = await api<Explanation>('explain', { ...subj.value(), request: requestOf(new URLSearchParams(params)) });
      clear(out);
      out.append(
        h(
          'p',
          { class: `decision ${e.allowed ? 'allowed' : 'denied'}`, role: 'status', id: 'decision' },
          e.allowed ? `Allowed${e.privileged ? ' (system:masters: RBAC is not asked)' : ''}` : 'Denied',
        ),
        h('p', {}, h('strong', {}, 'Reason: '), e.reason || '(RBAC has no opinion: no rule allows it)'),
      );
      if (e.allowedBy.length)
        out.append(
          table(
            'Allowed by',
            ['Binding', 'Role', 'Rule', 'Subject', 'Matched rule'],
            e.allowedBy.map((r) => [
              fmtRef(r.binding),
              fmtRef(r.role),
              String(r.ruleIndex),
              fmtRef(r.subject),
              ruleText(r.rule),
            ]),
            'allowed-by',
          ),
        );
      if (!e.allowed)
        out.append(
          e.nearMisses.length
            ? table(
                'Nearest misses: rules bound to the subject that match every attribute but one',
                ['Binding', 'Role', 'Rule', 'Mismatch', 'Rule text'],
                e.nearMisses.map((r) => [
                  fmtRef(r.binding),
                  fmtRef(r.role),
                  String(r.ruleIndex),
                  r.mismatch ?? '',
                  ruleText(r.rule),
                ]),
                'near-misses',
              )
            : h('p', {}, 'No rule bound to this subject comes within one attribute of it.'),
        );
      if (e.unresolved.length)
        out.append(
          h('h3', {}, 'Bindings that apply but reference a missing role'),
          h('ul', {}, ...e.unresolved.map((u) => h('li', {}, `${fmtRef(u.binding)} → ${fmtRef(u.role)}: ${u.error}`))),
        );
    } catch (err) {
      showError(out, err);
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void run()));
  main.append(form, out);
  if (p.get('name') && p.get('verb')) void run();
}

// ---- Graph ----

function graphView(p: Params): void {
  const text = field('Filter', 'text', p.get('text') ?? '', { placeholder: 'subject, binding or role name' });
  const ns = field('Namespace', 'namespace', p.get('namespace') ?? '', {
    placeholder: 'empty: any; "-": cluster bindings',
  });
  const limit = field('Bindings drawn (max)', 'limit', p.get('limit') ?? '40', { type: 'number' });
  const risky = checkbox('Only escalation paths and risky grants (lint)', 'risky', p.get('risky') === '1');
  const out = h('section', { 'aria-live': 'polite', 'aria-label': 'Graph: answer' });
  const form = h(
    'form',
    { 'aria-label': 'RBAC graph' },
    h('h2', {}, 'Subjects → bindings → roles → rules'),
    h('div', { class: 'row' }, text.wrap, ns.wrap, limit.wrap, risky.wrap),
    h('button', { type: 'submit' }, 'Draw'),
  );
  const draw = async () => {
    const body = {
      text: text.input.value.trim(),
      namespace: ns.input.value.trim(),
      limit: Number(limit.input.value) || 40,
      risky: risky.input.checked,
    };
    remember('graph', {
      text: body.text,
      namespace: body.namespace,
      limit: String(body.limit),
      risky: body.risky ? '1' : '',
    });
    status(out, 'Drawing…');
    try {
      const g = await api<Parameters<typeof renderGraph>[1]>('graph', body);
      renderGraph(out, g);
    } catch (e) {
      showError(out, e);
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), void draw()));
  main.append(form, out);
  void draw();
}

// ---- Token doctor ----

interface Diagnosis {
  jwt: boolean;
  header?: unknown;
  claims?: unknown;
  kind?: string;
  verifiedBy?: { kid: string; alg: string };
  checks: Array<{ id: string; status: string; message: string }>;
  tokenReview: {
    authenticated: boolean;
    user?: { username: string; groups?: string[] };
    audiences?: string[];
    error?: string;
  };
  requestedAudiences: string[];
  kubectl?: string;
}

function tokenView(): void {
  const ta = h('textarea', {
    id: 'token',
    name: 'token',
    rows: '5',
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'eyJhbGciOi…',
  }) as HTMLTextAreaElement;
  const auds = field('Audiences (comma-separated; empty: the API audiences)', 'audiences', '', {});
  const out = h('section', { 'aria-live': 'polite', 'aria-label': 'Token doctor: diagnosis' });
  const form = h(
    'form',
    { 'aria-label': 'Token doctor', autocomplete: 'off' },
    h('h2', {}, 'Token doctor'),
    h(
      'p',
      { class: 'hint' },
      'The token is sent only to this kubeauth, for this one answer, and is stored nowhere (not in the URL either).',
    ),
    h('label', { for: 'token' }, 'JWT'),
    ta,
    h('div', { class: 'row' }, auds.wrap),
    h('button', { type: 'submit' }, 'Diagnose'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status(out, 'Diagnosing…');
    try {
      const d = await api<Diagnosis>('tokendiagnosis', {
        token: ta.value,
        audiences: auds.input.value
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      });
      clear(out);
      const tr = d.tokenReview;
      out.append(
        h(
          'p',
          { class: `decision ${tr.authenticated ? 'allowed' : 'denied'}`, role: 'status', id: 'verdict' },
          tr.authenticated
            ? `TokenReview: authenticated as ${tr.user?.username} for ${JSON.stringify(tr.audiences ?? [])}`
            : `TokenReview: not authenticated — ${tr.error}`,
        ),
        h(
          'ul',
          { class: 'checks', id: 'checks' },
          ...d.checks.map((c) =>
            h('li', { class: `check-${c.status}` }, h('strong', {}, `${c.status.toUpperCase()} ${c.id}: `), c.message),
          ),
        ),
      );
      if (d.kubectl)
        out.append(h('h3', {}, 'Mint a token that passes'), h('pre', {}, h('code', { id: 'kubectl' }, d.kubectl)));
      if (d.jwt)
        out.append(
          h('h3', {}, 'Header'),
          h('pre', { id: 'header' }, JSON.stringify(d.header, null, 2)),
          h('h3', {}, 'Claims (unverified)'),
          h('pre', { id: 'claims' }, JSON.stringify(d.claims, null, 2)),
        );
    } catch (err) {
      showError(out, err);
    }
  });
  main.append(form, out);
}

// ---- Live trace ----

interface Decision {
  seq: number;
  time: string;
  user: string;
  groups: string[];
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  decision: string;
  reason: string;
  code: number;
  latencyMs: number;
}

function traceView(p: Params): void {
  const user = field('User contains', 'user', p.get('user') ?? '', {});
  const decision = select(
    'Decision',
    'decision',
    ['any', 'allow', 'forbid', 'unauthenticated'],
    p.get('decision') ?? 'any',
  );
  const text = field('Resource or path contains', 'text', p.get('text') ?? '', {});
  const paused = checkbox('Pause', 'paused', false);
  const note = h('p', { role: 'status', class: 'summary' }, '');
  const tbody = h('tbody', {});
  const grid = h(
    'table',
    { id: 'trace-table' },
    h('caption', {}, 'Recent authentication and authorization decisions, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Time', 'User', 'Verb', 'Resource / path', 'Namespace', 'Decision', 'Reason', 'Code', 'Latency', ''].map(
          (c) => h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    tbody,
  );
  const form = h(
    'form',
    { 'aria-label': 'Trace filter' },
    h('h2', {}, 'Live trace'),
    h('div', { class: 'row' }, user.wrap, decision.wrap, text.wrap, paused.wrap),
  );
  form.addEventListener('submit', (e) => e.preventDefault());
  main.append(form, note, grid);
  const items: Decision[] = [];
  let last = 0;
  let timer: number | undefined;
  let stopped = false;
  const what = (d: Decision) =>
    d.resourceRequest
      ? `${d.resource}${d.subresource ? `/${d.subresource}` : ''}${d.apiGroup ? `.${d.apiGroup}` : ''}${d.name ? ` ${d.name}` : ''}`
      : d.path;
  const render = () => {
    remember('trace', {
      user: user.input.value.trim(),
      decision: decision.input.value === 'any' ? '' : decision.input.value,
      text: text.input.value.trim(),
    });
    const u = user.input.value.trim().toLowerCase();
    const dec = decision.input.value;
    const t = text.input.value.trim().toLowerCase();
    const shown = items.filter(
      (d) =>
        (!u || d.user.toLowerCase().includes(u)) &&
        (dec === 'any' || d.decision === dec) &&
        (!t || what(d).toLowerCase().includes(t)),
    );
    clear(tbody);
    const frag = document.createDocumentFragment();
    for (const d of shown.slice(-300).reverse()) {
      const explainable = d.user && d.decision !== 'unauthenticated';
      const ex = explainable
        ? link(
            'explain',
            {
              kind: 'User',
              name: d.user,
              groups: d.groups.filter((g) => g !== 'system:authenticated').join(','),
              verb: d.verb,
              resource: d.resourceRequest ? `${d.resource}${d.subresource ? `/${d.subresource}` : ''}` : '',
              group: d.apiGroup,
              rname: d.name,
              namespace: d.namespace,
              url: d.resourceRequest ? '' : d.path,
            },
            'explain',
            `Explain ${d.verb} ${what(d)} for ${d.user}`,
          )
        : '';
      frag.append(
        h(
          'tr',
          { class: `trace-${d.decision}` },
          ...[
            d.time.slice(11, 23),
            d.user || '(none)',
            d.verb,
            what(d),
            d.namespace,
            d.decision,
            d.reason,
            String(d.code),
            `${d.latencyMs.toFixed(1)} ms`,
          ].map((c) => h('td', {}, c)),
          h('td', {}, ex),
        ),
      );
    }
    tbody.append(frag);
    note.textContent = `${shown.length} of ${items.length} decisions shown.`;
  };
  const poll = async () => {
    if (stopped) return;
    if (!paused.input.checked) {
      try {
        const r = await api<{ available: boolean; reason?: string; items: Decision[]; last: number }>(
          `trace?since=${last}`,
        );
        if (!r.available) {
          note.textContent = `No trace: ${r.reason}`;
          return;
        }
        if (r.items.length) {
          items.push(...r.items);
          if (items.length > 2000) items.splice(0, items.length - 2000);
          render();
        } else if (last === 0) render();
        last = r.last;
      } catch (e) {
        note.textContent = `Trace unavailable: ${(e as Error).message}`;
      }
    }
    if (!stopped) timer = window.setTimeout(() => void poll(), 1500);
  };
  for (const i of [user.input, decision.input, text.input]) i.addEventListener('input', render);
  stopView = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  void poll();
}

// ---- start ----

async function start(): Promise<void> {
  // The skip link moves focus, not the route (its #main would be read as a view).
  document.querySelector('.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', route);
  route();
  try {
    const info = await api<{ mode: string; cluster: string; user: { username: string } }>('info');
    document.getElementById('whoami')!.textContent =
      `${info.mode === 'local' ? 'Local inspector for' : 'Serving'} ${info.cluster} · signed in as ${info.user.username}`;
  } catch (e) {
    document.getElementById('whoami')!.textContent = `Not connected: ${(e as Error).message}`;
  }
}

void start();
