/** Conventions that keep the registry, the modules, the fixtures and the docs in step. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyDocFiles } from '../../cli/commands/docs-files.ts';
import { POLICIES } from '../../policies/index.ts';
import { CATEGORIES } from '../../policies/types.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { FIXTURES_DIR } from './policy-tester.ts';

const POLICIES_DIR = join(PROJECT_ROOT, 'policies');

/** Every module that defines a policy (one per file, named by its id). */
function policyModules(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(POLICIES_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(POLICIES_DIR, dir.name))) {
      const file = join(POLICIES_DIR, dir.name, f);
      if (f.endsWith('.ts') && /export default define(Pss)?Policy\(/.test(readFileSync(file, 'utf8'))) out.push(file);
    }
  }
  return out.sort();
}

describe('policy registry and modules', () => {
  it('has unique kebab-case ids', () => {
    const ids = POLICIES.map((p) => p.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('registers every policy module, and every registered policy has its module <category>/<id>.ts', () => {
    const modules = policyModules().map((f) => `${basename(dirname(f))}/${basename(f, '.ts')}`).sort();
    const registered = POLICIES.map((p) => `${p.meta.category}/${p.meta.id}`).sort();
    expect(registered).toEqual(modules);
  });

  it.each(POLICIES.map((p) => [p.meta.id, p] as const))('%s has complete documentation metadata', (_id, p) => {
    const m = p.meta;
    expect(CATEGORIES).toContain(m.category);
    expect(['error', 'warning', 'info']).toContain(m.severity);
    expect(m.title.length).toBeGreaterThan(5);
    expect(m.description.length).toBeGreaterThan(60);
    expect(m.remediation.length).toBeGreaterThan(10);
    expect(m.kinds.length).toBeGreaterThan(0);
    expect(Object.keys(m.messages).length).toBeGreaterThan(0);
    for (const r of m.references) expect(r).toMatch(/^https:\/\//);
    expect(existsSync(join(FIXTURES_DIR, m.id)), `fixtures folder test/policies/fixtures/${m.id}`).toBe(true);
  });

  it('has no fixture folder without a policy', () => {
    const ids = new Set(POLICIES.map((p) => p.meta.id));
    for (const d of readdirSync(FIXTURES_DIR)) expect(ids.has(d), `fixtures/${d} has no policy`).toBe(true);
  });

  it('keeps docs/policies.md and docs/nexus-policy.schema.json in step with the metadata (run `npm run docs`)', () => {
    for (const f of policyDocFiles(join(PROJECT_ROOT, 'docs', 'policies.md'))) {
      expect(existsSync(f.path), `${f.path} is missing: run \`npm run docs\``).toBe(true);
      expect(readFileSync(f.path, 'utf8'), `${f.path} is stale: run \`npm run docs\``).toBe(f.text);
    }
  });
});
