/** runHelm turns a hung or unrunnable helm into a NexusError (exit 2) that says what happened. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NexusError } from '../../util/errors.ts';
import { runHelm } from '../../validator/helm.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-run-helm-'));
function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('runHelm', () => {
  it('stops a helm that hangs and says so', async () => {
    const err = await runHelm({ bin: script('hang', 'sleep 30'), env: process.env }, ['template'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NexusError);
    expect((err as NexusError).message).toBe('helm template did not finish within 300 ms and was stopped (with everything it started)');
  });

  it('reports a binary that cannot be executed with the install hint', async () => {
    const err = await runHelm({ bin: join(dir, 'missing'), env: process.env }, ['version']).catch((e: unknown) => e);
    expect((err as NexusError).message).toMatch(/^cannot run helm at .*missing: ENOENT$/);
    expect((err as NexusError).hint).toMatch(/--helm PATH or HELM_BIN/);
  });

  it('passes a non-zero exit through as a result, not an error', async () => {
    const r = await runHelm({ bin: script('fails', 'echo "Error: nope" >&2; exit 3'), env: process.env }, ['lint']);
    expect(r).toEqual({ stdout: '', stderr: 'Error: nope\n', code: 3 });
  });
});
