/**
 * The directive table of systemd.kill(5): KillMode=, KillSignal=, RestartKillSignal=, SendSIGHUP=,
 * SendSIGKILL=, FinalKillSignal=, WatchdogSignal=, contributed into the section of every unit type
 * that runs processes. Unit types read the parsed values with core's readKillContext().
 */
import type { DirectiveSpec, DirectiveTable, ParseContext } from '@unitkit/unit-file';
import { booleanDirective, parseSignal, ValueError } from '@unitkit/unit-file';
import type { KillMode } from '@unitkit/core';

/** KillMode= values, as systemd 252 accepts them. */
export const KILL_MODES: readonly KillMode[] = ['control-group', 'mixed', 'process', 'none'];

/** systemd 252's warning for KillMode=none (load-fragment.c), word for word. */
export const KILL_MODE_NONE_WARNING =
  "Unit configured to use KillMode=none. This is unsafe, as it disables systemd's process lifecycle management for the service. " +
  "Please update your service to use a safer KillMode=, such as 'mixed' or 'control-group'. " +
  'Support for KillMode=none is deprecated and will eventually be removed.';

/**
 * KillMode=: one of {@link KILL_MODES}. A bad value is logged and ignored (not bad-setting), as
 * systemd's config_parse_kill_mode does; `none` loads with the deprecation warning.
 */
export const killModeDirective: DirectiveSpec<KillMode> = {
  kind: 'scalar',
  parse: (v: string, ctx: ParseContext) => {
    if (!(KILL_MODES as readonly string[]).includes(v)) throw new ValueError(`Failed to parse kill mode; expected one of: ${KILL_MODES.join(', ')}`);
    if (v === 'none') ctx.warn(KILL_MODE_NONE_WARNING);
    return v as KillMode;
  },
};

/**
 * A signal setting (config_parse_signal): a name with or without SIG, a number 1…64, RTMIN+n or
 * RTMAX-n. Anything else, including 0, is logged and ignored, keeping the previous value; an empty
 * assignment restores the default.
 */
export const killSignalDirective: DirectiveSpec<number> = {
  kind: 'scalar',
  parse: (v: string) => {
    try {
      return parseSignal(v);
    } catch {
      throw new ValueError('Failed to parse signal');
    }
  },
};

/** The kill directives by name; every value is non-fatal, as in systemd. */
export const killDirectives: Readonly<Record<string, DirectiveSpec>> = {
  KillMode: killModeDirective,
  KillSignal: killSignalDirective,
  RestartKillSignal: killSignalDirective,
  SendSIGHUP: booleanDirective(),
  SendSIGKILL: booleanDirective(),
  FinalKillSignal: killSignalDirective,
  WatchdogSignal: killSignalDirective,
};

/** The sections that carry a KillContext in systemd, with the unit type each belongs to. */
export const killContextSections: ReadonlyArray<{ section: string; unitType: string }> = [
  { section: 'Service', unitType: 'service' },
  { section: 'Socket', unitType: 'socket' },
  { section: 'Mount', unitType: 'mount' },
  { section: 'Swap', unitType: 'swap' },
  { section: 'Scope', unitType: 'scope' },
];

/**
 * One DirectiveTable per section: the unit-file parser merges them with the owning type's own table
 * for that section ([Service] from the service plugin, …), so neither plugin lists the other's keys.
 */
export const killDirectiveTables: readonly DirectiveTable[] = killContextSections.map(({ section, unitType }) => ({
  section,
  unitTypes: [unitType],
  directives: { ...killDirectives },
}));
