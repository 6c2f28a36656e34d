/**
 * The [Path] directive table (systemd's load-fragment-gperf rows for Path.*). Every Path*=/
 * DirectoryNotEmpty= line is kept under one key, `Paths`, in file order; an empty assignment of
 * any of them resets all, as config_parse_path_spec() frees every spec.
 */
import type { DirectiveSpec, DirectiveTable } from '@unitkit/core';
import {
  ValueError,
  booleanDirective,
  modeDirective,
  timeSpanDirective,
  triggerUnitDirective,
  unsignedDirective,
} from '@unitkit/unit-file';

/** The kinds of path specs, as systemd names them (PathType). */
export type PathType = 'PathExists' | 'PathExistsGlob' | 'PathChanged' | 'PathModified' | 'DirectoryNotEmpty';

/** One Path*= line. */
export interface PathSpecSetting {
  type: PathType;
  /** Absolute and simplified (no "//", no "/./", no trailing "/"). */
  path: string;
}

/** path_simplify(): duplicate slashes, "." components and a trailing slash removed. */
export function simplifyPath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return `/${parts.join('/')}`;
}

const pathSpec = (type: PathType): DirectiveSpec =>
  ({
    kind: 'list',
    canonical: 'Paths',
    parse: (v: string): PathSpecSetting[] => {
      if (!v.startsWith('/')) throw new ValueError(`Path is not absolute, ignoring: ${v}`);
      if (v.split('/').includes('..')) throw new ValueError(`Path contains "..", ignoring: ${v}`);
      return [{ type, path: simplifyPath(v) }];
    },
  }) as DirectiveSpec;

/** The [Path] section, for .path units only. */
export const pathSectionTable: DirectiveTable = {
  section: 'Path',
  unitTypes: ['path'],
  directives: {
    PathExists: pathSpec('PathExists'),
    PathExistsGlob: pathSpec('PathExistsGlob'),
    PathChanged: pathSpec('PathChanged'),
    PathModified: pathSpec('PathModified'),
    DirectoryNotEmpty: pathSpec('DirectoryNotEmpty'),
    Unit: triggerUnitDirective('path'),
    MakeDirectory: booleanDirective(),
    DirectoryMode: modeDirective(),
    TriggerLimitIntervalSec: timeSpanDirective(),
    TriggerLimitBurst: unsignedDirective(),
  },
};

/** The resolved [Path] settings of one unit, with path_init()'s and path_add_extras()' defaults. */
export interface PathSettings {
  specs: PathSpecSetting[];
  unit?: string;
  makeDirectory: boolean;
  directoryMode: number;
  triggerLimitInterval: number;
  triggerLimitBurst: number;
}

/** Reads the [Path] section. */
export function readPathSettings(section: ReadonlyMap<string, unknown> | undefined): PathSettings {
  const sec = section ?? new Map<string, unknown>();
  const get = <T>(k: string, d: T): T => (sec.get(k) as T | undefined) ?? d;
  return {
    specs: get<PathSpecSetting[]>('Paths', []),
    unit: get<string | undefined>('Unit', undefined),
    makeDirectory: get('MakeDirectory', false),
    directoryMode: get('DirectoryMode', 0o755),
    triggerLimitInterval: get('TriggerLimitIntervalSec', 2_000_000),
    triggerLimitBurst: get('TriggerLimitBurst', 200),
  };
}
