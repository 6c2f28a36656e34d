/**
 * The sandboxing settings of systemd.exec(5) that need namespaces: PrivateTmp=, ProtectSystem=,
 * ProtectHome=, the *Paths= lists, BindPaths=, TemporaryFileSystem=, PrivateDevices=, the
 * Protect{Kernel*,ControlGroups,Proc,Hostname}= settings, PrivateNetwork=, PrivateIPC=,
 * RootDirectory=, MountFlags=. Their directives (merged into the exec-context table), their values,
 * and their `show` texts. namespace-plan.ts turns them into the operations the child runs.
 */
import { sharedIfEmpty } from './shared-empty.js';
import {
  ValueError, WHITESPACE, booleanDirective, extractFirstWord, parseAbsolutePath, parseBoolean, pathDirective, type DirectiveSpec,
} from '@unitkit/unit-file';

/** ProtectSystem=. */
export type ProtectSystem = 'no' | 'yes' | 'full' | 'strict';
/** ProtectHome=. */
export type ProtectHome = 'no' | 'yes' | 'read-only' | 'tmpfs';
/** ProtectProc=. */
export type ProtectProc = 'default' | 'noaccess' | 'invisible' | 'ptraceable';
/** ProcSubset=. */
export type ProcSubset = 'all' | 'pid';
/** MountFlags=: the propagation of the namespace's / at the end. */
export type MountPropagation = 'shared' | 'slave' | 'private';

/** One entry of ReadWritePaths= and its siblings: "-" (missing is fine) and "+" (inside RootDirectory=). */
export interface SandboxPath {
  path: string;
  ignoreMissing: boolean;
  insideRoot: boolean;
}

/** One BindPaths=/BindReadOnlyPaths= entry: "[-]source[:destination[:rbind|norbind]]". */
export interface BindPath {
  source: string;
  destination: string;
  ignoreMissing: boolean;
  recursive: boolean;
}

/** One TemporaryFileSystem= entry: "path[:options]". */
export interface TemporaryFileSystem {
  path: string;
  options: string;
}

/** The namespace settings of an execution context; the defaults are systemd's. */
export interface SandboxContext {
  privateTmp: boolean;
  protectSystem: ProtectSystem;
  protectHome: ProtectHome;
  readWritePaths: SandboxPath[];
  readOnlyPaths: SandboxPath[];
  inaccessiblePaths: SandboxPath[];
  execPaths: SandboxPath[];
  noExecPaths: SandboxPath[];
  bindPaths: BindPath[];
  bindReadOnlyPaths: BindPath[];
  temporaryFileSystems: TemporaryFileSystem[];
  privateDevices: boolean;
  protectKernelTunables: boolean;
  protectKernelModules: boolean;
  protectKernelLogs: boolean;
  protectControlGroups: boolean;
  protectProc: ProtectProc;
  procSubset: ProcSubset;
  protectHostname: boolean;
  protectClock: boolean;
  privateNetwork: boolean;
  privateIPC: boolean;
  /** PrivateUsers=: a user namespace mapping root and the process's user to themselves, everyone else to nobody. */
  privateUsers: boolean;
  privateMounts: boolean;
  rootDirectory?: string;
  /** NetworkNamespacePath=/IPCNamespacePath=: namespaces to join instead of making new ones. */
  networkNamespacePath?: string;
  ipcNamespacePath?: string;
  /** MountAPIVFS= when set; else on with RootDirectory=. */
  mountAPIVFS?: boolean;
  mountFlags?: MountPropagation;
}

/** The defaults (exec_context_init()). */
export function defaultSandbox(): SandboxContext {
  return {
    privateTmp: false,
    protectSystem: 'no',
    protectHome: 'no',
    readWritePaths: [],
    readOnlyPaths: [],
    inaccessiblePaths: [],
    execPaths: [],
    noExecPaths: [],
    bindPaths: [],
    bindReadOnlyPaths: [],
    temporaryFileSystems: [],
    privateDevices: false,
    protectKernelTunables: false,
    protectKernelModules: false,
    protectKernelLogs: false,
    protectControlGroups: false,
    protectProc: 'default',
    procSubset: 'all',
    protectHostname: false,
    protectClock: false,
    privateNetwork: false,
    privateIPC: false,
    privateUsers: false,
    privateMounts: false,
  };
}

