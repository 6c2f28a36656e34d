/**
 * The logging settings of systemd.exec(5) beyond SyslogIdentifier=/SyslogLevel=: SyslogFacility=,
 * SyslogLevelPrefix=, LogLevelMax=, LogExtraFields=, LogRateLimitIntervalSec=/Burst=,
 * LogNamespace=. The level prefix, the level ceiling and the rate limit are applied to the
 * captured output (the OutputCapture port, which plays journald's part); the facility is part of
 * SyslogPriority=. unitkit's journal has no extra fields and no namespaces: LogExtraFields= and
 * LogNamespace= are read and shown only — see core's README.
 */
import type { DirectiveSpec } from '@unitkit/unit-file';
import { ValueError, parseBoolean, parseTimeSpan } from '@unitkit/unit-file';
import { parseSyslogLevel } from './exec-context-table.js';

/** The facility names of SyslogFacility=, by number (log_facility_unshifted_from_string()). */
export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  '', '', '', '', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** The settings, with systemd's defaults. */
export interface ExecLogging {
  /** SyslogFacility= as a number (3 = daemon). */
  facility: number;
  /** SyslogLevelPrefix=: "<N>" at the start of a line sets its level (default yes). */
  levelPrefix: boolean;
  /** LogLevelMax=: lines less important than this are dropped; undefined keeps all. */
  levelMax?: number;
  /** LogExtraFields= assignments ("FIELD=value"), in order. */
  extraFields: string[];
  /** LogRateLimitIntervalSec= (µs) and LogRateLimitBurst=; 0 means journald's defaults. */
  rateLimitIntervalUsec: number;
  rateLimitBurst: number;
  logNamespace?: string;
}

/** exec_context_init()'s values. */
export function defaultExecLogging(): ExecLogging {
  return { facility: 3, levelPrefix: true, extraFields: [], rateLimitIntervalUsec: 0, rateLimitBurst: 0 };
}

/** SyslogFacility=: a facility name. */
export function parseSyslogFacility(value: string): number {
  const i = (SYSLOG_FACILITIES as readonly string[]).indexOf(value);
  if (i < 0 || value === '') throw new ValueError(`Failed to parse log facility, ignoring: ${value}`);
  return i;
}

/** One LogExtraFields= assignment: FIELD=value, the field name as journal fields are (A-Z, 0-9, _; not starting with _ or a digit). */
export function parseLogExtraField(value: string): string {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq) : '';
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(name)) throw new ValueError(`Failed to parse log field, ignoring: ${value}`);
  return value;
}

/** LogNamespace=: a journal namespace name (a short unit-name-safe word). */
export function parseLogNamespace(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value) || value === '.' || value === '..') throw new ValueError(`Specified namespace name not valid, ignoring: ${value}`);
  return value;
}

const scalar = <T>(parse: (v: string) => T): DirectiveSpec => ({ kind: 'scalar', parse }) as DirectiveSpec;

/** The directives, spread into the exec-context table. */
export function execLoggingDirectives(): Record<string, DirectiveSpec> {
  return {
    SyslogFacility: scalar(parseSyslogFacility),
    SyslogLevelPrefix: scalar(parseBoolean),
    LogLevelMax: scalar(parseSyslogLevel),
    // A line holds several fields separated by blanks, each a FIELD=value word.
    LogExtraFields: { kind: 'list', parse: (v: string) => v.split(/\s+/).filter(Boolean).map(parseLogExtraField) } as DirectiveSpec,
    LogRateLimitIntervalSec: scalar((v) => parseTimeSpan(v)),
    LogRateLimitBurst: scalar((v) => {
      if (!/^[0-9]+$/.test(v)) throw new ValueError(`Failed to parse LogRateLimitBurst= value, ignoring: ${v}`);
      return Number(v);
    }),
    LogNamespace: scalar(parseLogNamespace),
  };
}

/** Reads the settings of a section. */
export function readExecLogging(get: <T>(key: string) => T | undefined): ExecLogging {
  const l = defaultExecLogging();
  l.facility = get<number>('SyslogFacility') ?? l.facility;
  l.levelPrefix = get<boolean>('SyslogLevelPrefix') ?? l.levelPrefix;
  l.levelMax = get<number>('LogLevelMax');
  l.extraFields = get<string[]>('LogExtraFields') ?? [];
  l.rateLimitIntervalUsec = get<number>('LogRateLimitIntervalSec') ?? 0;
  l.rateLimitBurst = get<number>('LogRateLimitBurst') ?? 0;
  l.logNamespace = get<string>('LogNamespace');
  return l;
}
