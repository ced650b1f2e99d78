/**
 * ApiRuleTester: runs the API-validation stage over one rule's fixture folder
 * `test/validator/api-fixtures/<area>/<rule>/` (rule `api/<area>/<rule>`):
 *  - `pass*.yaml` must yield no error or warning from any API rule (no false positives);
 *  - `fail*.yaml` must yield exactly the expected findings of that rule.
 * Fixtures are parsed by the validator's own manifest parser (YAML 1.1 semantics, like kubectl).
 * Header comments:
 *   # expect: /spec/replicas                       (pointer in the first resource; repeat per finding)
 *   # options: {"kubeVersion": "1.30"}             (ApiStageOptions as JSON)
 * Size-limit fixtures stay small: `<<repeat:a:524288>>` expands to 524288 "a"s, `<<base64:a:524288>>`
 * to the base64 of that many "a" bytes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../core/types.ts';
import { runApiStage, type ApiStageOptions } from '../../validator/api/stage.ts';
import { parseManifests } from '../../validator/manifests.ts';

export const API_FIXTURES_DIR = join(import.meta.dirname, 'api-fixtures');

export interface ApiFixture {
  file: string;
  kind: 'pass' | 'fail';
  text: string;
  expect: string[];
  options: ApiStageOptions;
}

export const fixtureDirOf = (ruleId: string) => join(API_FIXTURES_DIR, ...ruleId.replace(/^api\//, '').split('/'));

export function loadApiFixtures(ruleId: string): ApiFixture[] {
  const dir = fixtureDirOf(ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^(pass|fail).*\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const opt = /^# options: (.+)$/m.exec(text);
      return {
        file: `${ruleId}/${f}`,
        kind: f.startsWith('pass') ? 'pass' : 'fail',
        text,
        expect: [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!.trim()),
        options: opt ? (JSON.parse(opt[1]!) as ApiStageOptions) : {},
      } as const;
    });
}

const expand = (text: string) =>
  text.replace(/<<(repeat|base64):(.):(\d+)>>/g, (_, how: string, ch: string, n: string) => {
    const s = ch.repeat(Number(n));
    return how === 'repeat' ? s : Buffer.from(s).toString('base64');
  });

export function runApiFixture(fx: ApiFixture): Finding[] {
  const parsed = parseManifests(expand(fx.text), { source: fx.file });
  if (parsed.findings.length) throw new Error(`${fx.file} does not parse: ${parsed.findings.map((f) => f.message).join('; ')}`);
  return runApiStage(parsed.resources, { kubeVersion: '1.32', ...fx.options });
}
