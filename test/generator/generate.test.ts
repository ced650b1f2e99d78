/** The generator: deterministic, headed, atomic, and drift-checked. */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateCharts } from '../../generator/index.ts';
import { GENERATED_NOTICE } from '../../generator/header.ts';
import { loadTemplateSources, loadVersions } from '../../generator/sources.ts';
import { findDrift, writeOutputAtomically } from '../../generator/write.ts';
import { TIER_NAMES } from '../../schema/index.ts';
import { CHARTS_DIR } from '../../util/paths.ts';
import { runNexus } from '../helpers/cli.ts';

const generate = () => generateCharts(loadTemplateSources(), loadVersions());

describe('generateCharts', () => {
  const files = generate();

  it('is deterministic and sorted', () => {
    const again = generate();
    expect(again).toEqual(files);
    const paths = files.map((f) => f.path);
    expect([...paths].sort()).toEqual(paths);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('marks every file as generated (JSON via $comment)', () => {
    for (const f of files) {
      if (f.path.endsWith('.json')) expect((JSON.parse(f.content) as { $comment?: string }).$comment, f.path).toBe(GENERATED_NOTICE);
      else expect(f.content, f.path).toContain(GENERATED_NOTICE);
    }
  });

  it('writes the chart contract for the umbrella and every tier', () => {
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    const umbrella = parse(byPath.get('nexus/Chart.yaml')!) as { apiVersion: string; dependencies: { name: string; condition?: string; repository?: string }[] };
    expect(umbrella.apiVersion).toBe('v2');
    for (const tier of TIER_NAMES) {
      const dep = umbrella.dependencies.find((d) => d.name === tier);
      expect(dep, tier).toBeDefined();
      expect(dep!.condition).toBe(`${tier}.enabled`);
      // No repository: a file:// reference into charts/ would ship a duplicate subchart (DESIGN §4).
      expect(dep!.repository).toBeUndefined();
      for (const name of ['Chart.yaml', 'values.yaml', 'values.schema.json', 'README.md']) expect(byPath.has(`nexus/charts/${tier}/${name}`), `${tier}/${name}`).toBe(true);
      const schema = JSON.parse(byPath.get(`nexus/charts/${tier}/values.schema.json`)!) as { $schema: string; properties: Record<string, unknown> };
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['global', 'enabled']));
    }
    const lib = parse(byPath.get('nexus/charts/nexus-lib/Chart.yaml')!) as { type: string };
    expect(lib.type).toBe('library');
  });

  it('values.yaml parses back to the schema defaults', async () => {
    const { defaultConfig } = await import('../../schema/index.ts');
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    const parsed = parse(byPath.get('nexus/values.yaml')!) as Record<string, unknown>;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(defaultConfig())));
    expect(byPath.get('nexus/values.yaml')).toMatch(/^# yaml-language-server: \$schema=values\.schema\.json$/m);
  });

  it('schemas are self-contained (no $ref) and every property is described', () => {
    for (const f of files.filter((x) => x.path.endsWith('values.schema.json'))) {
      expect(f.content, f.path).not.toContain('$ref');
      const walk = (node: Record<string, unknown>, at: string) => {
        const props = node.properties as Record<string, Record<string, unknown>> | undefined;
        if (props) {
          expect(node.additionalProperties, `${f.path} ${at} must be closed`).toBe(false);
          for (const [k, v] of Object.entries(props)) {
            expect(typeof v.description === 'string' && v.description.length > 0, `${f.path} ${at}.${k} has no description`).toBe(true);
            walk(v, `${at}.${k}`);
          }
        }
      };
      walk(JSON.parse(f.content) as Record<string, unknown>, '');
    }
  });
});

describe('write and drift', () => {
  it('a failed write leaves the previous output intact', () => {
    const out = mkdtempSync(join(tmpdir(), 'nexus-gen-'));
    const files = generate();
    writeOutputAtomically(out, files);
    const before = readFileSync(join(out, 'nexus/Chart.yaml'), 'utf8');
    // A path that cannot be created (a file where a directory must go) fails mid-write.
    const broken = [...files, { path: 'nexus/Chart.yaml/impossible.yaml', content: 'x' }];
    expect(() => writeOutputAtomically(out, broken)).toThrow();
    expect(readFileSync(join(out, 'nexus/Chart.yaml'), 'utf8')).toBe(before);
    expect(findDrift(out, files)).toEqual({ changed: [], missing: [], extra: [] });
  });

  it('the committed charts match a fresh generate', () => {
    expect(findDrift(CHARTS_DIR, generate())).toEqual({ changed: [], missing: [], extra: [] });
  });

  it('a hand edit makes `generate --check` exit 1 and name the file', () => {
    const out = mkdtempSync(join(tmpdir(), 'nexus-drift-'));
    cpSync(CHARTS_DIR, out, { recursive: true });
    const edited = join(out, 'nexus/charts/frontend/values.yaml');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n# hand edit\n`);
    writeFileSync(join(out, 'nexus/stray.yaml'), 'a: 1\n');
    const r = runNexus(['generate', '--check', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('changed: nexus/charts/frontend/values.yaml');
    expect(r.stderr).toContain('not generated: nexus/stray.yaml');
    const clean = runNexus(['generate', '--out', out]);
    expect(clean.code).toBe(0);
    expect(existsSync(join(out, 'nexus/stray.yaml'))).toBe(false);
    expect(runNexus(['generate', '--check', '--out', out]).code).toBe(0);
  });
});
