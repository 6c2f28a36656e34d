/**
 * The warnings systemctl prints on stderr beside a verb's own output: a unit whose files changed
 * on disk since they were loaded, and a stopped unit that another active unit can start again.
 * Texts as systemd 252's systemctl prints them.
 */
import type { ControlClient } from './control-client.js';
import type { Colors } from './terminal-colors.js';

/**
 * A line systemctl logs at warning level: in its warning colour (bold yellow) when colours are on,
 * each line on its own, as log_warning() writes to a terminal.
 */
export function warningLine(line: string, colors?: Colors): string {
  return colors?.enabled ? `\x1b[0;1;38;5;185m${line}\x1b[0m` : line;
}

/**
 * The command these warnings tell the user to run to reload units: systemctl's text, with the
 * command that works against unitkitd (the real systemctl only once it speaks D-Bus to it).
 */
export function daemonReloadHint(userFlag: string): string {
  return `unitkitctl${userFlag} daemon-reload`;
}

/**
 * The warning for a unit with NeedDaemonReload=yes (systemctl's warn_unit_file_changed()), printed
 * by `status` and by every job verb.
 */
export function unitFileChangedWarning(unit: string, userFlag: string): string {
  return `Warning: The unit file, source configuration file or drop-ins of ${unit} changed on disk. Run '${daemonReloadHint(userFlag)}' to reload units.`;
}

/**
 * What `cat` prints on stderr before the files of a unit with NeedDaemonReload=yes (systemctl's
 * cat()), in red when colours are on, as systemctl does.
 */
export function catOutdatedWarning(unit: string, userFlag: string, colors?: Colors): string[] {
  const lines = [
    `# Warning: ${unit} changed on disk, the version systemd has loaded is outdated.`,
    "# This output shows the current version of the unit's original fragment and drop-in files.",
    '# If fragments or drop-ins were added or removed, they are not properly reflected in this output.',
    `# Run '${daemonReloadHint(userFlag)}' to reload units.`,
  ];
  if (!colors?.enabled) return lines;
  // systemctl starts each line red and resets only at the very end.
  const red = colors.red('').replace(/\x1b\[0m$/, '');
  return lines.map((l, i) => (i === lines.length - 1 ? colors.red(l) : `${red}${l}`));
}

/** The lines warning that a stopped unit can still be started by the active units `by` (none when empty). */
export function triggeringUnitsWarning(unit: string, by: readonly string[]): string[] {
  if (by.length === 0) return [];
  return [`Warning: Stopping ${unit}, but it can still be activated by:`, ...by.map((t) => `  ${t}`)];
}

/**
 * The active (or reloading) units among the TriggeredBy= of each stopped unit, as systemctl's
 * check_triggering_units() asks after a blocking `stop`: masked units are skipped, a unit that
 * cannot be read contributes nothing.
 */
export async function activeTriggeringUnits(c: ControlClient, units: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (units.length === 0) return out;
  type ShowReply = { units: string[][] };
  const { units: shown } = await c.call<ShowReply>('show', { units, properties: ['LoadState', 'TriggeredBy'] });
  const triggers = new Map<string, string[]>();
  const all = new Set<string>();
  units.forEach((u, i) => {
    const props = new Map((shown[i] ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (props.get('LoadState') === 'masked') return;
    const by = (props.get('TriggeredBy') ?? '').split(' ').filter((x) => x !== '');
    triggers.set(u, by);
    for (const t of by) all.add(t);
  });
  if (all.size === 0) return out;
  const names = [...all];
  const { units: states } = await c.call<ShowReply>('show', { units: names, properties: ['ActiveState'], value: true });
  const active = new Set(names.filter((_, i) => ['active', 'reloading'].includes(states[i]?.[0] ?? '')));
  for (const [u, by] of triggers) out.set(u, by.filter((t) => active.has(t)));
  return out;
}
