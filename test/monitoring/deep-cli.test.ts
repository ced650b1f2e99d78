/**
 * `nexus validate --deep` runs the Prometheus and AlertManager checkers: a manifest stream with a
 * broken rule and a broken route fails with findings that name the ConfigMaps; the real render passes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNexus, STACK_FRAME } from '../helpers/cli.ts';
import { renderText, writeTemp } from './render.ts';

let rendered: string;
beforeAll(async () => {
  rendered = await renderText({ valuesFiles: ['values.production.yaml'] });
});

describe('nexus validate --deep', () => {
  it('accepts the production render', () => {
    const dir = writeTemp({ 'production.yaml': rendered });
    const run = runNexus(['validate', '--deep', join(dir, 'production.yaml'), '--format', 'json']);
    const report = JSON.parse(run.stdout) as { findings: { policyId: string; severity: string }[] };
    // Redis 7.2 has no server in any reachable archive: those configs are reported as not checked (info), never judged.
    const judged = report.findings.filter((f) => f.policyId.startsWith('deep/') && f.severity !== 'info');
    expect(judged).toEqual([]);
  });

  it('reports a broken alert rule and an AlertManager route to a missing receiver', () => {
    const broken = rendered.replace('expr: namespace:pg_up:min == 0', 'expr: namespace:pg_up:min == == 0').replace('- receiver: paging', '- receiver: pager');
    expect(broken).not.toBe(rendered);
    const dir = writeTemp({});
    writeFileSync(join(dir, 'broken.yaml'), broken);
    const run = runNexus(['validate', '--deep', join(dir, 'broken.yaml'), '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    const report = JSON.parse(run.stdout) as { findings: { policyId: string; name: string; file: string; message: string; severity: string }[] };
    const deep = report.findings.filter((f) => f.policyId.startsWith('deep/') && f.severity !== 'info');
    expect(deep.map((f) => [f.policyId, f.name]).sort()).toEqual([
      ['deep/alertmanager-config', 'nexus-monitoring-alertmanager'],
      ['deep/prometheus-rules', 'nexus-monitoring-prometheus-rules'],
    ]);
    // Manifest input: findings point at the input file (the validator's file mapping), with the tool's words.
    for (const f of deep) expect(f.file).toMatch(/broken\.yaml$/);
    expect(deep.find((f) => f.policyId === 'deep/alertmanager-config')!.message).toContain('undefined receiver "pager"');
  });

  it('a missing promtool/amtool means the run could not check: exit 2, one finding per tool saying how to install it', () => {
    const dir = writeTemp({ 'production.yaml': rendered });
    const run = runNexus(['validate', '--deep', join(dir, 'production.yaml'), '--format', 'json'], {
      env: { NEXUS_TOOLS_DIR: join(dir, 'no-tools'), PATH: dirname(process.execPath) },
    });
    expect(run.code, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as { findings: { policyId: string; severity: string; message: string; hint?: string }[] };
    const missing = report.findings.filter((f) => f.policyId === 'deep/tool-missing' && /promtool|amtool/.test(f.message));
    expect(missing.map((f) => [f.severity, f.message]).sort()).toEqual([
      ['error', 'amtool is not installed, so the embedded configs were not checked (deep/alertmanager)'],
      ['error', 'promtool is not installed, so the embedded configs were not checked (deep/prometheus)'],
    ]);
    for (const f of missing) expect(f.hint).toContain('bash scripts/install-system-deps.sh');
  });
});
