/** An emitted artifact: relative posix path → bytes. Emitters build it in memory. */
export type OutputTree = Map<string, Uint8Array>;

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Entries sorted by path (byte order), so writing and zipping are deterministic. */
export function sortedEntries(tree: OutputTree): [string, Uint8Array][] {
  return [...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
