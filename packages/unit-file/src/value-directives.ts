import { parseAbsolutePath } from './common-parsers.js';
import { mergeEnvironmentAssignments, mergeUniqueWords, parseEnvironmentAssignments, parseEnvironmentNames } from './environment.js';
import { parseExecLine, type ExecCommand } from './exec-command.js';
import { parseExitStatusSet, type ExitStatusSet } from './exit-status.js';
import { parseSocketAddress, type SocketAddress } from './socket-address.js';
import type { DirectiveSpec, ParseContext } from './types.js';
import { ValueError } from './value-error.js';
import { isValidUnitName, unitNameType } from './unit-name.js';

/**
 * DirectiveSpecs for the values of other sections ([Service], [Socket], exec and kill
 * settings), ready for the plugins' tables.
 */

/**
 * ExecStart=-style: a list of {@link ExecCommand}; an empty assignment resets; a bad line
 * makes the unit bad-setting unless the command has the "-" prefix (as systemd does).
 */
export const execDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<ExecCommand> =>
  ({ kind: 'list', noSpecifiers: true, fatal: true, parse: (v: string, ctx: ParseContext) => parseExecLine(v, ctx.expand, ctx.warn), ...extra }) as DirectiveSpec<ExecCommand>;

/**
 * Environment=: a list of "NAME=value" strings, merged as assigned — a variable assigned again (in
 * the same line, a later line or a drop-in) replaces its earlier value in place; empty resets.
 */
export const environmentDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({
    kind: 'list', noSpecifiers: true, merge: mergeEnvironmentAssignments,
    parse: (v: string, ctx: ParseContext) => parseEnvironmentAssignments(v, ctx.expand, ctx.warn), ...extra,
  }) as DirectiveSpec<string>;

/**
 * PassEnvironment= (variable names) or UnsetEnvironment= (names or NAME=value assignments): a list
 * without duplicates, a word already listed is not added again; empty resets.
 */
export const environmentNamesDirective = (kind: 'pass' | 'unset', extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({
    kind: 'list', noSpecifiers: true, merge: mergeUniqueWords,
    parse: (v: string, ctx: ParseContext) => parseEnvironmentNames(v, kind, ctx.key, ctx.expand, ctx.warn), ...extra,
  }) as DirectiveSpec<string>;

/** One EnvironmentFile= entry: an absolute path, optional when written with a "-" prefix. */
export interface EnvironmentFileSpec { path: string; optional: boolean }

/** EnvironmentFile=: a list of {@link EnvironmentFileSpec}; the files are read at spawn time. */
export const environmentFileDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<EnvironmentFileSpec> =>
  ({
    kind: 'list',
    parse: (v: string) => {
      const optional = v.startsWith('-');
      const path = optional ? v.slice(1) : v;
      return [{ path: parseAbsolutePath(path), optional }];
    },
    ...extra,
  }) as DirectiveSpec<EnvironmentFileSpec>;

/** ListenStream=/ListenDatagram=/ListenSequentialPacket=: a list of {@link SocketAddress}. */
export const socketAddressDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<SocketAddress> =>
  ({ kind: 'list', parse: (v: string) => [parseSocketAddress(v)], ...extra }) as DirectiveSpec<SocketAddress>;

/** SuccessExitStatus=-style: statuses and signals, merged over assignments; empty resets. */
export const exitStatusSetDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<ExitStatusSet> =>
  ({ kind: 'list', parse: (v: string, ctx: ParseContext) => [parseExitStatusSet(v, ctx.warn)], ...extra }) as DirectiveSpec<ExitStatusSet>;

/** Throws unless the value is one of `values` — for enums whose bad values systemd treats as fatal (Type=). */
export function fatalEnum<T extends string>(values: readonly T[]): DirectiveSpec<T> {
  return {
    kind: 'scalar',
    fatal: true,
    parse: (v: string) => {
      if (!(values as readonly string[]).includes(v)) throw new ValueError(`expected one of: ${values.join(', ')}`);
      return v as T;
    },
  };
}

/**
 * Unit= of a triggering unit (config_parse_trigger_unit()): the unit to trigger, a plain or
 * instance name, never of the triggering unit's own type (`ownType`, e.g. "timer"). A bad value is
 * logged and ignored.
 */
export const triggerUnitDirective = (ownType: string): DirectiveSpec<string> => ({
  kind: 'scalar',
  parse: (v: string) => {
    if (!isValidUnitName(v, { plain: true, instance: true, template: false })) throw new ValueError(`Failed to resolve unit name, ignoring: ${v}`);
    if (unitNameType(v) === ownType) throw new ValueError(`Unit cannot be of same type, ignoring: ${v}`);
    return v;
  },
});
