/**
 * What core knows of a unit's configuration: plain data produced by a loader (normally
 * `@unitkit/unit-file` reading fragments and drop-ins). Core never reads files itself.
 */
import type { Disposable } from './ports/event-loop.js';

/**
 * The shapes shared with the loader are defined once, in @unitkit/unit-file, and re-exported here
 * so plugins can import everything from core.
 */
export type { Diagnostic, UnitDefinition, DirectiveSpec, DirectiveTable, ParseContext, UnitFileState } from '@unitkit/unit-file';
import type { DirectiveTable, UnitDefinition } from '@unitkit/unit-file';
import { sharedIfEmpty } from './exec/shared-empty.js';

/** Token for contributing directive tables (multi-injection): plugins bind one per section they fill. */
export const DirectiveTableContribution = Symbol('DirectiveTableContribution');

/**
 * Token and interface of the port that turns unit names into definitions. The production binding
 * reads unit files through `@unitkit/unit-file`; tests may bind an in-memory source.
 */
export const UnitDefinitionSource = Symbol('UnitDefinitionSource');
export interface UnitDefinitionSource {
  /**
   * Loads one unit by name. Never throws for a missing or broken file: those come back with
   * loadState not-found / bad-setting / error / masked. `tables` are every directive table the
   * composed manager knows.
   */
  load(name: string, tables: readonly DirectiveTable[]): UnitDefinition;
  /** Forgets cached directory listings, so the next loads see the files as they are now (daemon-reload). */
  invalidate?(): void;
  /**
   * Optional: whether what `def` (a definition this source returned) was loaded from changed since
   * (NeedDaemonReload=). Sources that cannot tell leave it out and units never need a reload.
   */
  needsDaemonReload?(def: UnitDefinition): boolean;
  /** Optional: tells about changes on disk so a manager can offer a reload. */
  watch?(onChange: () => void): Disposable;
}

/** A definition for a name that has no unit file. */
export function notFoundDefinition(name: string): UnitDefinition {
  return {
    id: name,
    names: [name],
    loadState: 'not-found',
    dropInPaths: [],
    sections: new Map(),
    diagnostics: [],
    assignments: [],
    dependencyDirs: { wants: [], requires: [], upholds: [] },
  };
}

const NO_SECTIONS: UnitDefinition['sections'] = new Map();
const NO_DEPENDENCY_DIRS: UnitDefinition['dependencyDirs'] = Object.freeze({ wants: [], requires: [], upholds: [] }) as UnitDefinition['dependencyDirs'];

/**
 * What a unit keeps of its definition once loaded: names, paths, load and file state, diagnostics
 * (usually none). The parsed sections, raw assignments and dependency directories have been
 * consumed by then (settings, the type's load()) and were about a fifth of a loaded unit's heap
 * in a 2,000-unit profile. `show` reads only the paths and file state; `cat` reads the files
 * themselves. The emptied fields, and empty lists, share one empty (never mutated) value.
 */
export function keptDefinition(def: UnitDefinition): UnitDefinition {
  return {
    ...def,
    names: def.names.slice(),
    dropInPaths: sharedIfEmpty(def.dropInPaths),
    diagnostics: sharedIfEmpty(def.diagnostics),
    sections: NO_SECTIONS,
    assignments: sharedIfEmpty([]),
    dependencyDirs: NO_DEPENDENCY_DIRS,
  };
}
