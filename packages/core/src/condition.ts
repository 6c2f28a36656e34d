/**
 * Condition*= and Assert*= checks, evaluated when a unit is about to start (systemd's
 * src/shared/condition.c). Reads the file system and the host; has no side effects.
 */
import * as fs from 'node:fs';
import { currentUser, hostName } from '@unitkit/unit-file';
import type { ConditionSpec } from './unit-settings.js';
import { fnmatch } from '@unitkit/unit-file';

/** The outcome of one check, and how it is described when it fails. */
export interface ConditionOutcome {
  passed: boolean;
  /** "ConditionPathExists=/foo" as the failed check is named in messages. */
  description: string;
}

type Check = (param: string, env: Record<string, string | undefined>) => boolean;

function statOf(p: string, follow = true): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(p) : fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function isMountPoint(p: string): boolean {
  try {
    const real = fs.realpathSync(p);
    const lines = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
    return lines.some((l) => l.split(' ')[4]?.replace(/\\040/g, ' ') === real);
  } catch {
    return false;
  }
}

function kernelCommandLine(): string[] {
  try {
    return fs.readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/);
  } catch {
    return [];
  }
}

function userMatches(param: string): boolean {
  const info = currentUser();
  if (param === '@system') return info.uid < 1000;
  if (/^\d+$/.test(param)) return Number(param) === info.uid;
  return param === info.username;
}

function groupMatches(param: string): boolean {
  const gid = process.getgid?.();
  const groups = process.getgroups?.() ?? [];
  if (/^\d+$/.test(param)) return Number(param) === gid || groups.includes(Number(param));
  try {
    const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === param);
    if (!line) return false;
    const id = Number(line.split(':')[2]);
    return id === gid || groups.includes(id);
  } catch {
    return false;
  }
}

const archNames: Record<string, string> = { x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64' };

/** The checks unitkit evaluates, by the name after Condition/Assert. */
const checks: Record<string, Check> = {
  PathExists: (p) => statOf(p) !== undefined,
  PathIsDirectory: (p) => statOf(p)?.isDirectory() ?? false,
  PathIsSymbolicLink: (p) => statOf(p, false)?.isSymbolicLink() ?? false,
  PathIsMountPoint: (p) => isMountPoint(p),
  PathIsReadWrite: (p) => {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  PathIsEncrypted: () => false,
  DirectoryNotEmpty: (p) => {
    try {
      return fs.readdirSync(p).some((n) => !n.startsWith('.'));
    } catch {
      return false;
    }
  },
  FileNotEmpty: (p) => {
    const s = statOf(p);
    return !!s && s.isFile() && s.size > 0;
  },
  FileIsExecutable: (p) => {
    const s = statOf(p);
    return !!s && s.isFile() && (s.mode & 0o111) !== 0;
  },
  Environment: (p, env) => {
    const eq = p.indexOf('=');
    return eq < 0 ? env[p] !== undefined : env[p.slice(0, eq)] === p.slice(eq + 1);
  },
  User: (p) => userMatches(p),
  Group: (p) => groupMatches(p),
  Host: (p) => {
    const host = hostName();
    if (/^[0-9a-f]{32}$/i.test(p)) {
      try {
        return fs.readFileSync('/etc/machine-id', 'utf8').trim() === p.toLowerCase();
      } catch {
        return false;
      }
    }
    return fnmatch(p, host, { caseFold: true });
  },
  KernelCommandLine: (p) => {
    const words = kernelCommandLine();
    return p.includes('=') ? words.includes(p) : words.some((w) => w === p || w.startsWith(`${p}=`));
  },
  Architecture: (p) => (archNames[process.arch] ?? process.arch) === p,
  FirstBoot: (p) => {
    const first = !statOf('/etc/machine-id') || fs.readFileSync('/etc/machine-id', 'utf8').trim() === '';
    return (p === 'yes' || p === 'true' || p === '1') === first;
  },
  Null: () => true,
};

function globExists(pattern: string): boolean {
  const parts = pattern.split('/').filter(Boolean);
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i]!;
    if (!/[*?[]/.test(part)) return statOf(`${dir}/${part}`) !== undefined && walk(`${dir}/${part}`.replace(/^\/\//, '/'), i + 1);
    let names: string[];
    try {
      names = fs.readdirSync(dir || '/');
    } catch {
      return false;
    }
    // glob(3): a wildcard does not match a leading dot.
    return names.some((n) => fnmatch(part, n, { period: true }) && walk(`${dir}/${n}`, i + 1));
  };
  return walk('', 0);
}
checks.PathExistsGlob = (p) => globExists(p);

/** Evaluates one condition; kinds unitkit does not know are logged by the caller and pass. */
export function testCondition(c: ConditionSpec, env: Record<string, string | undefined>, prefix: 'Condition' | 'Assert'): ConditionOutcome & { known: boolean } {
  const check = checks[c.kind];
  // join() makes one flat string; a template literal makes a tree of cons strings, which the unit
  // keeps as failedCondition (~170 B instead of ~60 for each unit whose condition failed; #19).
  const description = [prefix, c.kind, '=', c.trigger ? '|' : '', c.negate ? '!' : '', c.param].join('');
  if (!check) return { passed: true, description, known: false };
  const r = check(c.param, env);
  return { passed: c.negate ? !r : r, description, known: true };
}

/**
 * Evaluates a list as systemd does: every non-triggering condition must hold, and when there are
 * triggering (`|`) conditions, at least one of them must. Returns the first failure, if any.
 */
export function testConditionList(
  list: readonly ConditionSpec[],
  env: Record<string, string | undefined>,
  prefix: 'Condition' | 'Assert',
  onUnknown?: (description: string) => void,
  /** Filled with each condition's outcome by position: 1 held, -1 failed, 0 not tested. */
  states?: Array<0 | 1 | -1>,
): { passed: boolean; failed?: string } {
  let triggered: boolean | undefined;
  let firstTriggerFailure: string | undefined;
  // Written in place (the caller sized it): states.length = list.length, and an empty one may be a shared frozen array.
  if (states) {
    if (states.length !== list.length) states.splice(0, states.length, ...list.map((): 0 => 0));
    else for (let i = 0; i < list.length; i++) states[i] = 0;
  }
  for (const [i, c] of list.entries()) {
    const r = testCondition(c, env, prefix);
    if (states) states[i] = r.passed ? 1 : -1;
    if (!r.known) onUnknown?.(r.description);
    if (c.trigger) {
      triggered = (triggered ?? false) || r.passed;
      if (!r.passed) firstTriggerFailure ??= r.description;
    } else if (!r.passed) {
      return { passed: false, failed: r.description };
    }
  }
  if (triggered === false) return { passed: false, failed: firstTriggerFailure };
  return { passed: true };
}
