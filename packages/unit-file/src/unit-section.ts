import {
  booleanDirective, enumDirective, pathDirective, stringDirective, timeSpanDirective, unitListDirective, unsignedDirective,
} from './common-parsers.js';
import { conditionDirectives } from './conditions.js';
import { extractWords, WHITESPACE } from './extract-word.js';
import type { DirectiveSpec, DirectiveTable, ParseContext } from './types.js';
import { parseAbsolutePath } from './common-parsers.js';
import { ValueError } from './value-error.js';

/** Job modes OnFailureJobMode= accepts (systemd 252). */
export const JOB_MODES = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements'] as const;

/** Emergency actions (FailureAction= …) of systemd 252 (kexec and halt came later). */
export const EMERGENCY_ACTIONS = [
  'none', 'reboot', 'reboot-force', 'reboot-immediate', 'poweroff', 'poweroff-force', 'poweroff-immediate',
  'exit', 'exit-force',
] as const;

/**
 * Parses an emergency action (config_parse_emergency_action). A user manager accepts only none,
 * exit and exit-force; systemd 252 still takes a reboot or poweroff action there as exit-force,
 * with a note, and so does this parser.
 */
export function parseEmergencyAction(v: string, ctx: Pick<ParseContext, 'scope' | 'key' | 'warn'>): string {
  if (!(EMERGENCY_ACTIONS as readonly string[]).includes(v)) throw new ValueError(`Failed to parse emergency action '${v}', ignoring`);
  if (ctx.scope === 'user' && !['none', 'exit', 'exit-force'].includes(v)) {
    ctx.warn(`${ctx.key}= in user mode specified as "${v}", using "exit-force" instead.`);
    return 'exit-force';
  }
  return v;
}

const emergencyAction: DirectiveSpec<string> = { kind: 'scalar', parse: parseEmergencyAction };

// An exit status for FailureActionExitStatus=; empty resets.
const exitStatus: DirectiveSpec<number> = unsignedDirective(255);

const DOC_URL = /^(https?|file|info|man):/;

const documentation: DirectiveSpec<string> = {
  kind: 'list',
  parse: (v: string, ctx: ParseContext) => {
    const out: string[] = [];
    for (const w of extractWords(v, WHITESPACE, { unquote: true })) {
      if (DOC_URL.test(w)) out.push(w);
      else ctx.warn(`Invalid URL, ignoring: ${w}`);
    }
    return out;
  },
};

const mountsFor: DirectiveSpec<string> = {
  kind: 'list',
  noSpecifiers: true,
  parse: (v: string, ctx: ParseContext) => {
    const out: string[] = [];
    for (const w of extractWords(v, WHITESPACE, { unquote: true })) {
      try {
        out.push(parseAbsolutePath(ctx.expand(w)));
      } catch (e) {
        ctx.warn(`${(e as Error).message}, ignoring`);
      }
    }
    return out;
  },
};

const deprecatedDeps = (canonical: string): DirectiveSpec =>
  unitListDirective({ canonical, deprecated: `Unit dependency type ${canonical === 'Requires' || canonical === 'Requisite' ? canonical + 'Overridable' : canonical}= is obsolete, replacing by ${canonical}=, please update your unit file` });

/**
 * The [Unit] section table: every directive of systemd.unit(5) for systemd 252, plus the
 * deprecated spellings it still accepts (stored under their current names).
 * Dependency lists hold validated unit names; time spans are microseconds.
 */
export const unitSectionTable: DirectiveTable = {
  section: 'Unit',
  directives: {
    Description: stringDirective(),
    Documentation: documentation,
    Requires: unitListDirective(),
    Requisite: unitListDirective(),
    Wants: unitListDirective(),
    BindsTo: unitListDirective(),
    PartOf: unitListDirective(),
    Upholds: unitListDirective(),
    Conflicts: unitListDirective(),
    Before: unitListDirective(),
    After: unitListDirective(),
    OnFailure: unitListDirective(),
    OnSuccess: unitListDirective(),
    PropagatesReloadTo: unitListDirective(),
    ReloadPropagatedFrom: unitListDirective(),
    PropagatesStopTo: unitListDirective(),
    StopPropagatedFrom: unitListDirective(),
    JoinsNamespaceOf: unitListDirective(),
    RequiresMountsFor: mountsFor,
    OnFailureJobMode: enumDirective(JOB_MODES),
    OnSuccessJobMode: enumDirective(JOB_MODES),
    IgnoreOnIsolate: booleanDirective(),
    StopWhenUnneeded: booleanDirective(),
    RefuseManualStart: booleanDirective(),
    RefuseManualStop: booleanDirective(),
    AllowIsolate: booleanDirective(),
    DefaultDependencies: booleanDirective(),
    CollectMode: enumDirective(['inactive', 'inactive-or-failed'] as const),
    FailureAction: emergencyAction,
    SuccessAction: emergencyAction,
    FailureActionExitStatus: exitStatus,
    SuccessActionExitStatus: exitStatus,
    JobTimeoutSec: timeSpanDirective({ fix0: true }),
    JobRunningTimeoutSec: timeSpanDirective({ fix0: true }),
    JobTimeoutAction: emergencyAction,
    JobTimeoutRebootArgument: stringDirective(),
    StartLimitIntervalSec: timeSpanDirective(),
    StartLimitBurst: unsignedDirective(),
    StartLimitAction: emergencyAction,
    RebootArgument: stringDirective(),
    SourcePath: pathDirective(),
    ...conditionDirectives('Condition'),
    ...conditionDirectives('Assert'),
    // Spellings systemd 252 still accepts.
    StartLimitInterval: timeSpanDirective({ canonical: 'StartLimitIntervalSec' }),
    BindTo: unitListDirective({ canonical: 'BindsTo' }),
    PropagateReloadTo: unitListDirective({ canonical: 'PropagatesReloadTo' }),
    PropagateReloadFrom: unitListDirective({ canonical: 'ReloadPropagatedFrom' }),
    RequiresOverridable: deprecatedDeps('Requires'),
    RequisiteOverridable: deprecatedDeps('Requisite'),
    OnFailureIsolate: {
      kind: 'scalar',
      canonical: 'OnFailureJobMode',
      deprecated: 'OnFailureIsolate= is deprecated, use OnFailureJobMode=isolate instead',
      parse: (v: string) => (booleanDirective().parse(v, undefined as never) ? 'isolate' : 'replace'),
    },
    ConditionNull: {
      kind: 'list',
      noSpecifiers: true,
      resetGroup: 'conditions',
      deprecated: 'ConditionNull= is obsolete, please remove it',
      parse: () => [],
    },
  },
};
