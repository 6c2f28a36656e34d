/**
 * StandardInput=fd:NAME, StandardOutput=fd:NAME, StandardError=fd:NAME: a stream connected to one
 * of the fds the process is handed (the sockets of Sockets=, the fd store), found by its name
 * (FileDescriptorName=, by default the socket unit's name). As systemd's exec_context_named_iofds():
 * the fds are searched in order and each serves one stream at most (stdin first); when a name is
 * not found the process is not started and the unit fails with "resources".
 */

/** The name a stream's "fd" setting looks for: the one given, else "stdin"/"stdout"/"stderr". */
export function streamFdName(s: { name: string }, stream: 0 | 1 | 2): string {
  return s.name || ['stdin', 'stdout', 'stderr'][stream]!;
}

/**
 * The fd of each stream that asks for a named one (undefined for the others), from `fds` in the
 * order they are passed; undefined as a whole when a name is missing.
 */
export function namedStreamFds(
  wanted: readonly [string | undefined, string | undefined, string | undefined],
  fds: ReadonlyArray<{ fd: number; name: string }>,
): [number | undefined, number | undefined, number | undefined] | undefined {
  const found: [number | undefined, number | undefined, number | undefined] = [undefined, undefined, undefined];
  let targets = wanted.filter((w) => w !== undefined).length;
  for (const f of fds) {
    if (targets === 0) break;
    // One fd serves one stream at most, stdin before stdout before stderr.
    const k = ([0, 1, 2] as const).find((i) => found[i] === undefined && wanted[i] !== undefined && wanted[i] === f.name);
    if (k === undefined) continue;
    found[k] = f.fd;
    targets--;
  }
  return targets === 0 ? found : undefined;
}
