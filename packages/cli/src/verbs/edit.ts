/**
 * `unitkitctl edit UNIT…`: edits a drop-in (`override.conf`, or `--drop-in=NAME`) or with `--full`
 * a full copy of the unit file, in the manager's configuration directory (`--runtime`: the runtime
 * one), the way systemctl 252 does: a temporary file next to the target (the drop-in template
 * shows the unit's files as comments), one editor run over all of them ($SYSTEMD_EDITOR, $EDITOR,
 * $VISUAL, else editor, nano, vim, vi), each file installed only when it is not empty, then a
 * daemon-reload. Like systemctl it needs a terminal.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UnitRow } from '../control-protocol.js';
import { ExitStatus } from '../ctl-exit-status.js';
import { UsageError } from '../ctl-options.js';
import { globMatch } from '../ctl-tables.js';
import type { CtlOut, CtlVerb } from './verb.js';

/** The marker lines of the drop-in template (EDIT_MARKER_START/END in systemctl). */
export const editMarkerStart = '### Anything between here and the comment below will become the new contents of the file';
export const editMarkerEnd = '### Lines below this comment will be discarded';

/** What the manager says about where unit files live. */
interface UnitPaths {
  scope: string;
  searchPath: string[];
  persistent: string;
  runtime: string;
}

/** One file to edit: where it goes, its temporary copy, and whether it is a drop-in. */
interface EditTarget {
  target: string;
  temp: string;
  dropIn: boolean;
}

/** The drop-in file name from --drop-in: override.conf by default, ".conf" appended when missing. */
export function dropInFileName(arg: string | undefined): string {
  if (!arg) return 'override.conf';
  return arg.endsWith('.conf') ? arg : `${arg}.conf`;
}

/** The text systemctl puts in a drop-in's temporary file: the current contents between the markers, the unit's files commented out below. */
export function dropInTemplate(target: string, current: string | undefined, unitFiles: Array<{ path: string; text: string }>): string {
  let s = `### Editing ${target}\n${editMarkerStart}\n\n${current ?? ''}${current?.endsWith('\n') ? '' : '\n'}\n${editMarkerEnd}`;
  for (const f of unitFiles) {
    if (f.path === target) continue;
    s += `\n\n### ${f.path}`;
    const body = f.text.trim();
    if (body !== '') s += `\n# ${body.replace(/\n/g, '\n# ')}`;
  }
  return s;
}

/** What is left of an edited drop-in template: the text between the markers, trimmed, with one final newline; '' when nothing is. */
export function trimEditMarkers(text: string): string {
  let start = text.indexOf(editMarkerStart);
  start = start === -1 ? 0 : start + editMarkerStart.length;
  let end = text.indexOf(editMarkerEnd, start);
  if (end === -1) end = text.length;
  const body = text.slice(start, end).trim();
  return body === '' ? '' : `${body}\n`;
}

/** A name as systemctl mangles it for edit: without a type suffix it is a service. */
function mangle(n: string): string {
  return /\.[a-z]+$/.test(n) ? n : `${n}.service`;
}

function isWritableDir(dir: string): boolean {
  // A directory that does not exist yet is fine when its closest existing parent is writable.
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.accessSync(d, fs.constants.W_OK);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || d === '/') return false;
    }
  }
}

/**
 * The directory edits go to: the manager's configuration directory when unitkitd reads it;
 * otherwise (a unit path without it) the first writable directory of its unit path.
 */
export function editDirectory(p: UnitPaths, runtime: boolean): string {
  const wanted = runtime ? p.runtime : p.persistent;
  if (p.searchPath.includes(wanted)) return wanted;
  return p.searchPath.find(isWritableDir) ?? wanted;
}

/** Runs the editor over `files` as systemctl's run_editor() does; returns false when none could run. */
function runEditor(files: string[], env: NodeJS.ProcessEnv, io: CtlOut): boolean {
  const configured = [env.SYSTEMD_EDITOR, env.EDITOR, env.VISUAL].find((e) => e !== undefined);
  const words = configured ? configured.split(/[ \t\n\r]+/).filter(Boolean) : [];
  const candidates: Array<[string, string[]]> = [];
  if (words.length > 0) candidates.push([words[0]!, words.slice(1)]);
  for (const e of ['editor', 'nano', 'vim', 'vi']) candidates.push([e, words.slice(1)]);
  for (const [i, [cmd, args]] of candidates.entries()) {
    const r = spawnSync(cmd, [...args, ...files], { stdio: 'inherit', env });
    if (r.error) {
      // The configured editor failing to start for any reason falls back to the well-known ones;
      // among those only a missing one does.
      if ((r.error as NodeJS.ErrnoException).code === 'ENOENT' || (i === 0 && words.length > 0)) continue;
      // systemctl's forked child logs this and exits 1; the parent then reports the exit status.
      io.err(`Failed to execute ${cmd}: ${r.error.message}`);
      io.err('(editor) failed with exit status 1.');
      return false;
    }
    if (r.status !== 0) {
      io.err(r.signal ? `(editor) terminated by signal ${r.signal}.` : `(editor) failed with exit status ${r.status}.`);
      return false;
    }
    return true;
  }
  io.err('Cannot edit unit(s), no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.');
  io.err('(editor) failed with exit status 1.');
  return false;
}

