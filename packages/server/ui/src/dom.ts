// A few DOM helpers: elements from tag, attributes and children; labelled inputs; tables with captions and header
// cells (screen readers announce them); a status line.
type Child = string | Node | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

let uid = 0;

export function field(
  label: string,
  name: string,
  value: string,
  o: { placeholder?: string; required?: boolean; type?: string; list?: string } = {},
): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = `f-${name}-${++uid}`;
  const input = h('input', { id, name, type: o.type ?? 'text', autocomplete: 'off', spellcheck: 'false' });
  input.value = value;
  if (o.placeholder) input.placeholder = o.placeholder;
  if (o.required) input.required = true;
  if (o.list) input.setAttribute('list', o.list);
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

export function select(
  label: string,
  name: string,
  options: string[],
  value: string,
): { wrap: HTMLElement; input: HTMLSelectElement } {
  const id = `f-${name}-${++uid}`;
  const input = h('select', { id, name }, ...options.map((o) => h('option', { value: o }, o)));
  input.value = value;
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

export function checkbox(
  label: string,
  name: string,
  checked: boolean,
): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = `f-${name}-${++uid}`;
  const input = h('input', { id, name, type: 'checkbox' });
  input.checked = checked;
  return { wrap: h('div', { class: 'field check' }, input, h('label', { for: id }, label)), input };
}

export function table(
  caption: string,
  head: string[],
  rows: Array<Array<string | Node>>,
  id?: string,
): HTMLTableElement {
  const t = h('table', id ? { id } : {});
  t.append(h('caption', {}, caption));
  t.append(h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))));
  const body = h('tbody', {});
  const frag = document.createDocumentFragment();
  for (const r of rows) frag.append(h('tr', {}, ...r.map((c) => h('td', {}, c))));
  body.append(frag);
  t.append(body);
  return t;
}

export function status(out: HTMLElement, text: string): void {
  clear(out);
  out.append(h('p', { class: 'summary', role: 'status' }, text));
}
