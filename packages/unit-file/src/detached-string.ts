/**
 * A copy of a string that holds no reference to a larger one. V8 represents a substring of 13 or
 * more characters as a view into its parent (a "sliced string"), and a concatenation as a pair (a
 * "cons string"): a unit's Description=, taken from the line of its file, kept the whole file text
 * alive for as long as the unit was loaded (~240 B of each unit in a 2,000-unit profile; issue #19).
 * Values the parser hands on are detached once, at the line.
 */

/** `s` as a fresh flat string (JSON's round trip always builds a new sequential string). */
export function detachedString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
