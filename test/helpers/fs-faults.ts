/**
 * Real file-system faults for tests: a read-only directory and a full disk. As root (CI here) they
 * are small tmpfs mounts, so the kernel itself answers EROFS and ENOSPC. Where mounting is not
 * allowed, a read-only directory is a mode-0555 folder (EACCES), and a full disk is injected through
 * the NEXUS_FAULT hook (util/fault.ts) at the first write of the named file; the `kind` says which.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FaultDir {
  dir: string;
  kind: 'tmpfs' | 'chmod' | 'injected';
  /** Extra environment for the process under test (the injected fault, if any). */
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
}

function mount(args: string[]): boolean {
  return spawnSync('mount', args, { stdio: 'ignore' }).status === 0;
}

function umount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

const canMount = (() => {
  let cached: boolean | undefined;
  return () => {
    if (cached !== undefined) return cached;
    const probe = mkdtempSync(join(tmpdir(), 'nexus-mount-probe-'));
    cached = process.getuid?.() === 0 && mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    if (cached) umount(probe);
    rmSync(probe, { recursive: true, force: true });
    return cached;
  };
})();

/** A directory holding what `fill` puts there, then made read-only. */
export function readOnlyDir(fill: (dir: string) => void = () => undefined): FaultDir {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-ro-'));
  if (canMount() && mount(['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir])) {
    fill(dir);
    if (!mount(['-o', 'remount,ro', dir])) throw new Error(`cannot remount ${dir} read-only`);
    return { dir, kind: 'tmpfs', env: {}, cleanup: () => (umount(dir), rmSync(dir, { recursive: true, force: true })) };
  }
  fill(dir);
  chmodSync(dir, 0o555);
  return { dir, kind: 'chmod', env: {}, cleanup: () => (chmodSync(dir, 0o755), rmSync(dir, { recursive: true, force: true })) };
}

/**
 * A directory on a nearly full disk: `fill` writes what should already be there, then the space is
 * taken but `freeKiB`, so the next write of `file` fails with ENOSPC (a small tmpfs), or the hook makes
 * it fail.
 */
export function fullDiskDir(file: string, fill: (dir: string) => void = () => undefined, sizeKiB = 1024, freeKiB = 0): FaultDir {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-full-'));
  if (canMount() && mount(['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir])) {
    fill(dir);
    // Take what is left (all of it, or all but freeKiB).
    const filler = join(dir, '.filler');
    spawnSync('sh', ['-c', `head -c ${sizeKiB * 1024} /dev/zero > ${JSON.stringify(filler)} 2>/dev/null; true`]);
    if (freeKiB > 0) spawnSync('truncate', ['-s', `-${freeKiB}K`, filler]);
    return { dir, kind: 'tmpfs', env: {}, cleanup: () => (umount(dir), rmSync(dir, { recursive: true, force: true })) };
  }
  mkdirSync(dir, { recursive: true });
  fill(dir);
  return { dir, kind: 'injected', env: { NEXUS_FAULT: `write:${file}=ENOSPC` }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
