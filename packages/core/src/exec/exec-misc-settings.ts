/**
 * The last settings of systemd.exec(5) unitkit knows: ExecSearchPath= (where bare command names
 * are looked up, and $PATH unless the unit sets its own), TimeoutCleanSec= (`clean`'s timeout),
 * RemoveIPC= (carried out by removeIpcObjects() in exec-runtime-data.ts), RestrictFileSystems=
 * (read and shown only, see below), the security labels SELinuxContext=, AppArmorProfile=,
 * SmackProcessLabel= (applied only where that security module is active, as systemd does — see
 * exec-security-labels.ts), and the disk-image settings (RootImage=, MountImages=,
 * ExtensionImages=…), which unitkit refuses at load: a unit meant to run inside an image must not
 * run on the host's tree instead.
 */
import type { DirectiveSpec } from '@unitkit/unit-file';
import { ValueError, parseBoolean, parseTimeSpan } from '@unitkit/unit-file';

/** A security label setting: the "-" prefix makes a failure to apply it harmless. */
export interface SecurityLabel {
  label: string;
  ignoreErrors: boolean;
}

/** The settings, with systemd's defaults. */
export interface ExecMiscSettings {
  /** ExecSearchPath=: absolute directories, in order; empty when unset. */
  execSearchPath: string[];
  /** TimeoutCleanSec= in µs (Infinity by default). */
  timeoutCleanUsec: number;
  /** RemoveIPC= as set (DynamicUser= implies it). */
  removeIpc: boolean;
  /**
   * RestrictFileSystems=: whether its first assignment made an allow list. The file systems
   * themselves are not kept: enforcing them takes the BPF LSM, which unitkit does not program;
   * systemd 252 drops them too where the BPF LSM is missing (checked on this machine's `systemd --user`).
   */
  restrictFileSystemsAllowList: boolean;
  selinuxContext?: SecurityLabel;
  appArmorProfile?: SecurityLabel;
  smackProcessLabel?: SecurityLabel;
}

/** One ExecSearchPath= value: absolute paths separated by ":". */
export function parseExecSearchPath(value: string): string[] {
  const dirs = value.split(':').filter(Boolean);
  for (const d of dirs) if (!d.startsWith('/')) throw new ValueError(`Path '${d}' is not absolute, ignoring.`);
  return dirs;
}

/** SELinuxContext=, AppArmorProfile=, SmackProcessLabel=: a label, "-" in front to ignore failures. */
export function parseSecurityLabel(value: string): SecurityLabel {
  const ignoreErrors = value.startsWith('-');
  const label = ignoreErrors ? value.slice(1) : value;
  if (!label || /\s/.test(label)) throw new ValueError(`Invalid label, ignoring: ${value}`);
  return { label, ignoreErrors };
}

/** The text systemd shows for a label ("-" kept). */
export function formatSecurityLabel(l: SecurityLabel | undefined): string {
  return l ? `${l.ignoreErrors ? '-' : ''}${l.label}` : '';
}

/** The disk-image settings unitkit cannot carry out (it has no image dissection). */
const IMAGE_SETTINGS = ['RootImage', 'RootImageOptions', 'RootHash', 'RootHashSignature', 'RootVerity', 'MountImages', 'ExtensionImages', 'ExtensionDirectories'];

const refuseImage = (name: string): DirectiveSpec =>
  ({
    kind: 'scalar',
    fatal: true,
    empty: 'ignore',
    parse: () => {
      throw new ValueError(`${name}= is not supported by unitkit (it cannot mount disk images); refusing to run the unit on the host's file system instead`);
    },
  }) as DirectiveSpec;

/** The directives, spread into the exec-context table. */
export function execMiscDirectives(): Record<string, DirectiveSpec> {
  const d: Record<string, DirectiveSpec> = {
    ExecSearchPath: { kind: 'list', parse: parseExecSearchPath } as unknown as DirectiveSpec,
    TimeoutCleanSec: { kind: 'scalar', parse: (v: string) => parseTimeSpan(v) } as DirectiveSpec,
    RemoveIPC: { kind: 'scalar', parse: parseBoolean } as DirectiveSpec,
    // The first non-empty assignment decides allow or deny list, as config_parse_restrict_filesystems().
    RestrictFileSystems: { kind: 'list', parse: (v: string) => [!v.trim().startsWith('~')] } as unknown as DirectiveSpec,
    SELinuxContext: { kind: 'scalar', parse: parseSecurityLabel } as DirectiveSpec,
    AppArmorProfile: { kind: 'scalar', parse: parseSecurityLabel } as DirectiveSpec,
    SmackProcessLabel: { kind: 'scalar', parse: parseSecurityLabel } as DirectiveSpec,
  };
  for (const name of IMAGE_SETTINGS) d[name] = refuseImage(name);
  return d;
}

/** Reads the settings of a section; `dynamicUser` turns RemoveIPC= on as unit_patch_contexts() does. */
export function readExecMiscSettings(get: <T>(key: string) => T | undefined, dynamicUser: boolean): ExecMiscSettings {
  return {
    execSearchPath: get<string[]>('ExecSearchPath') ?? [],
    timeoutCleanUsec: get<number>('TimeoutCleanSec') ?? Infinity,
    removeIpc: (get<boolean>('RemoveIPC') ?? false) || dynamicUser,
    restrictFileSystemsAllowList: get<boolean[]>('RestrictFileSystems')?.[0] ?? false,
    selinuxContext: get<SecurityLabel>('SELinuxContext'),
    appArmorProfile: get<SecurityLabel>('AppArmorProfile'),
    smackProcessLabel: get<SecurityLabel>('SmackProcessLabel'),
  };
}
