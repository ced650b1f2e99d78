/**
 * Holding V8's optimizing compiler (TurboFan) back while a stage runs. A validate run calls each check
 * of a stage once per object: a few thousand calls, once. V8 compiles the hot ones with TurboFan on a
 * background thread, and for a single pass of that size the compilation costs more CPU than the
 * optimized code saves; past ~10,000 objects the optimized code wins (measured per stage where it is
 * used). Sparkplug and Maglev still run: only the last tier is held back.
 */
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/**
 * Runs `stage` with TurboFan held back; the flag is read at each tier-up decision, so the cap ends with
 * the stage. It is `--turbofan` itself that is switched, not `--max-opt`: `--max-opt=2` implies
 * `--no-turbofan`, and setting `--max-opt` back does not undo the implication, so the rest of the run
 * (positions, report) stayed on unoptimized code (measured: positions 3× slower at 20k). Only on V8 12
 * (Node 22, where it was measured) and V8 13 (Node 24), and never when the process was started with flags
 * about tiering or flag freezing: V8 aborts the process when flags change after start-up while they are
 * frozen.
 */
export function withoutTurbofan<T>(stage: () => T): T {
  if (!canCapTiering()) return stage();
  const flagsBefore = v8FlagHash();
  setFlagsFromString('--no-turbofan');
  try {
    return stage();
  } finally {
    setFlagsFromString('--turbofan');
    // `--no-turbofan` also switched `--osr-from-maglev` off (a V8 implication `--turbofan` does not undo).
    // Left so, V8's flag hash differs from the one the process started with, and the code caches the CLI
    // writes after the run (bin/chunk-loader.mjs) would be rejected by every later run. Switched back only
    // when that gives back exactly the flags the stage started with.
    if (v8FlagHash() !== flagsBefore) {
      setFlagsFromString('--osr-from-maglev');
      if (v8FlagHash() !== flagsBefore) setFlagsFromString('--no-osr-from-maglev');
    }
  }
}

/** The hash of V8's flags, as V8 writes it into every code cache (bytes 12–16 of the header). */
export function v8FlagHash(): string {
  return new Script('', { filename: 'nexus-flag-probe' }).createCachedData().toString('hex', 12, 16);
}

let tieringCappable: boolean | undefined;
function canCapTiering(): boolean {
  if (tieringCappable === undefined) {
    const v8Major = Number(process.versions.v8.split('.')[0]);
    const startFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
    tieringCappable = (v8Major === 12 || v8Major === 13) && !/freeze-flags|max-opt|turbofan|maglev|jitless|sparkplug/.test(startFlags);
  }
  return tieringCappable;
}
