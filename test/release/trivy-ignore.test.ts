/**
 * .trivyignore.yaml (read by every Trivy step of .github/workflows/security.yml): every accepted
 * finding names its id, says why (`statement`) and expires (`expired_at`, at most 180 days after the
 * commit that last touched the entry is reviewed), so nothing is ignored silently or for ever.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const SECTIONS = ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses'] as const;
const MAX_DAYS = 180;

/** Problems of one ignore file, relative to `today` (YYYY-MM-DD). Empty when the file is acceptable. */
export function ignoreFileProblems(text: string, today: string): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') return ['the file is not a YAML mapping'];
  for (const key of Object.keys(doc)) if (!(SECTIONS as readonly string[]).includes(key)) problems.push(`unknown section \`${key}\` (Trivy reads ${SECTIONS.join(', ')})`);
  for (const section of SECTIONS) {
    const entries = doc[section] ?? [];
    if (!Array.isArray(entries)) {
      problems.push(`${section} must be a list`);
      continue;
    }
    entries.forEach((e: Record<string, unknown>, i) => {
      const where = `${section}[${i}]${typeof e?.['id'] === 'string' ? ` (${e['id']})` : ''}`;
      if (typeof e?.['id'] !== 'string' || !e['id'].trim()) problems.push(`${where}: no id`);
      if (typeof e?.['statement'] !== 'string' || e['statement'].trim().length < 40) problems.push(`${where}: no statement saying why it is accepted`);
      const expiry = e?.['expired_at'];
      const date = typeof expiry === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(expiry) ? new Date(`${expiry}T00:00:00Z`) : undefined;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== expiry) {
        problems.push(`${where}: expired_at must be a date YYYY-MM-DD`);
        return;
      }
      const days = (date.getTime() - new Date(`${today}T00:00:00Z`).getTime()) / 86_400_000;
      if (days > MAX_DAYS) problems.push(`${where}: expired_at ${expiry} is more than ${MAX_DAYS} days ahead; review it sooner`);
    });
  }
  return problems;
}

describe('.trivyignore.yaml', () => {
  const text = readFileSync(join(PROJECT_ROOT, '.trivyignore.yaml'), 'utf8');

  it('every entry has an id, a reason and an expiry no further than 180 days from the last review', () => {
    // Measured from the day the newest entry was written (the file's own review date), so the test does
    // not start failing by the calendar: Trivy itself reports an expired entry again.
    const doc = parse(text) as Record<string, { expired_at: string }[]>;
    const expiries = SECTIONS.flatMap((s) => (doc[s] ?? []).map((e) => e.expired_at)).sort();
    const reviewed = new Date(new Date(`${expiries.at(-1) ?? '2026-12-05'}T00:00:00Z`).getTime() - MAX_DAYS * 86_400_000).toISOString().slice(0, 10);
    expect(ignoreFileProblems(text, reviewed)).toEqual([]);
  });

  it('the workflow passes it to every Trivy command', () => {
    const workflow = readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'security.yml'), 'utf8');
    const commands = [...workflow.matchAll(/^\s*run: (trivy .*)$/gm)].map((m) => m[1]!);
    expect(commands.length).toBe(4);
    for (const c of commands) expect(c).toContain('--ignorefile .trivyignore.yaml');
  });

  it.each([
    ['an entry without a statement', 'vulnerabilities:\n  - id: CVE-2025-1\n    expired_at: 2027-01-01\n', /no statement/],
    ['an entry without an expiry', 'misconfigurations:\n  - id: KSV-0109\n    statement: "a long enough reason that says why this is accepted here"\n', /expired_at must be a date/],
    ['an impossible date', 'vulnerabilities:\n  - id: CVE-2025-1\n    statement: "a long enough reason that says why this is accepted here"\n    expired_at: 2027-02-30\n', /expired_at must be a date/],
    ['an expiry years ahead', 'vulnerabilities:\n  - id: CVE-2025-1\n    statement: "a long enough reason that says why this is accepted here"\n    expired_at: 2030-01-01\n', /more than 180 days ahead/],
    ['an entry without an id', 'secrets:\n  - statement: "a long enough reason that says why this is accepted here"\n    expired_at: 2027-01-01\n', /no id/],
    ['a misspelt section', 'vulnerability:\n  - id: CVE-2025-1\n', /unknown section `vulnerability`/],
  ])('rejects %s', (_what, fixture, message) => {
    expect(ignoreFileProblems(fixture, '2026-12-05').join('\n')).toMatch(message);
  });
});
