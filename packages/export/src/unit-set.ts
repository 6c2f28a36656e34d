/**
 * Which units an export carries, and into which pod: each root named on the command line becomes
 * one pod holding the root and every unit it pulls in (Wants=, Requires=, BindsTo=, …, a socket's,
 * timer's or path's service, a service's Sockets=), read from the unit path with the manager's own
 * loader — no running manager is needed. A unit reached from several roots runs in the pod of the
 * first root that reaches it; the others depend on it across pods, which the report lists.
 */
import type { UnitDefinition } from '@unitkit/unit-file';
import { UnitFileLoader, unitNamePrefix, unitNameType, isValidUnitName } from '@unitkit/unit-file';
import { exportDirectiveTables } from './directive-tables.js';
import type { ExportReport } from './export-report.js';
import { ALWAYS_STUBBED, isStubbedTarget } from './special-targets.js';
import { RESOURCE_KEYS } from './resource-settings.js';

/** The [Unit] dependencies that pull the named units in when the unit starts, and how strongly. */
export const PULLING_DEPENDENCIES: Readonly<Record<string, 'weak' | 'strong'>> = {
  Wants: 'weak',
  Upholds: 'weak',
  OnFailure: 'weak',
  OnSuccess: 'weak',
  Requires: 'strong',
  Requisite: 'strong',
  BindsTo: 'strong',
};

/** Unit types that have no place in a pod, with the reason. */
const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  mount: 'a pod mounts volumes, not mount units (use a volume in the manifest)',
  automount: 'a pod mounts volumes, not automount units',
  swap: 'swap is the node\'s, not the pod\'s',
  device: 'devices reach a pod through device plugins',
  scope: 'scopes are made at run time, not from files',
};

/** One pod's units: the root first, then in the order found. */
export interface PodUnits {
  /** The unit named on the command line. */
  root: string;
  /** By name; a socket's Accept=yes template is held under its template name (`greet@.service`). */
  units: Map<string, UnitDefinition>;
  /** Stubbed special targets the pod needs (see special-targets.ts). */
  stubs: Set<string>;
}

/** What {@link collectPods} reads. */
export interface UnitSetOptions {
  /** Where the unit files are: the search path, first match wins. */
  searchPath: string[];
  /** The units to export, one pod each. */
  roots: string[];
  report: ExportReport;
  env?: NodeJS.ProcessEnv;
}

/** The units a unit of this definition pulls in: dependencies, then what it triggers. */
export function pulledUnits(name: string, def: UnitDefinition): Array<{ name: string; via: string }> {
  const out: Array<{ name: string; via: string }> = [];
  const unit = def.sections.get('Unit');
  for (const key of Object.keys(PULLING_DEPENDENCIES)) {
    for (const n of (unit?.get(key) as string[] | undefined) ?? []) out.push({ name: n, via: key });
  }
  const type = unitNameType(name);
  const prefix = unitNamePrefix(name);
  if (type === 'socket') {
    const sock = def.sections.get('Socket');
    const accept = sock?.get('Accept') === true;
    const service = sock?.get('Service') as string | undefined;
    out.push({ name: service ?? (accept ? `${prefix}@.service` : `${prefix}.service`), via: 'Service' });
  } else if (type === 'timer' || type === 'path') {
    const section = def.sections.get(type === 'timer' ? 'Timer' : 'Path');
    out.push({ name: (section?.get('Unit') as string | undefined) ?? `${prefix}.service`, via: 'Unit' });
  } else if (type === 'service') {
    for (const s of (def.sections.get('Service')?.get('Sockets') as string[] | undefined) ?? []) out.push({ name: s, via: 'Sockets' });
  }
  return out;
}

/** Loads the roots and everything they pull in, one {@link PodUnits} per root. */
export function collectPods(opts: UnitSetOptions): PodUnits[] {
  const loader = new UnitFileLoader({ searchPath: opts.searchPath, tables: exportDirectiveTables(), scope: 'system', unitFileStates: false, env: opts.env });
  const { report } = opts;
  const owner = new Map<string, string>();
  const cache = new Map<string, UnitDefinition>();
  const load = (name: string): UnitDefinition => {
    let def = cache.get(name);
    if (!def) {
      // A template is read through an instance of it: the loader refuses to load a bare template.
      def = loader.load(name.includes('@.') ? name.replace('@.', '@unitkit-export.') : name);
      cache.set(name, def);
      for (const d of def.diagnostics) {
        // Resource settings are read from the assignments (resource-settings.ts), whichever plugin enforces them.
        if (d.key && RESOURCE_KEYS.has(d.key) && d.message.startsWith('Unknown key')) continue;
        report.add(d.severity === 'error' ? 'error' : 'note', name, d.key ? `${d.key}=` : '', `${d.file}:${d.line}: ${d.message}`);
      }
    }
    return def;
  };
  const pods: PodUnits[] = [];
  for (const root of opts.roots) {
    if (!isValidUnitName(root)) {
      report.add('error', root, '', 'not a valid unit name');
      continue;
    }
    if (owner.has(root)) {
      report.add('note', root, '', `already exported in the pod of ${owner.get(root)}`);
      continue;
    }
    const pod: PodUnits = { root, units: new Map(), stubs: new Set(ALWAYS_STUBBED) };
    const queue: Array<{ name: string; from?: string; via?: string }> = [{ name: root }];
    while (queue.length > 0) {
      const { name, from, via } = queue.shift()!;
      if (pod.units.has(name) || (name !== root && pod.stubs.has(name))) continue;
      if (name !== root && isStubbedTarget(name)) {
        pod.stubs.add(name);
        continue;
      }
      const other = owner.get(name);
      if (other !== undefined && other !== root) {
        const strong = via !== undefined && PULLING_DEPENDENCIES[via] === 'strong';
        report.add(strong ? 'does-not-map' : 'note', from ?? name, `${via}=${name}`, `${name} runs in the pod of ${other}: Kubernetes has no dependency between pods${strong ? ' (this unit no longer fails or stops with it; use the other pod\'s readiness instead)' : ''}`);
        continue;
      }
      const type = unitNameType(name) ?? '';
      const unsupported = UNSUPPORTED_TYPES[type];
      if (unsupported) {
        report.add('does-not-map', from ?? name, via ? `${via}=${name}` : '', `${name}: ${unsupported}; it is left out`);
        continue;
      }
      const def = load(name);
      if (def.loadState !== 'loaded') {
        const why = def.loadState === 'not-found' ? 'not found in the unit path' : def.loadState === 'masked' ? 'masked' : `not loadable (${def.loadError ?? def.loadState})`;
        report.add(via && PULLING_DEPENDENCIES[via] === 'weak' ? 'note' : 'error', from ?? name, via ? `${via}=${name}` : '', `${name} is ${why}; it is left out`);
        continue;
      }
      if (def.id !== name && !name.includes('@.')) {
        report.add('does-not-map', from ?? name, via ? `${via}=${name}` : '', `${name} is an alias of ${def.id}; a ConfigMap holds no symlinks, so the pod knows it as ${def.id} only`);
      }
      pod.units.set(name, def);
      owner.set(name, root);
      if (type === 'socket') pod.stubs.add('sockets.target');
      if (type === 'timer') for (const t of ['timers.target', 'time-set.target', 'time-sync.target']) pod.stubs.add(t);
      if (type === 'path') pod.stubs.add('paths.target');
      for (const next of pulledUnits(name, def)) queue.push({ name: next.name, from: name, via: next.via });
    }
    pods.push(pod);
  }
  return pods;
}
