/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). Used for stale-lock and stale-home sweeps. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
