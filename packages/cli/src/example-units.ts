/**
 * The bundled examples: their unit files are templates (ExecStart= needs absolute paths, and the
 * ports are chosen at run time), rendered into a directory unitkitd then reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The ports the examples listen on. */
export interface ExamplePorts {
  /** echo.socket's TCP port. */
  echo: number;
  /** greet.socket's TCP port (Accept=yes). */
  greet: number;
}

/** The ports `npm start` uses. */
export const defaultExamplePorts: Readonly<ExamplePorts> = { echo: 7777, greet: 7778 };

/** The repository's examples/ directory. */
export function examplesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples');
}

/**
 * Writes the example unit files into `target`, with @EXAMPLES@, @NODE@, @ECHO_PORT@,
 * @GREET_PORT@ and @HOST@ (the address the TCP sockets bind: 127.0.0.1 unless `host` says
 * otherwise — a container's image sets 0.0.0.0 so that published ports reach them) filled in.
 * Returns the names written.
 */
export function renderExampleUnits(target: string, opts: { node?: string; ports?: Partial<ExamplePorts>; host?: string } = {}): string[] {
  const ports = { ...defaultExamplePorts, ...opts.ports };
  const src = path.join(examplesDir(), 'units');
  fs.mkdirSync(target, { recursive: true });
  const names = fs.readdirSync(src).sort();
  for (const name of names) {
    const text = fs
      .readFileSync(path.join(src, name), 'utf8')
      .replaceAll('@EXAMPLES@', examplesDir())
      .replaceAll('@NODE@', opts.node ?? process.execPath)
      .replaceAll('@ECHO_PORT@', String(ports.echo))
      .replaceAll('@GREET_PORT@', String(ports.greet))
      .replaceAll('@HOST@', opts.host ?? '127.0.0.1');
    fs.writeFileSync(path.join(target, name), text);
  }
  return names;
}
