/**
 * Golden files of the rendered staging and production manifests (helm 4, release `nexus`, the CRD
 * APIs served so every gated object shows). A diff must be deliberate: review it, then refresh with
 *   UPDATE_GOLDEN=1 npx vitest run test/charts/golden.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { CRD_API_VERSIONS, renderText } from './helpers.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

const CASES = [
  { env: 'staging', file: 'values.staging.yaml', namespace: 'nexus-staging' },
  { env: 'production', file: 'values.production.yaml', namespace: 'nexus-platform' },
];

/** First differing line, so a failure names the object instead of dumping two whole manifests. */
function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      const source = [...a.slice(0, i + 1)].reverse().find((l) => l.startsWith('# Source:')) ?? '';
      return `line ${i + 1} (${source.replace('# Source: ', '') || 'start'}):\n  golden:   ${JSON.stringify(e[i] ?? '<end>')}\n  rendered: ${JSON.stringify(a[i] ?? '<end>')}`;
    }
  }
  return 'identical';
}

describe('golden manifests', () => {
  it.each(CASES)('the $env render matches its golden file (test/golden/<env>.yaml)', async ({ env, file, namespace }) => {
    const rendered = await renderText({ valuesFiles: [file], namespace, apiVersions: CRD_API_VERSIONS });
    const goldenPath = join(PROJECT_ROOT, 'test', 'golden', `${env}.yaml`);
    if (UPDATE) {
      mkdirSync(dirname(goldenPath), { recursive: true });
      writeFileSync(goldenPath, rendered);
    }
    if (!existsSync(goldenPath)) throw new Error(`${goldenPath} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/charts/golden.test.ts`);
    const golden = readFileSync(goldenPath, 'utf8');
    if (golden !== rendered) {
      throw new Error(
        `the ${env} render differs from test/golden/${env}.yaml at ${firstDifference(golden, rendered)}\n` +
          'If the change is deliberate, review `git diff test/golden` after UPDATE_GOLDEN=1 npx vitest run test/charts/golden.test.ts',
      );
    }
    expect(rendered.length).toBeGreaterThan(0);
  });

  it('renders byte-identically twice (no timestamps, random values or map-order noise)', async () => {
    const a = await renderText({ valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS });
    const b = await renderText({ valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS });
    expect(a).toBe(b);
  });
});