/** ProtectSystem=: a boolean, "full" or "strict". */
export function parseProtectSystem(value: string): ProtectSystem {
  if (value === 'full' || value === 'strict') return value;
  try {
    return parseBoolean(value) ? 'yes' : 'no';
  } catch {
    throw new ValueError(`Failed to parse protect system value, ignoring: ${value}`);
  }
}

/** ProtectHome=: a boolean, "read-only" or "tmpfs". */
export function parseProtectHome(value: string): ProtectHome {
  if (value === 'read-only' || value === 'tmpfs') return value;
  try {
    return parseBoolean(value) ? 'yes' : 'no';
  } catch {
    throw new ValueError(`Failed to parse protect home value, ignoring: ${value}`);
  }
}

/** ReadWritePaths= and its siblings: quoted words, each "[-][+]/absolute/path" (config_parse_namespace_path_strv). */
export function parseSandboxPaths(value: string): SandboxPath[] {
  const out: SandboxPath[] = [];
  for (const word of splitQuoted(value)) {
    let w = word;
    const ignoreMissing = w.startsWith('-');
    if (ignoreMissing) w = w.slice(1);
    const insideRoot = w.startsWith('+');
    if (insideRoot) w = w.slice(1);
    out.push({ path: parseAbsolutePath(w), ignoreMissing, insideRoot });
  }
  return out;
}

/** BindPaths=/BindReadOnlyPaths=: quoted words "[-]source[:destination[:options]]" (config_parse_bind_paths). */
export function parseBindPaths(value: string): BindPath[] {
  const out: BindPath[] = [];
  for (const word of splitQuoted(value, true)) {
    let rest = word;
    const ignoreMissing = rest.startsWith('-');
    if (ignoreMissing) rest = rest.slice(1);
    // Colons separate the fields; a backslash escapes one inside a path.
    const fields = splitColons(rest);
    const [src, dst, opts, ...more] = fields;
    if (!src || more.length > 0) throw new ValueError(`Invalid bind path, ignoring: ${word}`);
    const source = parseAbsolutePath(src);
    const destination = dst ? parseAbsolutePath(dst) : source;
    let recursive = true;
    for (const o of (opts ?? '').split(',').filter(Boolean)) {
      if (o === 'rbind') recursive = true;
      else if (o === 'norbind') recursive = false;
      else throw new ValueError(`Invalid option '${o}' in bind path, ignoring: ${word}`);
    }
    out.push({ source, destination, ignoreMissing, recursive });
  }
  return out;
}

/** TemporaryFileSystem=: quoted words "path[:options]". */
export function parseTemporaryFileSystems(value: string): TemporaryFileSystem[] {
  return splitQuoted(value).map((word) => {
    const colon = word.indexOf(':');
    const p = colon < 0 ? word : word.slice(0, colon);
    return { path: parseAbsolutePath(p), options: colon < 0 ? '' : word.slice(colon + 1) };
  });
}

/** Splits at ":" not escaped with a backslash ("\\:" is a colon inside a path). */
function splitColons(text: string): string[] {
  const fields: string[] = [''];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) fields[fields.length - 1] += text[++i];
    else if (c === ':') fields.push('');
    else fields[fields.length - 1] += c;
  }
  return fields;
}

function splitQuoted(value: string, retainEscape = false): string[] {
  const out: string[] = [];
  let rest = value;
  for (;;) {
    let r;
    try {
      r = extractFirstWord(rest, WHITESPACE, retainEscape ? { unquote: true, retainEscape: true } : { unquote: true, cunescape: true });
    } catch {
      throw new ValueError(`Invalid syntax, ignoring: ${value}`);
    }
    if (r.word === undefined) return out;
    out.push(r.word);
    rest = r.rest;
  }
}

