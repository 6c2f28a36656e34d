#!/usr/bin/env node
// What a held unit retains, by field: `node bench/heap-units.mjs FILE.heapsnapshot [DEPTH=3] [CLASS=Unit]`.
// Builds the snapshot's dominator tree and, over every object of constructor CLASS, sums the
// retained size under each property path (data.exec.sandbox, settings.description, ...) up to
// DEPTH levels, printed as average bytes per object. Retained = what would be freed with it, so
// objects shared between units (frozen defaults, interned strings) count for none of them.
import { readFileSync } from 'node:fs';

const [file, depthArg, cls = 'Unit'] = process.argv.slice(2);
const DEPTH = Number(depthArg) || 3;
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const nf = meta.node_fields.length, ef = meta.edge_fields.length;
const nodeTypes = meta.node_types[0], edgeTypes = meta.edge_types[0];
const iType = meta.node_fields.indexOf('type'), iName = meta.node_fields.indexOf('name');
const iSize = meta.node_fields.indexOf('self_size'), iEc = meta.node_fields.indexOf('edge_count');
const eType = meta.edge_fields.indexOf('type'), eName = meta.edge_fields.indexOf('name_or_index'), eTo = meta.edge_fields.indexOf('to_node');
const { nodes, edges, strings } = snap;
const N = nodes.length / nf;
const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) { firstEdge[i] = e; e += nodes[i * nf + iEc] * ef; }
firstEdge[N] = edges.length;
const weak = edgeTypes.indexOf('weak'), shortcut = edgeTypes.indexOf('shortcut');
const strong = (e) => edges[e + eType] !== weak && edges[e + eType] !== shortcut;

// Reverse postorder DFS from the root (node 0), then Cooper–Harvey–Kennedy iterative dominators.
const order = new Int32Array(N).fill(-1), post = [];
{
  const stack = [0], it = [firstEdge[0]];
  order[0] = 0;
  while (stack.length) {
    const v = stack[stack.length - 1], e = it[it.length - 1];
    if (e >= firstEdge[v + 1]) { stack.pop(); it.pop(); post.push(v); continue; }
    it[it.length - 1] = e + ef;
    if (!strong(e)) continue;
    const w = edges[e + eTo] / nf;
    if (order[w] === -1) { order[w] = 0; stack.push(w); it.push(firstEdge[w]); }
  }
}
const rpo = post.reverse();
const num = new Int32Array(N).fill(-1);
rpo.forEach((v, k) => (num[v] = k));
const preds = Array.from({ length: N }, () => []);
for (let v = 0; v < N; v++) {
  if (num[v] < 0) continue;
  for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += ef) if (strong(e)) { const w = edges[e + eTo] / nf; if (num[w] >= 0) preds[w].push(v); }
}
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
for (let changed = true; changed;) {
  changed = false;
  for (let k = 1; k < rpo.length; k++) {
    const v = rpo[k];
    let d = -1;
    for (const p of preds[v]) {
      if (idom[p] === -1) continue;
      if (d === -1) { d = p; continue; }
      let a = p, b = d;
      while (a !== b) { while (num[a] > num[b]) a = idom[a]; while (num[b] > num[a]) b = idom[b]; }
      d = a;
    }
    if (d !== -1 && idom[v] !== d) { idom[v] = d; changed = true; }
  }
}
const retained = new Float64Array(N);
for (let v = 0; v < N; v++) retained[v] = nodes[v * nf + iSize];
for (let k = rpo.length - 1; k > 0; k--) { const v = rpo[k]; retained[idom[v]] += retained[v]; }

const name = (v) => strings[nodes[v * nf + iName]];
const type = (v) => nodeTypes[nodes[v * nf + iType]];
const paths = new Map();
let count = 0, total = 0;
function walk(v, path, depth) {
  for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += ef) {
    if (!strong(e)) continue;
    const w = edges[e + eTo] / nf;
    if (idom[w] !== v) continue;
    const et = edgeTypes[edges[e + eType]];
    const label = et === 'element' || et === 'hidden' ? `[${type(w) === 'object' ? name(w) : type(w)}]` : String(et === 'internal' ? `(${strings[edges[e + eName]]})` : strings[edges[e + eName]]);
    const p = path ? `${path}.${label}` : label;
    const g = paths.get(p) ?? { size: 0, n: 0, kind: type(w) === 'object' ? name(w) : type(w) };
    g.size += retained[w]; g.n++;
    paths.set(p, g);
    if (depth < DEPTH) walk(w, p, depth + 1);
  }
}
for (let v = 0; v < N; v++) {
  if (type(v) === 'object' && name(v) === cls && num[v] >= 0) { count++; total += retained[v]; walk(v, '', 1); }
}
console.log(`${count} ${cls} objects, ${(total / count).toFixed(0)} B retained each on average`);
const rows = [...paths].filter(([, g]) => g.size / count >= 8).sort((a, b) => (a[0] < b[0] ? -1 : 1));
for (const [p, g] of rows) console.log(`${(g.size / count).toFixed(0).padStart(7)}  ${(g.n / count).toFixed(2).padStart(6)}  ${'  '.repeat(p.split('.').length - 1)}${p.split('.').pop()}  (${g.kind})`);
