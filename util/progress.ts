/**
 * Long-running work (helm, the deep-check servers) announces itself here; the CLI decides whether to
 * show it. Nothing is shown unless a listener is installed (the CLI installs one only on a TTY), so
 * library code and tests stay silent.
 */

export interface Activity {
  label: string;
  startedAt: number;
}

type Listener = (running: readonly Activity[]) => void;

const running = new Set<Activity>();
let listener: Listener | undefined;

export function setProgressListener(l: Listener | undefined): void {
  listener = l;
}

/** Marks `label` as running until the returned function is called. */
export function startActivity(label: string): () => void {
  const a: Activity = { label, startedAt: Date.now() };
  running.add(a);
  listener?.([...running]);
  return () => {
    running.delete(a);
    listener?.([...running]);
  };
}

export function runningActivities(): readonly Activity[] {
  return [...running];
}

/**
 * A one-line progress display on a TTY stream: after `delayMs` of work it shows the oldest running
 * activity with its elapsed time, refreshed every second, and clears the line when work stops.
 * Returns the function that removes it.
 */
export function showProgressOn(stream: NodeJS.WriteStream, delayMs = 3000): () => void {
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    const list = runningActivities();
    const oldest = list.reduce<Activity | undefined>((a, b) => (!a || b.startedAt < a.startedAt ? b : a), undefined);
    if (!oldest || Date.now() - oldest.startedAt < delayMs) return clear();
    const secs = Math.floor((Date.now() - oldest.startedAt) / 1000);
    const more = list.length > 1 ? ` (+${list.length - 1} more)` : '';
    stream.write(`\r\x1b[2K… ${oldest.label}: ${secs} s${more}`);
    shown = true;
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  setProgressListener((list) => {
    if (!list.length) clear();
  });
  return () => {
    clearInterval(timer);
    setProgressListener(undefined);
    clear();
  };
}