function readOr(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes temporary files and drop-in directories left empty. */
function cleanUp(targets: EditTarget[]): void {
  for (const t of targets) {
    fs.rmSync(t.temp, { force: true });
    if (t.dropIn) {
      try {
        fs.rmdirSync(path.dirname(t.target));
      } catch {
        // Not empty: it holds other drop-ins.
      }
    }
  }
}

/** The edit verb, reading the editor from `env`; `onTty` says whether stdout and stderr are terminals. */
export function editWith(env: NodeJS.ProcessEnv, onTty: () => boolean): CtlVerb {
  return async (c, o, io) => {
    if (o.args.length === 0) throw new UsageError('Too few arguments.');
    if (!onTty()) {
      io.err('Cannot edit units if not on a tty.');
      return ExitStatus.failure;
    }
    const dropIn = dropInFileName(o.dropIn);
    if (dropIn.includes('/') || dropIn === '.conf' || dropIn.length > 255) {
      io.err(`Invalid drop-in file name '${dropIn}'.`);
      return ExitStatus.failure;
    }
    const paths = await c.call<UnitPaths>('unit-paths');
    const userFlag = paths.scope === 'user' ? ' --user' : '';
    // Globs name loaded units, as systemctl expands them; plain names are mangled.
    let names: string[] = [];
    const globs = o.args.filter((a) => /[*?[]/.test(a));
    if (globs.length > 0) {
      const { units } = await c.call<{ units: UnitRow[] }>('list-units');
      names = units.map((u) => u.id).filter((id) => globs.some((g) => globMatch(g, id))).sort();
    }
    names.push(...o.args.filter((a) => !/[*?[]/.test(a)).map(mangle));
    if (names.length === 0) {
      io.err('No units matched the specified patterns.');
      return ExitStatus.failure;
    }
    const { units: shown } = await c.call<{ units: string[][] }>('show', { units: names, properties: ['Id', 'LoadState', 'FragmentPath', 'DropInPaths'] });
    const dir = editDirectory(paths, o.runtime);
    const targets: EditTarget[] = [];
    // What each temporary file starts with; undefined for a new unit, whose file the editor creates.
    const templates: Array<string | undefined> = [];
    for (const [i, lines] of shown.entries()) {
      const p = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      const id = p.Id || names[i]!;
      if (p.LoadState === 'masked') {
        io.err(`Cannot edit ${id}: unit is masked.`);
        return ExitStatus.failure;
      }
      let fragment = p.FragmentPath || undefined;
      let dropIns = (p.DropInPaths ?? '').split(' ').filter(Boolean);
      // A template is never loaded: find its file (and its own drop-ins) on the unit path, as
      // systemctl looks templates up client-side.
      if (!fragment && /@\.[a-z]+$/.test(id)) {
        fragment = paths.searchPath.map((d) => path.join(d, id)).find((f) => fs.existsSync(f));
        dropIns = paths.searchPath.flatMap((d) => {
          const dd = path.join(d, `${id}.d`);
          try {
            return fs.readdirSync(dd).filter((n) => n.endsWith('.conf')).sort().map((n) => path.join(dd, n));
          } catch {
            return [];
          }
        });
      }
      if (!fragment && !o.force) {
        io.err(`No files found for ${id}.`);
        io.err(`Run 'unitkitctl edit${userFlag} --force --full ${id}' to create a new unit.`);
        return ExitStatus.failure;
      }
      // Aliases are followed to the file's own name; an instance keeps its instance.
      let unitName = fragment ? path.basename(fragment) : id;
      const at = id.indexOf('@');
      if (fragment && unitName.includes('@.') && at > 0 && !id.includes('@.')) unitName = unitName.replace('@.', `@${id.slice(at + 1, id.lastIndexOf('.'))}.`);
      const target = o.full ? path.join(dir, unitName) : path.join(dir, `${unitName}.d`, dropIn);
      if (o.runtime) {
        const persistent = o.full ? path.join(paths.persistent, unitName) : path.join(paths.persistent, `${unitName}.d`, dropIn);
        if (fs.existsSync(persistent)) {
          io.err(`Refusing to create "${target}" because it would be overridden by "${persistent}" anyway.`);
          return ExitStatus.failure;
        }
      }
      const temp = path.join(path.dirname(target), `.#${path.basename(target)}${randomBytes(8).toString('hex')}`);
      targets.push({ target, temp, dropIn: !o.full });
      if (!fragment) templates.push(undefined);
      else if (o.full) templates.push(readOr(fragment) ?? '');
      else {
        const files = [fragment, ...dropIns].map((f) => ({ path: f, text: readOr(f) ?? '' }));
        templates.push(dropInTemplate(target, readOr(target), files));
      }
    }
    try {
      for (const [i, t] of targets.entries()) {
        fs.mkdirSync(path.dirname(t.target), { recursive: true, mode: 0o755 });
        const template = templates[i];
        if (template !== undefined) fs.writeFileSync(t.temp, template, { mode: 0o644 });
      }
      if (!runEditor(targets.map((t) => t.temp), env, io)) return 0;
      for (const t of targets) {
        const text = readOr(t.temp) ?? '';
        const content = t.dropIn ? trimEditMarkers(text) : text;
        if (content === '') {
          io.err(`Editing "${t.target}" canceled: temporary file is empty.`);
          continue;
        }
        fs.writeFileSync(t.temp, content);
        fs.renameSync(t.temp, t.target);
      }
      await c.call('daemon-reload');
      return 0;
    } finally {
      cleanUp(targets);
    }
  };
}

/** `edit` with this process's environment and terminal. */
export const edit: CtlVerb = (c, o, io, colors) => editWith(process.env, () => !!process.stdout.isTTY && !!process.stderr.isTTY)(c, o, io, colors);
