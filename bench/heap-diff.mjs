#!/usr/bin/env node
// Diffs two V8 heap snapshots by object kind: `node bench/heap-diff.mjs A.heapsnapshot B.heapsnapshot [N]`
// prints what B holds beyond A, grouped by (node type, constructor/name), largest first, with the
// count and bytes per unit when N (the units B holds beyond A) is given. Used with bench/held.py
// --snapshots for issue #19's per-unit figure.
import { readFileSync } from 'node:fs';

function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const fields = meta.node_fields;
  const nf = fields.length;
  const types = meta.node_types[0];
  const iType = fields.indexOf('type'), iName = fields.indexOf('name'), iSize = fields.indexOf('self_size');
  const nodes = snap.nodes, strings = snap.strings;
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += nf) {
    const type = types[nodes[i + iType]];
    let name = strings[nodes[i + iName]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    else if (type === 'number') name = '';
    else if (type === 'code') name = name.length > 40 ? name.slice(0, 40) : name;
    else if (type === 'closure') name = 'closure ' + name;
    else if (type === 'array' || type === 'hidden') name = name.length > 50 ? name.slice(0, 50) : name;
    const key = `${type}\t${name}`;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += nodes[i + iSize];
    total += nodes[i + iSize];
    groups.set(key, g);
  }
  return { groups, total };
}

const [a, b, n] = process.argv.slice(2);
const A = summarize(a), B = summarize(b);
const units = Number(n) || 0;
const rows = [];
for (const [key, g] of B.groups) {
  const o = A.groups.get(key) ?? { count: 0, size: 0 };
  if (g.size - o.size !== 0) rows.push([key, g.count - o.count, g.size - o.size]);
}
rows.sort((x, y) => y[2] - x[2]);
console.log(`total ${A.total} -> ${B.total}: +${B.total - A.total} bytes` + (units ? ` = ${((B.total - A.total) / units).toFixed(0)} B/unit` : ''));
for (const [key, dc, ds] of rows.slice(0, 60)) {
  console.log(`${String(ds).padStart(10)} ${String(dc).padStart(8)}` + (units ? ` ${(ds / units).toFixed(1).padStart(8)} B/u ${(dc / units).toFixed(2).padStart(6)}/u` : '') + `  ${key}`);
}
