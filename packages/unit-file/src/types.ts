/** One warning or error found while reading unit files, always with file and line. */
export interface Diagnostic {
  severity: 'warning' | 'error';
  file: string;
  line: number;
  section?: string;
  key?: string;
  message: string;
}

/** systemd's UnitLoadState, restricted to the states a loader can produce. */
export type LoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';

/** systemd's UnitFileState, as `systemctl is-enabled` prints it. */
export type UnitFileState =
  | 'enabled'
  | 'enabled-runtime'
  | 'linked'
  | 'linked-runtime'
  | 'alias'
  | 'masked'
  | 'masked-runtime'
  | 'static'
  | 'disabled'
  | 'indirect'
  | 'generated'
  | 'transient'
  | 'bad';

/** One `Key=value` line as written (after continuation joining), kept for `cat` and for tests. */
export interface RawAssignment {
  file: string;
  line: number;
  section: string;
  key: string;
  value: string;
}

/** What the loader hands core for one unit. */
export interface UnitDefinition {
  /** Primary name, e.g. "foo@bar.service"; for an alias, the name of the file it points to. */
  id: string;
  /** All names incl. id and aliases (symlinks) that resolved to this unit. */
  names: string[];
  loadState: LoadState;
  /** For non-loaded states: one human message naming file and line where there is one. */
  loadError?: string;
  fragmentPath?: string;
  sourcePath?: string;
  /** In the order applied. */
  dropInPaths: string[];
  /**
   * Modification times (ms since the epoch) of what was read, for NeedDaemonReload=: the fragment,
   * the SourcePath= file, and the newest drop-in. Absent when the loader did not read from disk.
   */
  mtimes?: { fragment?: number; source?: number; dropIns?: number };
  /** section name -> directive name -> parsed value. Unset directives are absent. */
  sections: Map<string, Map<string, unknown>>;
  diagnostics: Diagnostic[];
  unitFileState?: UnitFileState;
  /** Every assignment read, in order applied (fragment, then drop-ins), including unknown and bad ones. */
  assignments: RawAssignment[];
  /** Dependencies found as symlinks in `.wants/`, `.requires/`, `.upholds/` directories (already merged into [Unit]). */
  dependencyDirs: { wants: string[]; requires: string[]; upholds: string[] };
  /** The instance for "foo@bar.service", undefined otherwise. */
  instance?: string;
  /** The template name ("foo@.service") when the fragment was a template. */
  template?: string;
}

/** Facts about the running system that specifiers resolve to. Anything left out is read from the system on first use. */
export interface SpecifierContext {
  /** %a */ architecture?: string;
  /** %A */ imageVersion?: string;
  /** %b */ bootId?: string;
  /** %B */ buildId?: string;
  /** %H */ hostname?: string;
  /** %m */ machineId?: string;
  /** %M */ imageId?: string;
  /** %o */ osId?: string;
  /** %v */ kernelRelease?: string;
  /** %w */ osVersionId?: string;
  /** %W */ osVariantId?: string;
  /** %u */ userName?: string;
  /** %U */ uid?: number;
  /** %g */ groupName?: string;
  /** %G */ gid?: number;
  /** %h */ home?: string;
  /** %s */ shell?: string;
  /** %t */ runtimeDir?: string;
  /** %S */ stateDir?: string;
  /** %C */ cacheDir?: string;
  /** %L */ logsDir?: string;
  /** %E */ configDir?: string;
  /** %T */ tmpDir?: string;
  /** %V */ varTmpDir?: string;
  /** %d */ credentialsDir?: string;
}

/** What a value parser is told about where its value comes from. */
export interface ParseContext {
  /** The unit being loaded, e.g. "foo@bar.service". */
  unit: string;
  file: string;
  line: number;
  section: string;
  key: string;
  /** 'system' or 'user' manager: a few parsers accept different values. */
  scope: 'system' | 'user';
  /** Expands specifiers (%n, %i, …) for this unit; throws ValueError on an unknown one. */
  expand(text: string): string;
  /** Records a non-fatal warning for this line (e.g. one bad word of a list that is otherwise kept). */
  warn(message: string): void;
}

/**
 * How one directive is parsed, in the spirit of a row of systemd's load-fragment-gperf table.
 */
export interface DirectiveSpec<T = unknown> {
  /** 'scalar': the last assignment wins (empty assignment resets to unset unless noted); 'list': each assignment's parsed items are appended and an empty assignment empties the list. */
  kind: 'scalar' | 'list';
  /** Parses one right-hand side (already specifier-expanded unless noSpecifiers); throws ValueError on bad input. For 'list' returns T[]. */
  parse: (value: string, ctx: ParseContext) => T | T[];
  noSpecifiers?: boolean;
  /** An invalid value makes the unit bad-setting; otherwise the bad line is logged and ignored, as systemd does for most directives. */
  fatal?: boolean;
  /** A warning at load, e.g. a replacement note. */
  deprecated?: string;
  /**
   * What an empty assignment does: 'reset' (default) unsets a scalar / empties a list;
   * 'ignore' does nothing (systemd's dependency directives); 'parse' hands "" to `parse`.
   */
  empty?: 'reset' | 'ignore' | 'parse';
  /** Store the value under this directive name instead (for aliases such as BindTo= → BindsTo=). */
  canonical?: string;
  /**
   * Store the value in this section instead: systemd 252 still reads a few [Unit] settings in
   * [Service] (StartLimitBurst=, FailureAction=…), and they set the same value as in [Unit].
   */
  section?: string;
  /** An empty assignment resets every directive of the same section sharing this group (all Condition*= reset together in systemd). */
  resetGroup?: string;
  /**
   * For 'list': how one assignment's items join the items already assigned (in the fragment or an
   * earlier drop-in); plain appending when absent. Environment= replaces a variable in place,
   * PassEnvironment= skips names already listed — systemd merges these while parsing, so `show`
   * prints the merged list.
   */
  merge?(previous: T[], items: T[]): void;
}

/** The directives of one section, contributed by whoever owns that section. */
export interface DirectiveTable {
  section: string;
  directives: Record<string, DirectiveSpec>;
  /** Unit type suffixes ("service", "socket") whose files may carry this section; all when absent. */
  unitTypes?: string[];
}