const scalar = <T>(parse: (v: string) => T): DirectiveSpec<T> => ({ kind: 'scalar', parse }) as DirectiveSpec<T>;
const list = <T>(parse: (v: string) => T[]): DirectiveSpec => ({ kind: 'list', parse }) as unknown as DirectiveSpec;
const oneOf = <T extends string>(what: string, values: readonly T[]) =>
  scalar((v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new ValueError(`Failed to parse ${what}, ignoring: ${v}`);
    return v as T;
  });

/** The sandbox directives, to spread into the exec-context table. */
export function sandboxDirectives(): Record<string, DirectiveSpec> {
  return {
    PrivateTmp: booleanDirective(),
    ProtectSystem: scalar(parseProtectSystem),
    ProtectHome: scalar(parseProtectHome),
    ReadWritePaths: list(parseSandboxPaths),
    ReadOnlyPaths: list(parseSandboxPaths),
    InaccessiblePaths: list(parseSandboxPaths),
    ExecPaths: list(parseSandboxPaths),
    NoExecPaths: list(parseSandboxPaths),
    // The names of systemd before 231.
    ReadWriteDirectories: list(parseSandboxPaths),
    ReadOnlyDirectories: list(parseSandboxPaths),
    InaccessibleDirectories: list(parseSandboxPaths),
    BindPaths: list(parseBindPaths),
    BindReadOnlyPaths: list(parseBindPaths),
    TemporaryFileSystem: list(parseTemporaryFileSystems),
    PrivateDevices: booleanDirective(),
    ProtectKernelTunables: booleanDirective(),
    ProtectKernelModules: booleanDirective(),
    ProtectKernelLogs: booleanDirective(),
    ProtectControlGroups: booleanDirective(),
    ProtectProc: oneOf('protect proc', ['default', 'noaccess', 'invisible', 'ptraceable'] as const),
    ProcSubset: oneOf('proc subset', ['all', 'pid'] as const),
    ProtectHostname: booleanDirective(),
    // Its effects are a syscall filter and capability drops (exec-seccomp.ts, exec-privileges.ts).
    ProtectClock: booleanDirective(),
    PrivateNetwork: booleanDirective(),
    PrivateIPC: booleanDirective(),
    PrivateUsers: booleanDirective(),
    PrivateMounts: booleanDirective(),
    RootDirectory: pathDirective(),
    NetworkNamespacePath: pathDirective(),
    IPCNamespacePath: pathDirective(),
    MountAPIVFS: booleanDirective(),
    MountFlags: oneOf('mount propagation flags', ['shared', 'slave', 'private'] as const),
  };
}

/**
 * Reads the sandbox settings from a parsed section. DynamicUser= implies PrivateTmp=,
 * ProtectSystem=strict and at least ProtectHome=read-only, as systemd's unit_patch_contexts().
 */
