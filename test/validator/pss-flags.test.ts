/** `nexus validate` chooses the Pod Security level from flags, then a discovered .nexus-policy.yaml. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNexus } from '../helpers/cli.ts';

// Allowed by baseline, denied by restricted: runs as root-capable, no seccomp profile, keeps capabilities.
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: legacy
  namespace: apps
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.2.3
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-pss-flags-'));
  writeFileSync(join(dir, 'pod.yaml'), POD);
});

const pssIds = (stdout: string) =>
  [...new Set((JSON.parse(stdout) as { findings: { policyId: string; exemption?: unknown }[] }).findings.filter((f) => f.policyId.startsWith('pss-') && !f.exemption).map((f) => f.policyId))].sort();

describe('Pod Security level selection', () => {
  it('defaults to restricted', () => {
    const r = runNexus(['validate', 'pod.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(pssIds(r.stdout)).toEqual(expect.arrayContaining(['pss-allow-privilege-escalation', 'pss-run-as-non-root', 'pss-seccomp-profile-restricted']));
  });

  it('--pss-level baseline drops the restricted-only checks', () => {
    const r = runNexus(['validate', 'pod.yaml', '--format', 'json', '--pss-level', 'baseline'], { cwd: dir });
    expect(pssIds(r.stdout)).toEqual([]);
  });

  it('a .nexus-policy.yaml in the working directory is picked up', () => {
    const sub = mkdtempSync(join(dir, 'cfg-'));
    writeFileSync(join(sub, 'pod.yaml'), POD);
    writeFileSync(join(sub, '.nexus-policy.yaml'), 'pss:\n  level: baseline\n');
    const r = runNexus(['validate', 'pod.yaml', '--format', 'json'], { cwd: sub });
    expect(pssIds(r.stdout)).toEqual([]);
    // An explicit flag still wins over the discovered file.
    const strict = runNexus(['validate', 'pod.yaml', '--format', 'json', '--pss-level', 'restricted'], { cwd: sub });
    expect(pssIds(strict.stdout)).toContain('pss-run-as-non-root');
  });

  it('a malformed --pss-version is a usage error (exit 2)', () => {
    const r = runNexus(['validate', 'pod.yaml', '--pss-version', 'one-point-thirty'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pss-version must be `latest` or a version such as `v1.36`');
  });
});
