/**
 * "Similar checks" in the docs name only checks that exist upstream: every `tool:id` cited in a
 * policy's `equivalents` must be in policies/upstream/check-ids.json, the committed list generated
 * from the upstream sources (with their commits and versions) by scripts/upstream-facts.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';

interface Tool {
  source: { repository: string; commit: string; version: string };
  ids: string[];
}
const UPSTREAM = JSON.parse(readFileSync(join(PROJECT_ROOT, 'policies', 'upstream', 'check-ids.json'), 'utf8')) as { $comment: string; tools: Record<string, Tool> };

describe('upstream check ids', () => {
  it('the committed list names its sources and holds every tool the docs cite', () => {
    expect(UPSTREAM.$comment).toMatch(/GENERATED/);
    expect(Object.keys(UPSTREAM.tools).sort()).toEqual(['checkov', 'kube-linter', 'kube-score', 'kyverno', 'polaris', 'psa']);
    for (const [tool, t] of Object.entries(UPSTREAM.tools)) {
      expect(t.source.repository, tool).toMatch(/^https:\/\/github\.com\//);
      expect(t.source.commit, tool).toMatch(/^[0-9a-f]{40}$/);
      expect(t.ids.length, tool).toBeGreaterThan(15);
      expect([...t.ids].sort(), `${tool} ids are sorted and unique`).toEqual([...new Set(t.ids)].sort());
    }
  });

  it.each(POLICIES.map((p) => [p.meta.id, p.meta.equivalents ?? []] as const))('%s cites only upstream ids', (_id, equivalents) => {
    const unknown: string[] = [];
    for (const e of equivalents) {
      const m = /^([a-z-]+):(\S+)(?: \(([^)]+)\))?$/.exec(e);
      if (!m) {
        unknown.push(`${e} (not "tool:id" or "tool:id (note)")`);
        continue;
      }
      const tool = UPSTREAM.tools[m[1]!];
      if (!tool) unknown.push(`${e} (unknown tool ${m[1]})`);
      else if (!tool.ids.includes(m[2]!)) unknown.push(`${e} (no such id in ${m[1]} ${tool.source.version})`);
    }
    expect(unknown).toEqual([]);
  });
});
