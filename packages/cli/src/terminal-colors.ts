/**
 * ANSI colours as systemctl uses them: only when the output is a terminal and NO_COLOR is unset
 * (SYSTEMD_COLORS=0 also turns them off, SYSTEMD_COLORS=1 forces them).
 */

/** Colour functions; identity when colours are off. */
export interface Colors {
  enabled: boolean;
  red(s: string): string;
  green(s: string): string;
  highlight(s: string): string;
}

/** Decides whether to colour and returns the matching functions. */
export function terminalColors(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): Colors {
  let enabled = !!isTTY && env.TERM !== 'dumb';
  if (env.NO_COLOR !== undefined) enabled = false;
  if (env.SYSTEMD_COLORS === '0' || env.SYSTEMD_COLORS === 'false') enabled = false;
  else if (env.SYSTEMD_COLORS === '1' || env.SYSTEMD_COLORS === 'true') enabled = env.NO_COLOR === undefined;
  const wrap = (code: string) => (s: string) => (enabled ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { enabled, red: wrap('0;1;31'), green: wrap('0;1;32'), highlight: wrap('0;1;39') };
}
