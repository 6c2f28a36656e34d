/**
 * Preset policy (systemd.preset(5)) as systemd 252 reads it for `list-unit-files`'s PRESET
 * column: `*.preset` files from the preset directories of the scope, the same name in an
 * earlier directory hiding a later one, read in file-name order; the first `enable PATTERN` or
 * `disable PATTERN` line whose pattern matches the unit name decides, and a name nothing matches
 * is enabled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fnmatch } from './fnmatch.js';

/** The preset directories of a scope, in precedence order (CONF_PATHS("systemd/…-preset")). */
export function presetDirs(scope: 'system' | 'user'): string[] {
  const sub = scope === 'system' ? 'system-preset' : 'user-preset';
  return ['/etc', '/run', '/usr/local/lib', '/lib', '/usr/lib'].map((d) => `${d}/systemd/${sub}`);
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
    const rule = this.load().find((r) => fnmatch(r.pattern, name, { noEscape: true }));
    return rule?.action === 'disable' ? 'disabled' : 'enabled';
  }
}
