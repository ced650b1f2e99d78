/** Commander argument parsers shared by the subcommands. */

/** A repeatable option: `-f a -f b` → `['a', 'b']`. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** A repeatable, comma-separated option: `--api-versions a,b --api-versions c` → `['a', 'b', 'c']`. */
export const collectCsv = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
