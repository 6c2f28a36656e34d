/**
 * What core knows of a unit's configuration: plain data produced by a loader (normally
 * `@unitkit/unit-file` reading fragments and drop-ins). Core never reads files itself.
 */
import type { Disposable } from './ports/event-loop.js';

/** One warning or error found while loading, with the place it was found. */
export interface Diagnostic {
  severity: 'warning' | 'error';
  file: string;
  line: number;
  section?: string;
  key?: string;
  message: string;
}

/** The load result of one unit name. */
export interface UnitDefinition {
  /** The unit's primary name; for an alias this is the name the alias points to. */
  id: string;
  /** Every name of the unit, the id and its aliases. */
  names: string[];
  loadState: 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';
  /** Why a unit is not loaded, for messages: "file:line: what is wrong". */
  loadError?: string;
  fragmentPath?: string;
  sourcePath?: string;
  dropInPaths: string[];
  /** Section name → directive name → value parsed by the directive tables. */
  sections: Map<string, Map<string, unknown>>;
  diagnostics: Diagnostic[];
  /** enabled, disabled, static, masked, … as `systemctl is-enabled` prints it. */
  unitFileState?: string;
}

/**
 * A parsed setting of one directive, as a directive table returns it. Core only needs the table
 * shape to pass plugins' tables on to the loader; the parsing itself lives in the loader.
 */
export interface DirectiveSpec<T = unknown> {
  kind: 'scalar' | 'list';
  parse: (value: string, ctx: never) => T | T[];
  noSpecifiers?: boolean;
  fatal?: boolean;
  deprecated?: string;
}

/** The directives of one section, contributed by the plugin that owns the section. */
export interface DirectiveTable {
  section: string;
  directives: Record<string, DirectiveSpec>;
}

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
  /** Optional: tells about changes on disk so a manager can offer a reload. */
  watch?(onChange: () => void): Disposable;
}

/** A definition for a name that has no unit file. */
export function notFoundDefinition(name: string): UnitDefinition {
  return { id: name, names: [name], loadState: 'not-found', dropInPaths: [], sections: new Map(), diagnostics: [] };
}
