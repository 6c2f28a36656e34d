/**
 * Parsing of sd_notify(3) datagrams: newline-separated KEY=VALUE assignments.
 */

/** The result of parsing one datagram. */
export type ParsedNotifyMessage = { ok: true; fields: Map<string, string> } | { ok: false; error: string };

/** The largest datagram accepted, as systemd's NOTIFY_BUFFER_MAX (PIPE_BUF). */
export const notifyMessageMax = 4096;

/**
 * Parses a datagram. Refuses what systemd refuses: oversized messages, NUL bytes, lines without
 * `=`, and keys that are not valid environment-variable names. An empty trailing line is allowed.
 */
export function parseNotifyMessage(text: string): ParsedNotifyMessage {
  if (Buffer.byteLength(text) > notifyMessageMax) return { ok: false, error: 'message too long' };
  if (text.includes('\0')) return { ok: false, error: 'message contains a NUL byte' };
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, error: `line without assignment: ${JSON.stringify(line.slice(0, 64))}` };
    const key = line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return { ok: false, error: `invalid key ${JSON.stringify(key.slice(0, 64))}` };
    fields.set(key, line.slice(eq + 1));
  }
  return { ok: true, fields };
}
