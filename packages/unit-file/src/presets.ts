/**
 * Preset policy (systemd.preset(5)) as systemd 252 reads it for `list-unit-files`'s PRESET
 * column: `*.preset` files from the preset directories of the scope, the same name in an
 * earlier directory hiding a later one, read in file-name order; the first `enable PATTERN` or
 * `disable PATTERN` line whose pattern matches the unit name decides, and a name nothing matches
 * is enabled.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The preset directories of a scope, in precedence order (CONF_PATHS("systemd/…-preset")). */
export function presetDirs(scope: 'system' | 'user'): string[] {
  const sub = scope === 'system' ? 'system-preset' : 'user-preset';
  return ['/etc', '/run', '/usr/local/lib', '/lib', '/usr/lib'].map((d) => `${d}/systemd/${sub}`);
}

/** fnmatch() without flags: `*`, `?` and `[…]` (with `!` or `^` negation). */
export function fnmatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^[!^]/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`, 's').test(name);
  } catch {
    return false;
  }
}

interface PresetRule {
  pattern: string;
  action: 'enable' | 'disable';
}

/** The preset rules of one scope, read once. */
export class UnitFilePresets {
  private rules?: PresetRule[];

  /** @param dirs preset directories in precedence order (default: the scope's, under `root`) */
  constructor(private readonly dirs: string[]) {}

  private load(): PresetRule[] {
    if (this.rules) return this.rules;
    const files = new Map<string, string>();
    for (const d of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names) if (n.endsWith('.preset') && !files.has(n)) files.set(n, `${d}/${n}`);
    }
    const rules: PresetRule[] = [];
    for (const name of [...files.keys()].sort()) {
      let text: string;
      try {
        text = readFileSync(files.get(name)!, 'utf8');
      } catch {
        continue;
      }
      for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
        const m = /^(enable|disable)\s+(\S+)/.exec(line);
        if (m) rules.push({ action: m[1] as 'enable' | 'disable', pattern: m[2]! });
      }
    }
    this.rules = rules;
    return rules;
  }

  /** 'enabled' or 'disabled': what `systemctl preset` would make of `name`. */
  query(name: string): 'enabled' | 'disabled' {
    const rule = this.load().find((r) => fnmatch(r.pattern, name));
    return rule?.action === 'disable' ? 'disabled' : 'enabled';
  }
}
