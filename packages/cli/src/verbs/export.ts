/**
 * `unitkitctl export kubernetes …` (@unitkit/export): unit files → Kubernetes manifests. It talks
 * to no manager and has options of its own, so it is recognised before systemctl's option parser;
 * and its package is imported only when used, so that `yaml` and the plugins' directive tables
 * stay out of the start-up of every other verb (and out of the bundled client).
 */

/** systemctl's options that take their value as the next argument (`-p Id`): skipped when looking for the verb. */
const VALUE_OPTIONS = new Set([
  '-t', '-p', '-P', '-s', '-H', '-M', '-n', '-o', '-u', '--type', '--property', '--job-mode', '--check-inhibitors', '--legend', '--root', '--image',
  '--kill-whom', '--kill-who', '--signal', '--host', '--machine', '--drop-in', '--lines', '--output', '--state', '--preset-mode', '--boot-loader-menu',
  '--boot-loader-entry', '--message', '--what', '--reboot-argument', '--timestamp', '--runtime-dir', '--unit',
]);

/** When the verb is `export`: the arguments without it (options before it kept); else undefined. */
export function exportVerbArgs(argv: readonly string[]): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    return a === 'export' ? [...argv.slice(0, i), ...argv.slice(i + 1)] : undefined;
  }
  return undefined;
}

/** Runs the export with `args`; `io` takes lines. */
export async function runExportVerb(args: string[], env: NodeJS.ProcessEnv, io: { out(line: string): void; err(line: string): void }): Promise<number> {
  // The specifier is a variable so that esbuild leaves this import to run time instead of bundling the package.
  const specifier = '@unitkit/export';
  const m = (await import(specifier)) as typeof import('@unitkit/export');
  return m.runExport(args, env, { out: (text) => io.out(text.endsWith('\n') ? text.slice(0, -1) : text), err: (line) => io.err(line) });
}
