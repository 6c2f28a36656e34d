/**
 * The unit search path of systemd 252 (as `systemd-analyze [--user] unit-paths` prints it
 * on a Debian build with split /lib), in precedence order: the first directory holding a
 * name wins.
 *
 * `UNITKIT_UNIT_PATH` (colon-separated) replaces it; a trailing ":" appends the defaults,
 * as `SYSTEMD_UNIT_PATH` does for systemd. `SYSTEMD_UNIT_PATH` is honoured the same way
 * when `UNITKIT_UNIT_PATH` is unset.
 */
export function searchPath(scope: 'system' | 'user', env: NodeJS.ProcessEnv = process.env): string[] {
  const defaults = scope === 'system' ? systemDefaults() : userDefaults(env);
  const override = env.UNITKIT_UNIT_PATH ?? env.SYSTEMD_UNIT_PATH;
  if (override === undefined || override === '') return defaults;
  const parts = override.split(':');
  const appendDefaults = override.endsWith(':');
  const dirs = parts.filter((p) => p !== '');
  if (appendDefaults) for (const d of defaults) if (!dirs.includes(d)) dirs.push(d);
  return dirs;
}

function systemDefaults(): string[] {
  return [
    '/etc/systemd/system.control',
    '/run/systemd/system.control',
    '/run/systemd/transient',
    '/run/systemd/generator.early',
    '/etc/systemd/system',
    '/etc/systemd/system.attached',
    '/run/systemd/system',
    '/run/systemd/system.attached',
    '/run/systemd/generator',
    '/usr/local/lib/systemd/system',
    '/lib/systemd/system',
    '/usr/lib/systemd/system',
    '/run/systemd/generator.late',
  ];
}

function userDefaults(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? '/root';
  const configHome = env.XDG_CONFIG_HOME || `${home}/.config`;
  const dataHome = env.XDG_DATA_HOME || `${home}/.local/share`;
  const runtime = env.XDG_RUNTIME_DIR;
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const rt = (sub: string): string[] => (runtime ? [`${runtime}/systemd/${sub}`] : []);
  return [
    `${configHome}/systemd/user.control`,
    ...rt('user.control'),
    ...rt('transient'),
    ...rt('generator.early'),
    `${configHome}/systemd/user`,
    ...configDirs.map((d) => `${d}/systemd/user`),
    '/etc/systemd/user',
    ...rt('user'),
    '/run/systemd/user',
    ...rt('generator'),
    `${dataHome}/systemd/user`,
    ...dataDirs.map((d) => `${d}/systemd/user`),
    '/usr/local/lib/systemd/user',
    '/usr/lib/systemd/user',
    ...rt('generator.late'),
  ];
}

/** The directories `enable`, `mask`… write to, for a scope: persistent and runtime. */
export function configDirs(scope: 'system' | 'user', env: NodeJS.ProcessEnv = process.env): { persistent: string; runtime: string } {
  if (scope === 'system') return { persistent: '/etc/systemd/system', runtime: '/run/systemd/system' };
  const home = env.HOME ?? '/root';
  const configHome = env.XDG_CONFIG_HOME || `${home}/.config`;
  return { persistent: `${configHome}/systemd/user`, runtime: `${env.XDG_RUNTIME_DIR ?? '/run/user/' + process.getuid?.()}/systemd/user` };
}
