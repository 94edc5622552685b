// The schema folder's costs that unit tests must not time: loading its module graph in a fresh process (as at
// server start), against a floor of a fresh process that loads nothing; and checkFields over a 2,000-pod list,
// against a floor of JSON.parse of the same text (checkFields must stay linear in the input).
//   node bench/schema.mjs          (after npm run build)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const dist = path.join(ROOT, 'packages/server/dist/api/schema');
const url = (f) => JSON.stringify(pathToFileURL(path.join(dist, f)).href);

/** Median of `runs` fresh processes timing `body` (ms). */
function freshProcess(body, runs = 7) {
  const script = `const t=performance.now();${body};console.log(performance.now()-t)`;
  const ms = [];
  for (let i = 0; i < runs; i++)
    ms.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })));
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const floorLoad = freshProcess('await import("node:path")');
const load = freshProcess(`await import(${url('index.js')});await import(${url('fields.js')})`);
console.log(
  `schema module graph load: ${load.toFixed(1)} ms (floor: an almost empty import, ${floorLoad.toFixed(1)} ms)`,
);

const { checkFields } = await import(path.join(dist, 'fields.js'));
const { fullPod } = await import(path.join(dist, 'testdata.js'));
const list = { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: Array.from({ length: 2000 }, () => fullPod()) };
const raw = JSON.stringify(list);
const time = (fn, n = 5) => {
  fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t) / n;
};
const parse = time(() => JSON.parse(raw));
const check = time(() => checkFields(list, 'io.k8s.api.core.v1.PodList', raw));
const half = { ...list, items: list.items.slice(0, 1000) };
const halfRaw = JSON.stringify(half);
const checkHalf = time(() => checkFields(half, 'io.k8s.api.core.v1.PodList', halfRaw));
console.log(
  `checkFields, 2,000 pods (${(raw.length / 1e6).toFixed(1)} MB): ${check.toFixed(1)} ms = ` +
    `${(check / parse).toFixed(2)}x JSON.parse of the same text; 1,000 pods: ${checkHalf.toFixed(1)} ms ` +
    `(ratio ${(check / checkHalf).toFixed(2)}, linear is 2)`,
);
