import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { renderPolicyDocs } from '../../policies/docs.ts';
import { POLICIES } from '../../policies/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['docs', ...args], { out: (s) => (out += s), err: (s) => (err += s), color: false });
  return { code, out, err };
}

describe('nexus docs', () => {
  const file = join(dir, 'policies.md');
  it('reports a missing file with --check (exit 1), then writes it', async () => {
    expect((await run(['--check', '--out', file])).code).toBe(1);
    const w = await run(['--out', file]);
    expect(w.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(renderPolicyDocs(POLICIES));
    expect((await run(['--check', '--out', file])).code).toBe(0);
  });
  it('detects a hand edit as drift', async () => {
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nhand edit\n`);
    const r = await run(['--check', '--out', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/stale.*\n.*npm run docs/);
  });
  it('documents every policy id and the configuration', () => {
    const text = renderPolicyDocs(POLICIES);
    for (const p of POLICIES) expect(text).toContain(`### ${p.meta.id}\n`);
    expect(text).toContain('## Configuration: `.nexus-policy.yaml`');
    expect(text).toContain('nexus.dev/external-secrets');
  });
});
