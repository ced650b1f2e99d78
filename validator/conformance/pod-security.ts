/**
 * Suite `pod-security`: our Pod Security Standards checks over the upstream Pod Security Admission
 * fixtures (`<level>/<version>/<pass|fail>/<check><n>.yaml`). pass/ must be allowed, fail/ denied (and,
 * where index.json records it, denied with the upstream reason text).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sResource } from '../../core/types.ts';
import type { ConformanceSuite, SuiteCase, SuiteRun } from './types.ts';

interface IndexEntry {
  file: string;
  fixtureCheck?: string | null;
  expectErrorSubstring?: string;
}

export interface PodSecurityCase {
  file: string;
  level: string;
  version: string;
  expect: 'allowed' | 'denied';
  check: string;
  got: 'allowed' | 'denied' | 'error';
  failing: string[];
  ok: boolean;
  why?: string;
}

function listFixtures(dir: string, parseLevel: (s: string) => unknown): string[] {
  const out: string[] = [];
  for (const level of readdirSync(dir).sort()) {
    const lp = join(dir, level);
    if (!statSync(lp).isDirectory() || !parseLevel(level)) continue;
    for (const version of readdirSync(lp).sort()) {
      for (const verdict of ['pass', 'fail']) {
        const vp = join(lp, version, verdict);
        if (!existsSync(vp)) continue;
        for (const f of readdirSync(vp).sort()) if (f.endsWith('.yaml')) out.push(join(level, version, verdict, f));
      }
    }
  }
  return out;
}

export async function runPodSecurityFixtures(dir: string): Promise<PodSecurityCase[]> {
  // Loaded here, not at the top: other suites never pay for js-yaml and the PSS checks.
  const [{ load }, { evaluatePss }, { parseLevel, parseVersion }, { podOf }] = await Promise.all([
    import('js-yaml'),
    import('../../policies/pss/registry.ts'),
    import('../../policies/pss/version.ts'),
    import('../../policies/util/pod.ts'),
  ]);
  const index = new Map<string, IndexEntry>();
  const indexFile = join(dir, 'index.json');
  if (existsSync(indexFile)) {
    const parsed = JSON.parse(readFileSync(indexFile, 'utf8')) as { fixtures?: IndexEntry[] };
    for (const e of parsed.fixtures ?? []) index.set(e.file, e);
  }
  return listFixtures(dir, parseLevel).map((file): PodSecurityCase => {
    const [level, version, verdict, name] = file.split(/[\\/]/) as [string, string, string, string];
    const expect = verdict === 'pass' ? 'allowed' : 'denied';
    const entry = index.get(file.split('\\').join('/'));
    const check = entry?.fixtureCheck ?? name.replace(/\d*\.yaml$/, '');
    const base = { file, level, version, expect, check } as const;
    const lvl = parseLevel(level);
    const ver = parseVersion(version);
    let object: unknown;
    try {
      object = load(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      return { ...base, got: 'error', failing: [], ok: false, why: `YAML error: ${(err as Error).message.split('\n')[0]}` };
    }
    const resource = { source: file, docIndex: 0, line: 1, apiVersion: 'v1', kind: 'Pod', name: name, object: object as Record<string, unknown> } satisfies K8sResource;
    const pod = podOf(resource);
    if (!lvl || !ver || !pod) return { ...base, got: 'error', failing: [], ok: false, why: 'not a Pod, or unknown level/version in the path' };
    const results = evaluatePss(pod, lvl, ver);
    const got = results.length ? 'denied' : 'allowed';
    const failing = results.map((r) => r.checkId);
    if (got !== expect) return { ...base, got, failing, ok: false, why: got === 'denied' ? `denied by ${failing.join(', ')}` : 'allowed by every check' };
    const sub = entry?.expectErrorSubstring;
    if (expect === 'denied' && sub && !results.some((r) => r.violations.some((v) => `${v.data.reason} (${v.data.detail})`.includes(sub)))) {
      return { ...base, got, failing, ok: false, why: `denied, but no reason contains upstream's "${sub}" (got: ${results.map((r) => r.violations[0]?.data.reason).join(', ')})` };
    }
    return { ...base, got, failing, ok: true };
  });
}

export const podSecuritySuite: ConformanceSuite = {
  id: 'pod-security',
  corpus: 'pod-security',
  description: 'Pod Security Standards policies vs the upstream Pod Security Admission fixtures',
  breakdown: ['level'],
  async run(dir: string): Promise<SuiteRun> {
    const fixtures = await runPodSecurityFixtures(dir);
    const cases: SuiteCase[] = fixtures.map((c) => ({
      id: c.file.split('\\').join('/'),
      ok: c.ok,
      detail: `check ${c.check}, expected ${c.expect}, got ${c.got}${c.why ? `: ${c.why}` : ''}`,
      groups: { level: `${c.level}/${c.version}` },
    }));
    const byLevel = new Map<string, [number, number]>();
    for (const c of fixtures) {
      const k = `${c.level}/${c.version}`;
      const t = byLevel.get(k) ?? [0, 0];
      byLevel.set(k, [t[0] + (c.ok ? 1 : 0), t[1] + 1]);
    }
    const agreed = cases.filter((c) => c.ok).length;
    return {
      figures: [{ key: 'pod-security', label: 'Pod Security Admission conformance', agreed, total: cases.length }],
      cases,
      summary: byLevel.size ? [[...byLevel].map(([k, [a, n]]) => `${k}: ${a}/${n}`).join(', ')] : [],
    };
  },
};