export function readSandbox(get: <T>(key: string) => T | undefined, dynamicUser: boolean): SandboxContext {
  const s = defaultSandbox();
  s.privateTmp = get<boolean>('PrivateTmp') ?? false;
  s.protectSystem = get<ProtectSystem>('ProtectSystem') ?? 'no';
  s.protectHome = get<ProtectHome>('ProtectHome') ?? 'no';
  s.readWritePaths = sharedIfEmpty([...(get<SandboxPath[]>('ReadWriteDirectories') ?? []), ...(get<SandboxPath[]>('ReadWritePaths') ?? [])]);
  s.readOnlyPaths = sharedIfEmpty([...(get<SandboxPath[]>('ReadOnlyDirectories') ?? []), ...(get<SandboxPath[]>('ReadOnlyPaths') ?? [])]);
  s.inaccessiblePaths = sharedIfEmpty([...(get<SandboxPath[]>('InaccessibleDirectories') ?? []), ...(get<SandboxPath[]>('InaccessiblePaths') ?? [])]);
  s.execPaths = sharedIfEmpty(get<SandboxPath[]>('ExecPaths') ?? []);
  s.noExecPaths = sharedIfEmpty(get<SandboxPath[]>('NoExecPaths') ?? []);
  s.bindPaths = sharedIfEmpty(get<BindPath[]>('BindPaths') ?? []);
  s.bindReadOnlyPaths = sharedIfEmpty(get<BindPath[]>('BindReadOnlyPaths') ?? []);
  s.temporaryFileSystems = sharedIfEmpty(get<TemporaryFileSystem[]>('TemporaryFileSystem') ?? []);
  s.privateDevices = get<boolean>('PrivateDevices') ?? false;
  s.protectKernelTunables = get<boolean>('ProtectKernelTunables') ?? false;
  s.protectKernelModules = get<boolean>('ProtectKernelModules') ?? false;
  s.protectKernelLogs = get<boolean>('ProtectKernelLogs') ?? false;
  s.protectControlGroups = get<boolean>('ProtectControlGroups') ?? false;
  s.protectProc = get<ProtectProc>('ProtectProc') ?? 'default';
  s.procSubset = get<ProcSubset>('ProcSubset') ?? 'all';
  s.protectHostname = get<boolean>('ProtectHostname') ?? false;
  s.protectClock = get<boolean>('ProtectClock') ?? false;
  s.privateNetwork = get<boolean>('PrivateNetwork') ?? false;
  s.privateIPC = get<boolean>('PrivateIPC') ?? false;
  s.privateUsers = get<boolean>('PrivateUsers') ?? false;
  s.privateMounts = get<boolean>('PrivateMounts') ?? false;
  s.rootDirectory = get<string>('RootDirectory');
  s.networkNamespacePath = get<string>('NetworkNamespacePath');
  s.ipcNamespacePath = get<string>('IPCNamespacePath');
  s.mountAPIVFS = get<boolean>('MountAPIVFS');
  s.mountFlags = get<MountPropagation>('MountFlags');
  if (dynamicUser) {
    s.privateTmp = true;
    s.protectSystem = 'strict';
    if (s.protectHome === 'no') s.protectHome = 'read-only';
  }
  return s;
}

/** A *Paths= entry as show prints it: "-+/path". */
export function formatSandboxPath(p: SandboxPath): string {
  return `${p.ignoreMissing ? '-' : ''}${p.insideRoot ? '+' : ''}${p.path}`;
}

/** A BindPaths= entry as show prints it: "-/src:/dst:rbind" (no ":rbind" for norbind). */
export function formatBindPath(b: BindPath): string {
  return `${b.ignoreMissing ? '-' : ''}${b.source}:${b.destination}${b.recursive ? ':rbind' : ''}`;
}

/** A TemporaryFileSystem= entry as show prints it. */
export function formatTemporaryFileSystem(t: TemporaryFileSystem): string {
  return t.options ? `${t.path}:${t.options}` : t.path;
}

/**
 * The capabilities the sandbox settings take out of the bounding set (unit_patch_contexts()):
 * PrivateDevices= cap_mknod and cap_sys_rawio, ProtectKernelModules= cap_sys_module,
 * ProtectKernelLogs= cap_syslog.
 */
export function sandboxCapabilityDrops(s: SandboxContext): string[] {
  const drops: string[] = [];
  if (s.privateDevices) drops.push('cap_mknod', 'cap_sys_rawio');
  if (s.protectKernelModules) drops.push('cap_sys_module');
  if (s.protectKernelLogs) drops.push('cap_syslog');
  return drops;
}

/** Whether any setting needs a mount namespace (exec_needs_mount_namespace()). */
export function needsMountNamespace(s: SandboxContext): boolean {
  return (
    s.privateTmp || s.protectSystem !== 'no' || s.protectHome !== 'no' || s.readWritePaths.length > 0 || s.readOnlyPaths.length > 0 ||
    s.inaccessiblePaths.length > 0 || s.execPaths.length > 0 || s.noExecPaths.length > 0 || s.bindPaths.length > 0 ||
    s.bindReadOnlyPaths.length > 0 || s.temporaryFileSystems.length > 0 || s.privateDevices || s.protectKernelTunables ||
    s.protectKernelModules || s.protectKernelLogs || s.protectControlGroups || s.protectProc !== 'default' || s.procSubset !== 'all' ||
    s.privateIPC || s.privateMounts || s.mountFlags !== undefined || s.rootDirectory !== undefined || s.mountAPIVFS === true ||
    s.protectHostname
  );
}
