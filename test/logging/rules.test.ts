/**
 * The log-ingestion alert, rendered with the logging tier installed and proven with the real promtool:
 * `check rules`, then synthetic series where it must fire (lines stop; Loki never received any) and
 * where it must stay silent (lines flowing). Without the logging tier the rule file is not shipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tool, writeTemp } from '../monitoring/render.ts';
import type { RenderedDoc } from '../charts/helpers.ts';
import { dataOf, LOGGING_ON, names, renderLogging, yamlOf } from './render.ts';

const UNIT = 'logging.promtool.yaml';
const unitTest = readFileSync(join(import.meta.dirname, 'promtool', UNIT), 'utf8');

let on: RenderedDoc[];
beforeAll(async () => {
  on = await renderLogging(LOGGING_ON);
});

describe('the log-ingestion rules', () => {
  it('pass `promtool check rules`', async () => {
    const files = dataOf(on, names.rules);
    expect(Object.keys(files)).toContain('alerts-logging.yaml');
    const result = await tool('promtool')(['check', 'rules', 'alerts-logging.yaml'], writeTemp({ 'alerts-logging.yaml': files['alerts-logging.yaml']! }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('fire when lines stop or never arrive, and stay silent while they flow (promtool test rules)', async () => {
    const result = await tool('promtool')(['test', 'rules', UNIT], writeTemp({ 'alerts-logging.yaml': dataOf(on, names.rules)['alerts-logging.yaml']!, [UNIT]: unitTest }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('take the threshold from monitoring.alertRules.logIngestionStoppedFor', async () => {
    const custom = await renderLogging({ ...LOGGING_ON, 'monitoring.alertRules.logIngestionStoppedFor': '45m' });
    const groups = yamlOf<{ groups: { rules: { alert?: string; for?: string }[] }[] }>(dataOf(custom, names.rules)['alerts-logging.yaml']!).groups;
    expect(groups.flatMap((g) => g.rules).find((r) => r.alert === 'NexusLogIngestionStopped')?.for).toBe('45m');
    // Control: the same unit test fails against a 45m threshold (the 60m expectation no longer holds).
    const result = await tool('promtool')(['test', 'rules', UNIT], writeTemp({ 'alerts-logging.yaml': dataOf(custom, names.rules)['alerts-logging.yaml']!, [UNIT]: unitTest }));
    expect(result.code).not.toBe(0);
  });
});
