import { extractFirstWord, WHITESPACE } from './extract-word.js';
import type { DirectiveSpec, DirectiveTable, ParseContext } from './types.js';
import { isValidInstance, isValidUnitName } from './unit-name.js';
import { ValueError } from './value-error.js';

// [Install] names may be templates (Also=foo@.service) and instances; specifiers expanded per word.
function installNames(forms: { plain: boolean; instance: boolean; template: boolean }) {
  return (v: string, ctx: ParseContext): string[] => {
    const out: string[] = [];
    let rest = v;
    for (;;) {
      const r = extractFirstWord(rest, WHITESPACE, { unquote: true });
      if (r.word === undefined) return out;
      rest = r.rest;
      let name: string;
      try {
        name = ctx.expand(r.word);
      } catch (e) {
        ctx.warn(`${(e as Error).message}, ignoring`);
        continue;
      }
      if (!isValidUnitName(name, forms)) { ctx.warn(`Invalid unit name '${name}' in ${ctx.key}=, ignoring`); continue; }
      out.push(name);
    }
  };
}

const names = (forms = { plain: true, instance: true, template: true }): DirectiveSpec<string> =>
  ({ kind: 'list', noSpecifiers: true, parse: installNames(forms) }) as DirectiveSpec<string>;

/**
 * The [Install] section table (systemd.unit(5)): read by enable/disable, never by the
 * manager's dependency logic.
 */
export const installSectionTable: DirectiveTable = {
  section: 'Install',
  directives: {
    Alias: names(),
    WantedBy: names(),
    RequiredBy: names(),
    Also: names(),
    DefaultInstance: {
      kind: 'scalar',
      parse: (v: string) => {
        if (!isValidInstance(v)) throw new ValueError(`Invalid DefaultInstance= value '${v}'`);
        return v;
      },
    },
  },
};
