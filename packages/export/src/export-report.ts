/**
 * What an export could not carry over, or carried over with a change of meaning: the list the
 * user reads before applying the manifests. Kept apart from the manifests so that the YAML on
 * stdout stays clean to pipe into `kubectl apply -f -`.
 */

/** How serious one entry is. */
export type ReportLevel =
  /** The setting has no counterpart: it is dropped, or holds only inside the pod. */
  | 'does-not-map'
  /** It maps, with a difference the user should know of. */
  | 'note'
  /** The export is incomplete (a unit not found, a file unreadable). */
  | 'error';

/** One entry: which unit and setting, and why. */
export interface ReportEntry {
  level: ReportLevel;
  unit: string;
  /** The directive as written (`ListenStream=127.0.0.1:7777`), or empty for the unit as a whole. */
  setting: string;
  message: string;
}

/** The entries of one export, in the order found; the same entry is kept once. */
export class ExportReport {
  readonly entries: ReportEntry[] = [];
  private readonly seen = new Set<string>();

  /** Adds an entry unless the same one is already there. */
  add(level: ReportLevel, unit: string, setting: string, message: string): void {
    const key = `${level}\0${unit}\0${setting}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push({ level, unit, setting, message });
  }

  /** True when an entry of level `error` was added. */
  get hasErrors(): boolean {
    return this.entries.some((e) => e.level === 'error');
  }

  /** One line per entry: `unit: Setting=value: level: message`. */
  format(): string[] {
    return this.entries.map((e) => `${e.unit}${e.setting ? `: ${e.setting}` : ''}: ${e.level}: ${e.message}`);
  }
}
