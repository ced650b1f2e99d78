/**
 * The values check reads values as helm does (YAML 1.1 via sigs.k8s.io/yaml) and says so: an unquoted
 * `Off` or `NO` that the model then rejects is one located finding with the fix (quote it), not a
 * helm error without a line; `enabled: yes` is the boolean helm sees. One typo is one finding, not
 * copies from helm lint and helm template.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkValues } from '../../validator/values-check.ts';
import { parseLocatedYaml, parseLocatedYamlPrecise } from '../../validator/yaml-source.ts';
import { nexusAsync } from '../helpers/cli.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-yaml11-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STAGING = 'global:\n  environment: staging\n';

interface JsonFinding {
  policyId: string;
  severity: string;
  file: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

async function validate(yaml: string): Promise<{ code: number | null; findings: JsonFinding[] }> {
  const file = join(tmp, `v${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = await nexusAsync(['validate', '-f', file, '--format', 'json', '--no-policies']);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

describe('values are read with YAML 1.1 rules, like helm', () => {
  it('both parsing paths (fast and positioned) agree with go-yaml v2', () => {
    const text = 'a: yes\nb: Off\nc: "on"\nd: 0777\ne: 1_000\nf: y\ng: ~\n';
    const expected = { a: true, b: false, c: 'on', d: 511, e: 1000, f: true, g: null };
    expect(parseLocatedYaml('v.yaml', text).value).toEqual(expected);
    expect(parseLocatedYamlPrecise('v.yaml', text).value).toEqual(expected);
  });

  it('`updateMode: Off` (the boolean false to helm) is one error at its position, with the fix', async () => {
    const { code, findings } = await validate(`${STAGING}frontend:\n  vpa:\n    enabled: true\n    updateMode: Off\n`);
    expect(code).toBe(1);
    expect(findings.map((f) => [f.policyId, f.severity, f.line, f.column])).toEqual([['values/yaml-1.1', 'error', 6, 17]]);
    expect(findings[0]!.message).toMatch(/^`Off` is the boolean false to helm, which reads values as YAML 1\.1; frontend\.vpa\.updateMode must be one of "Off"/);
    expect(findings[0]!.hint).toBe('quote it: "Off"');
  });

  it('`COUNTRY: NO` in an env map: one error, quote it', async () => {
    const { code, findings } = await validate(`${STAGING}backend:\n  env:\n    COUNTRY: NO\n`);
    expect(code).toBe(1);
    expect(findings.map((f) => [f.policyId, f.line, f.hint])).toEqual([['values/yaml-1.1', 5, 'quote it: "NO"']]);
    expect(findings[0]!.message).toContain('must be string, but is boolean false');
  });

  it('`enabled: yes` is true, as helm reads it: no error, an info finding says how it is read', async () => {
    const { code, findings } = await validate(`${STAGING}frontend:\n  vpa:\n    enabled: yes\n`);
    expect(code).toBe(0);
    expect(findings.map((f) => [f.policyId, f.severity, f.line])).toEqual([['values/yaml-1.1', 'info', 5]]);
    expect(findings[0]!.message).toBe('helm reads the unquoted `yes` as the boolean true (YAML 1.1), not as the string "yes"');
  });

  it('the check itself, without helm: a quoted "Off" is fine', () => {
    const located = parseLocatedYaml('v.yaml', `${STAGING}frontend:\n  vpa:\n    updateMode: "Off"\n`);
    expect(checkValues(located)).toEqual([]);
  });
});

describe('one typo, one finding', () => {
  it('an unknown key is reported by the values check only (helm lint and template repeat it otherwise)', async () => {
    const { code, findings } = await validate(`${STAGING}frontend:\n  replicaz: 3\n`);
    expect(code).toBe(1);
    expect(findings.map((f) => [f.policyId, f.line, f.column])).toEqual([['values/unknown-key', 4, 3]]);
    expect(findings[0]!.message).toBe('unknown key `replicaz`');
  });
});
