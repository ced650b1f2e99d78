/** `nexus conformance --suite pod-security` against a small fixture tree built here (the real corpus is ../shared, run by `npm run conformance`). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n${spec}`;
const put = (rel: string, text: string) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
put('baseline/v1.37/pass/base.yaml', pod('  containers: [{name: c, image: x}]\n'));
put('baseline/v1.37/fail/hostnamespaces0.yaml', pod('  hostPID: true\n  containers: [{name: c, image: x}]\n'));
put('restricted/v1.37/fail/runasuser0.yaml', pod('  securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: c, image: x, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n'));

// No baseline for this tree: every fixture must agree.
const run = (args: string[]) => runMain(['conformance', '--suite', 'pod-security', '--baseline', join(dir, 'no-baseline.json'), ...args]);

describe('nexus conformance --suite pod-security', () => {
  it('reports full agreement', async () => {
    const r = await run(['--dir', dir]);
    expect(r.out).toContain('Pod Security Admission conformance: 3/3');
    expect(r.out).toContain('baseline/v1.37: 2/2, restricted/v1.37: 1/1');
    expect(r.code).toBe(0);
  });
  it('lists a disagreement with file and check, and exits 1 without a baseline to fall back on', async () => {
    put('restricted/v1.37/pass/privileged0.yaml', pod('  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n'));
    const r = await run(['--dir', dir]);
    expect(r.out).toMatch(/FAIL pod-security restricted\/v1\.37\/pass\/privileged0\.yaml \(check privileged, expected allowed, got denied: denied by privileged, /);
    expect(r.out).toContain('conformance: 3/4 (75.0 %) FAILED: no baseline recorded');
    expect(r.code).toBe(1);
  });
  it('exits 2 when the fixture directory is missing', async () => {
    const r = await run(['--dir', join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/corpus not found/);
  });
});
