/**
 * `nexus validate` writes a large text report chunk by chunk and, when stdout queues a write (a full
 * pipe: `write` returns false), waits for it to drain before formatting the next chunk, so the report is
 * never held whole in the write queue. The real child process piped to a reader gives the same bytes as
 * the in-process run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNexus } from '../helpers/cli.ts';

/** `count` Deployments behind Services with one replica: a few findings each, ~1 KB of report per pair. */
function corpus(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: team}
spec:
  replicas: 1
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
`, `apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: team}
spec:
  selector: {app: app-${i}}
  ports: [{port: 80, targetPort: 8080}]
`);
  }
  return docs.join('---\n');
}

describe('validate: a large text report respects stdout backpressure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-backpressure-'));
  const file = join(dir, 'many.yaml');
  writeFileSync(file, corpus(150));

  it('waits for a drain after every queued chunk and writes every chunk once, in order', async () => {
    const { main } = await import('../../cli/main.ts');
    const chunks: string[] = [];
    const events: string[] = [];
    const code = await main(['validate', file], {
      out: (s) => {
        chunks.push(s);
        events.push('write');
        return false; // every write queued, as on a pipe nobody reads fast enough
      },
      drained: async () => {
        events.push('drain');
      },
      err: () => undefined,
      color: false,
    });
    expect(code).toBe(1);
    expect(chunks.length, 'a report of this size comes in several chunks').toBeGreaterThan(2);
    expect(events).toEqual(chunks.flatMap(() => ['write', 'drain']));
    const piped = runNexus(['validate', file]);
    expect(piped.code).toBe(1);
    expect(chunks.join('')).toBe(piped.stdout);
  }, 120_000);
});
