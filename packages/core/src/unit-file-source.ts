/**
 * The production UnitDefinitionSource: unit files on disk, read by @unitkit/unit-file with every
 * directive table the composed manager collected.
 */
import { ContainerModule } from 'inversify';
import { UnitFileLoader, searchPath as defaultSearchPath } from '@unitkit/unit-file';
import type { SpecifierContext } from '@unitkit/unit-file';
import type { DirectiveTable, UnitDefinition, UnitDefinitionSource } from './unit-definition.js';
import { UnitDefinitionSource as UnitDefinitionSourceToken } from './unit-definition.js';

/** Where and how to read unit files. */
export interface UnitFileSourceOptions {
  scope: 'system' | 'user';
  /** The search path; by default systemd 252's for the scope, overridden by UNITKIT_UNIT_PATH. */
  searchPath?: string[];
  specifiers?: SpecifierContext;
  env?: NodeJS.ProcessEnv;
}

/** Reads unit files from the search path. One loader is kept until invalidate() (daemon-reload). */
export class UnitFileSource implements UnitDefinitionSource {
  private loader: UnitFileLoader | undefined;
  private tables: readonly DirectiveTable[] | undefined;
  /** The directories searched, first match wins. */
  readonly searchPath: string[];

  constructor(private readonly options: UnitFileSourceOptions) {
    this.searchPath = options.searchPath ?? defaultSearchPath(options.scope, options.env ?? process.env);
  }

  load(name: string, tables: readonly DirectiveTable[]): UnitDefinition {
    if (!this.loader || this.tables !== tables) {
      this.tables = tables;
      this.loader = new UnitFileLoader({
        searchPath: this.searchPath,
        tables: [...tables],
        scope: this.options.scope,
        specifiers: this.options.specifiers,
        env: this.options.env,
      });
    }
    return this.loader.load(name);
  }

  needsDaemonReload(def: UnitDefinition): boolean {
    return this.loader?.needsDaemonReload(def) ?? false;
  }

  invalidate(): void {
    this.loader?.reset();
  }

  /** The loader in use, for listing unit files and [Install] operations. */
  fileLoader(): UnitFileLoader | undefined {
    return this.loader;
  }
}

/** Binds a UnitFileSource as the manager's UnitDefinitionSource. */
export function unitFileSourceModule(options: UnitFileSourceOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(UnitDefinitionSourceToken).toConstantValue(new UnitFileSource(options));
  });
}
