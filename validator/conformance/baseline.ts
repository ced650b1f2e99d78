/**
 * The conformance baseline (a ratchet): the committed figures a run must not fall below. Below 100 %
 * a suite only reports; it fails when a figure drops under its baseline. A figure without a baseline
 * for the same corpus size (another copy of a corpus, a corpus that grew) must be perfect to pass.
 * `nexus conformance --update-baseline` raises the recorded figures; it never lowers one.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { Figure } from './types.ts';

export const DEFAULT_BASELINE_FILE = join(PROJECT_ROOT, 'validator', 'conformance', 'baseline.json');

export interface BaselineEntry {
  agreed: number;
  total: number;
}

export type Baseline = Record<string, BaselineEntry>;

const COMMENT = 'Conformance ratchet: `npm run conformance` fails when a figure drops below these. Raise them with `nexus conformance --update-baseline`; never lower them by hand without saying why in the commit.';

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const parsed = JSON.parse(text) as { figures?: Record<string, unknown> };
  const out: Baseline = {};
  for (const [k, v] of Object.entries(parsed.figures ?? {})) {
    const e = v as Partial<BaselineEntry>;
    if (typeof e?.agreed !== 'number' || typeof e.total !== 'number') throw new Error(`${file}: figure "${k}" needs numeric "agreed" and "total"`);
    out[k] = { agreed: e.agreed, total: e.total };
  }
  return out;
}

export type Verdict =
  /** at or above its baseline (or perfect) */
  | { status: 'pass'; baseline?: BaselineEntry; above: boolean }
  /** below its baseline, or imperfect without a baseline for this corpus */
  | { status: 'fail'; baseline?: BaselineEntry; reason: string };

export function compareWithBaseline(f: Figure, baseline: Baseline): Verdict {
  const b = baseline[f.key];
  if (b && b.total === f.total) {
    if (f.agreed < b.agreed) return { status: 'fail', baseline: b, reason: `dropped below the baseline ${b.agreed}/${b.total}` };
    return { status: 'pass', baseline: b, above: f.agreed > b.agreed };
  }
  if (f.agreed === f.total) return { status: 'pass', above: false };
  return { status: 'fail', reason: b ? `no baseline for a corpus of ${f.total} cases (the baseline is for ${b.total}): every case must agree` : 'no baseline recorded: every case must agree' };
}

/** The baseline raised to `figures` (a figure only ever goes up for the same corpus size). */
export function raisedBaseline(current: Baseline, figures: readonly Figure[]): Baseline {
  const next: Baseline = { ...current };
  for (const f of figures) {
    const b = current[f.key];
    if (!b || b.total !== f.total || f.agreed > b.agreed) next[f.key] = { agreed: f.agreed, total: f.total };
  }
  return next;
}

export function formatBaseline(b: Baseline): string {
  const figures = Object.fromEntries(Object.keys(b).sort().map((k) => [k, b[k]]));
  return `${JSON.stringify({ $comment: COMMENT, figures }, null, 2)}\n`;
}

/** Atomic: a crash leaves the old file or the new one, never half of one. */
export function writeBaseline(file: string, b: Baseline): void {
  const tmp = join(dirname(file), `.baseline.${process.pid}.tmp`);
  writeFileSync(tmp, formatBaseline(b));
  renameSync(tmp, file);
}
