#!/usr/bin/env node
/**
 * Writes src/bus-property-types.ts: the D-Bus signature of every property of systemd's
 * org.freedesktop.systemd1 interfaces, read from a running systemd 252 (`systemd --user`, with
 * the same XDG_RUNTIME_DIR) by introspection. Run once when systemd's API changes:
 *   node scripts/gen-bus-property-types.mjs UNIT.service UNIT.socket UNIT.target > src/bus-property-types.ts
 * The units must be loadable by that systemd (any three will do; only the interfaces matter).
 */
import { execFileSync } from 'node:child_process';

function busLabel(name) {
  return name.replace(/[^A-Za-z0-9]/g, (c) => '_' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

function introspect(path) {
  const out = execFileSync('busctl', ['--user', 'call', 'org.freedesktop.systemd1', path, 'org.freedesktop.DBus.Introspectable', 'Introspect', '--json=short'], { encoding: 'utf8' });
  return JSON.parse(out).data[0];
}

const tables = new Map();
const paths = ['/org/freedesktop/systemd1', ...process.argv.slice(2).map((u) => `/org/freedesktop/systemd1/unit/${busLabel(u)}`)];
for (const p of paths) {
  const xml = introspect(p);
  for (const m of xml.matchAll(/<interface name="([^"]+)">([\s\S]*?)<\/interface>/g)) {
    const iface = m[1];
    if (!iface.startsWith('org.freedesktop.systemd1.') || tables.has(iface)) continue;
    const props = [];
    // A property without an EmitsChangedSignal annotation emits its value in PropertiesChanged
    // (the default); "invalidates" names it there without a value; "const" and "false" never.
    for (const pm of m[2].matchAll(/<property name="([^"]+)" type="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/property>)/g)) {
      const emits = /EmitsChangedSignal" value="([^"]+)"/.exec(pm[4] ?? '')?.[1] ?? 'true';
      props.push([pm[1], pm[2], emits]);
    }
    tables.set(iface, props);
  }
}

const lines = [
  '/**',
  ' * The D-Bus signature of every property of systemd 252\'s org.freedesktop.systemd1 interfaces, by',
  ' * interface, in systemd\'s order. Read from a running systemd by scripts/gen-bus-property-types.mjs;',
  ' * edit by re-running it, not by hand.',
  ' */',
  '',
  '/** Interface name → [property name, D-Bus signature] in systemd\'s order. */',
  'export const busPropertyTypes: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {',
];
for (const [iface, props] of tables) {
  lines.push(`  '${iface}': [`);
  for (const [n, t] of props) lines.push(`    ['${n}', '${t}'],`);
  lines.push('  ],');
}
lines.push(
  '};',
  '',
  '/**',
  ' * What systemd sends in PropertiesChanged for each interface when the object changes: the',
  ' * properties whose new value it carries (`changed`) and those it only names as invalidated.',
  ' */',
  'export const busPropertyEmits: Readonly<Record<string, { readonly changed: readonly string[]; readonly invalidated: readonly string[] }>> = {',
);
for (const [iface, props] of tables) {
  const names = (e) => props.filter((p) => p[2] === e).map((p) => `'${p[0]}'`).join(', ');
  lines.push(`  '${iface}': {`, `    changed: [${names('true')}],`, `    invalidated: [${names('invalidates')}],`, '  },');
}
lines.push('};', '');
process.stdout.write(lines.join('\n'));
