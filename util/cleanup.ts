/**
 * Cleanup that runs on every way out: normal exit, an uncaught error, and SIGINT/SIGTERM/SIGHUP.
 * Node runs no `finally` blocks when a signal ends the process, so anything that must not outlive
 * the run (temp dirs with key material, a gpg-agent, helm's process group, a lock file) registers
 * here. Tasks are synchronous: they also run from the 'exit' event, where nothing async can.
 *
 * After the tasks ran, a signal is re-raised with the default action, so the exit status is the
 * conventional 128+N and a parent shell sees the interruption.
 */

type Task = () => void;

const tasks = new Map<number, Task>();
let nextId = 0;
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runAll(): void {
  // Newest first, like nested finally blocks.
  for (const id of [...tasks.keys()].sort((a, b) => b - a)) {
    const task = tasks.get(id);
    tasks.delete(id);
    try {
      task?.();
    } catch {
      // A cleanup that fails must not stop the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', runAll);
}

/** Registers `task`; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(task: Task): () => void {
  install();
  const id = nextId++;
  tasks.set(id, task);
  return () => {
    if (!tasks.has(id)) return;
    tasks.delete(id);
    task();
  };
}
