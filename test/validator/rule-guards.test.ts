/** A rule broken in a values file is reported once: by the values check, not again as the Helm guard's failure. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropGuardEchoes, guardLines } from '../../validator/rule-guards.ts';
import type { Finding } from '../../core/types.ts';
import { runMain } from '../helpers/cli.ts';

const GUARD = 'helm template failed: execution error at (nexus/charts/cache/templates/values-rules.yaml:26:4): the values break 1 rule(s) of the NEXUS model:\n  [sentinel-quorum] cache.sentinel.quorum: quorum (5) exceeds the number of nodes (3); failover could never happen';
const rule: Finding = { policyId: 'values/rule/sentinel-quorum', severity: 'error', source: 'v.yaml', jsonPointer: 'cache.sentinel.quorum', message: 'quorum (5) exceeds the number of nodes (3); failover could never happen' };

describe('rule guard echoes', () => {
  it('reads the guard lines of a helm failure', () => {
    expect(guardLines(GUARD)).toEqual([{ rule: 'sentinel-quorum', path: 'cache.sentinel.quorum', message: 'quorum (5) exceeds the number of nodes (3); failover could never happen' }]);
    expect(guardLines('helm template failed: parse error at (nexus/templates/x.yaml:3): unexpected }')).toBeUndefined();
  });

  it('drops a helm failure only when the values check reported every line of it', () => {
    const helm: Finding = { policyId: 'helm/template', severity: 'error', source: 'v.yaml', message: GUARD };
    const echoed = [rule, { ...helm }];
    dropGuardEchoes(echoed);
    expect(echoed.map((f) => f.policyId)).toEqual(['values/rule/sentinel-quorum']);
    const unmatched = [{ ...rule, message: 'something else' }, { ...helm }];
    dropGuardEchoes(unmatched);
    expect(unmatched.map((f) => f.policyId)).toEqual(['values/rule/sentinel-quorum', 'helm/template']);
  });

  it('nexus validate reports a broken rule once, at its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-guard-'));
    const file = join(dir, 'values.yaml');
    writeFileSync(file, 'cache:\n  sentinel:\n    quorum: 5\n');
    const r = await runMain(['validate', '-f', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { findings: Finding[] };
    expect(report.findings.map((f) => `${f.policyId} ${f.line}:${f.column}`)).toEqual(['values/rule/sentinel-quorum 3:13']);
  });
});
