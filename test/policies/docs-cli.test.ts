import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.ts';
import { renderPolicyDocs } from '../../policies/docs.ts';
import { POLICIES } from '../../policies/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runMain(['docs', ...args]);

describe('nexus docs', () => {
  const file = join(dir, 'policies.md');
  it('reports a missing file with --check (exit 1), then writes it', async () => {
    expect((await run(['--check', '--out', file])).code).toBe(1);
    const w = await run(['--out', file]);
    expect(w.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(renderPolicyDocs(POLICIES));
    expect(JSON.parse(readFileSync(join(dir, 'nexus-policy.schema.json'), 'utf8')).properties.policies.propertyNames.enum).toEqual(POLICIES.map((p) => p.meta.id).sort());
    expect((await run(['--check', '--out', file])).code).toBe(0);
  });
  it('detects a hand edit as drift', async () => {
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nhand edit\n`);
    const r = await run(['--check', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/policies\.md is stale[^]*npm run docs/);
  });
  it('documents every policy id and the configuration', () => {
    const text = renderPolicyDocs(POLICIES);
    for (const p of POLICIES) expect(text).toContain(`### ${p.meta.id}\n`);
    expect(text).toContain('## Configuration: `.nexus-policy.yaml`');
    expect(text).toContain('nexus.dev/external-secrets');
  });
});

describe('the documented .nexus-policy.yaml example', () => {
  const example = /## Configuration[^]*?```yaml\n([^]*?)```/.exec(renderPolicyDocs(POLICIES))![1]!;
  it('is accepted by the config loader', async () => {
    const { parsePolicyConfig } = await import('../../policies/config-file.ts');
    const { POLICY_IDS } = await import('../../policies/index.ts');
    const c = parsePolicyConfig(example, 'example.yaml', POLICY_IDS);
    expect(c.exemptions?.[0]?.reason).toMatch(/OPS-123/);
  });
  it('is valid against the generated JSON Schema, which rejects unknown ids', async () => {
    const { Ajv } = await import('ajv');
    const { parse } = await import('yaml');
    const { policyConfigJsonSchema } = await import('../../policies/config.ts');
    const validate = new Ajv({ strict: false }).compile(policyConfigJsonSchema(POLICIES.map((p) => p.meta.id)));
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ policies: { 'ha-spraed': 'off' } })).toBe(false);
  });
});
