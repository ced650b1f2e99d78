/** Helm itself enforces the generated values.schema.json, with both supported helm versions. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_VALUES, PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { helm, HELM_FLAVOURS } from '../helpers/helm.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-helm-schema-'));
});

function values(name: string, yaml: string): string {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
}

describe.each(HELM_FLAVOURS)('%s enforces values.schema.json', (flavour) => {
  it('rejects a typo\'d key (frontend.autoscaling.maxReplica)', async () => {
    const f = values(`typo-${flavour}.yaml`, 'frontend:\n  autoscaling:\n    maxReplica: 12\n');
    const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/maxReplica/);
    expect(r.stderr).toMatch(/[Aa]dditional propert/);
  });

  it('rejects a wrong type (a string where an integer belongs)', async () => {
    const f = values(`type-${flavour}.yaml`, 'backend:\n  autoscaling:\n    maxReplicas: "ten"\n');
    const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/maxReplicas/);
    expect(r.stderr).toMatch(/integer/);
  });

  it('rejects an unquoted numeric image tag', async () => {
    const f = values(`tag-${flavour}.yaml`, 'frontend:\n  image:\n    tag: 2.0\n');
    const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/tag/);
  });

  it('accepts the defaults and the Helm-injected keys (global, <tier>.enabled)', async () => {
    const f = values(`ok-${flavour}.yaml`, 'global:\n  environment: staging\nfrontend:\n  enabled: true\n');
    const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(ENVIRONMENT_VALUES)('the committed %s passes helm lint --strict', async (file) => {
    const r = await helm(flavour, ['lint', UMBRELLA_CHART_DIR, '--strict', '-f', join(PROJECT_ROOT, file)]);
    expect(r.stdout + r.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.code).toBe(0);
  });
});
