import { parseAbsolutePath } from './common-parsers.js';
import type { DirectiveSpec, ParseContext } from './types.js';
import { ValueError } from './value-error.js';

/** A parsed Condition*= or Assert*= line. */
export interface Condition {
  /** The name after "Condition"/"Assert", e.g. "PathExists". */
  kind: string;
  /** "|" prefix: a triggering condition (any one of them suffices). */
  trigger: boolean;
  /** "!" prefix: the test is negated. */
  negate: boolean;
  /** The argument, specifiers expanded. */
  param: string;
}

/** Every condition kind systemd 252 knows. */
export const CONDITION_KINDS = [
  'Architecture', 'Firmware', 'Virtualization', 'Host', 'KernelCommandLine', 'KernelVersion', 'Credential',
  'Environment', 'Security', 'Capability', 'ACPower', 'NeedsUpdate', 'FirstBoot', 'PathExists', 'PathExistsGlob',
  'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite', 'PathIsEncrypted',
  'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'User', 'Group', 'ControlGroupController', 'Memory',
  'CPUs', 'CPUFeature', 'OSRelease', 'MemoryPressure', 'CPUPressure', 'IOPressure',
] as const;

// Kinds whose argument is a path (systemd's condition_takes_path()).
const TAKES_PATH = new Set([
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite',
  'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'NeedsUpdate',
]);

/** Parses one condition value ("|!/path") for the given kind (config_parse_unit_condition_string). */
export function parseCondition(kind: string, value: string, expand: (s: string) => string = (s) => s): Condition {
  let v = value;
  const trigger = v.startsWith('|');
  if (trigger) v = v.slice(1).trimStart();
  const negate = v.startsWith('!');
  if (negate) v = v.slice(1).trimStart();
  let param = expand(v);
  if (TAKES_PATH.has(kind)) {
    try {
      param = parseAbsolutePath(param);
    } catch (e) {
      throw new ValueError(`${(e as Error).message}, ignoring`);
    }
  }
  return { kind, trigger, negate, param };
}

/**
 * Directive specs for all Condition*= (prefix "Condition") or Assert*= (prefix "Assert"):
 * lists; an empty assignment resets every condition (respectively assertion) of the unit,
 * as systemd does.
 */
export function conditionDirectives(prefix: 'Condition' | 'Assert'): Record<string, DirectiveSpec> {
  const out: Record<string, DirectiveSpec> = {};
  for (const kind of CONDITION_KINDS) {
    out[prefix + kind] = {
      kind: 'list',
      noSpecifiers: true,
      resetGroup: prefix === 'Condition' ? 'conditions' : 'asserts',
      parse: (v: string, ctx: ParseContext) => [parseCondition(kind, v, ctx.expand)],
    };
  }
  return out;
}
