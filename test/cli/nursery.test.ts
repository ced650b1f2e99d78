/**
 * bin/nursery.mjs: the CLI keeps V8's young generation at its first semi-space, unless the user's own
 * V8 flags say otherwise. Each case runs in a fresh Node process that allocates ~100 MB of survivors
 * (what makes V8 grow the new space) and prints the new space's size.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const NURSERY = pathToFileURL(join(PROJECT_ROOT, 'bin', 'nursery.mjs')).href;

const PROBE = `
const { keepNurserySmall } = await import(${JSON.stringify(NURSERY)});
const kept = keepNurserySmall();
const keep = [];
for (let i = 0; i < 1_000_000; i++) keep.push({ i, list: [i, i + 1] });
const v8 = process.getBuiltinModule('node:v8');
const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ kept, newSpaceMb: newSpace.space_size / 2 ** 20, survivors: keep.length }));
`;

function probe(nodeFlags: string[] = [], env: Record<string, string> = {}): Promise<{ kept: boolean; newSpaceMb: number; survivors: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, '--input-type=module', '-e', PROBE], { env: { ...process.env, NODE_OPTIONS: '', ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('the CLI nursery (bin/nursery.mjs)', () => {
  it('keeps the new space at its first size where V8 would grow it', async () => {
    const [kept, grown] = await Promise.all([probe(), probe(['--semi-space-growth-factor=2', '--max-semi-space-size=16'])]);
    expect(kept.kept).toBe(true);
    expect(kept.survivors).toBe(1_000_000);
    // Two semi-spaces of 1 MiB (V8's first size on 64-bit); V8's default grows them to 16 MiB each here.
    expect(kept.newSpaceMb).toBeLessThanOrEqual(2);
    expect(grown.kept).toBe(false);
    expect(grown.newSpaceMb).toBeGreaterThanOrEqual(8);
  });

  it("leaves the user's semi-space flags alone, given to node or in NODE_OPTIONS", async () => {
    const [flag, options] = await Promise.all([probe(['--max-semi-space-size=8']), probe([], { NODE_OPTIONS: '--max-semi-space-size=8' })]);
    expect(flag.kept).toBe(false);
    expect(options.kept).toBe(false);
    expect(flag.newSpaceMb).toBeGreaterThan(2);
    expect(options.newSpaceMb).toBeGreaterThan(2);
  });

  it('sets nothing when V8 flags are frozen (V8 would abort the process)', async () => {
    const frozen = await probe(['--freeze-flags-after-init']);
    expect(frozen.kept).toBe(false);
    expect(frozen.survivors).toBe(1_000_000);
  });
});
