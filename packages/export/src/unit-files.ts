/**
 * The unit files of one pod, as a ConfigMap mounted at the pod's unit directory: each unit's
 * fragment and drop-ins copied as they are (the manager in the pod reads them exactly as here),
 * the stubs of the special targets, and a drop-in for what the source held as symlinks
 * (`.wants/`, `.requires/`, `.upholds/` directories), which a ConfigMap cannot hold.
 * Keys are made of the file's path below the unit directory; `items` put each key back at its path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UnitDefinition } from '@unitkit/unit-file';
import type { ExportReport } from './export-report.js';
import { KeyAllocator } from './kubernetes-names.js';
import { stubTargetText } from './special-targets.js';

/** One file below the unit directory. */
export interface UnitFile {
  /** Relative path: `echo.socket`, `echo.service.d/override.conf`. */
  path: string;
  content: string;
}

/** A drop-in the export adds to a unit (the `.wants/` links, a CronJob's exit action). */
export function exportDropIn(unit: string, name: string, lines: string[]): UnitFile {
  return { path: `${unit}.d/${name}`, content: `# Written by unitkitctl export.\n${lines.join('\n')}\n` };
}

/** The files that make up the given units, stubs and `extra` drop-ins, each once, in a stable order. */
export function unitFilesOf(units: ReadonlyMap<string, UnitDefinition>, stubs: Iterable<string>, report: ExportReport, extra: readonly UnitFile[] = []): UnitFile[] {
  const files = new Map<string, UnitFile>();
  for (const f of extra) files.set(f.path, f);
  const copy = (unit: string, rel: string, source: string) => {
    if (files.has(rel)) return;
    try {
      files.set(rel, { path: rel, content: fs.readFileSync(source, 'utf8') });
    } catch (e) {
      report.add('error', unit, '', `cannot read ${source}: ${(e as Error).message}`);
    }
  };
  for (const [name, def] of units) {
    if (def.fragmentPath) copy(name, path.basename(def.fragmentPath), def.fragmentPath);
    for (const d of def.dropInPaths) copy(name, `${path.basename(path.dirname(d))}/${path.basename(d)}`, d);
    const links = def.dependencyDirs;
    const lines: string[] = [];
    if (links.wants.length) lines.push(`Wants=${links.wants.join(' ')}`);
    if (links.requires.length) lines.push(`Requires=${links.requires.join(' ')}`);
    if (links.upholds.length) lines.push(`Upholds=${links.upholds.join(' ')}`);
    if (lines.length) {
      const f = exportDropIn(name, 'zz-unitkit-export-links.conf', ['[Unit]', ...lines]);
      files.set(f.path, f);
    }
  }
  for (const s of stubs) if (!files.has(s)) files.set(s, { path: s, content: stubTargetText(s) });
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The ConfigMap's data and the volume items that put each key at its path. */
export function unitFilesConfigMapData(files: readonly UnitFile[]): { data: Record<string, string>; items: Array<{ key: string; path: string }> } {
  const keys = new KeyAllocator();
  const data: Record<string, string> = {};
  const items: Array<{ key: string; path: string }> = [];
  for (const f of files) {
    const key = keys.key(f.path);
    data[key] = f.content;
    items.push({ key, path: f.path });
  }
  return { data, items };
}
