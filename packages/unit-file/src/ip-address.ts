/**
 * Which IP version a textual address is: 4 for a dotted quad, 6 for an IPv6 address (without a
 * zone), 0 for neither — what node:net's isIP() answers.
 *
 * Not node:net: loading it for this costs an idle manager ~2 MB (issue #19). IPv4 is the strict
 * dotted-decimal form (no leading zeros, each part ≤ 255), as inet_pton(AF_INET) accepts it.
 * IPv6 is checked by the WHATWG URL parser's IPv6 host parser, which every Node has loaded
 * already and which accepts exactly RFC 4291's text forms (compression, embedded IPv4).
 */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Whether `text` is an IPv4 address in dotted-quad form. */
export function isIPv4Address(text: string): boolean {
  return IPV4.test(text);
}

/** Whether `text` is an IPv6 address (a zone such as `%eth0` is not part of it). */
export function isIPv6Address(text: string): boolean {
  // Only hex digits, colons and dots reach the URL parser: it would otherwise read `]`, `/` or
  // `@` as the end of the host and accept what follows as a path or credentials.
  if (text.length < 2 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** 4, 6 or 0, as node:net's isIP(). */
export function ipVersion(text: string): 0 | 4 | 6 {
  return isIPv4Address(text) ? 4 : isIPv6Address(text) ? 6 : 0;
}
