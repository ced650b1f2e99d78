/**
 * The issue-14 table: whole `nexus validate` processes on the bench corpora, and — when
 * `KUBECONFORM=/path/to/kubeconform` is set — kubeconform (`-strict -n 2`) on the same file, run in
 * turn (nexus, kubeconform, nexus, …) so that both see the same machine. On a shared machine only
 * these side-by-side ratios are honest; absolute times move with the load (printed with each row).
 *
 * Each process is timed from outside with GNU time (`/usr/bin/time`: CPU and peak RSS), its output sent
 * to /dev/null (see timeProcess); the figures are medians, and the ratio is the median of the per-pair ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { crdCorpus, deploymentCorpus, hugeDocument, mixedCorpus, schemaErrorCorpus, toStream, WIDGET_CRD } from './corpus.ts';
import { kubeconformArgs, setUpKubeconform, type KubeconformSetup } from './kubeconform.ts';

export interface Sample {
  wallMs: number;
  cpuMs?: number;
  rssMb?: number;
  code: number | null;
}

/**
 * One timed process; `/usr/bin/time` adds CPU and peak RSS where it exists. Its standard output goes to
 * /dev/null, as hyperfine sends it by default: collecting it here would time this process too (buffering
 * and decoding the 3.3 MB report of the 4,000-document policies run took ~4 % of nexus's wall time,
 * and nothing of kubeconform's, which prints nothing for valid documents). Standard error is kept for
 * GNU time's line.
 */
export function timeProcess(cmd: string, args: string[], cwd: string): Sample {
  const gnuTime = existsSync('/usr/bin/time');
  const env = { ...process.env, NO_COLOR: '1' };
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe'];
  const t = performance.now();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'NEXUS_BENCH %U %S %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env, stdio })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env, stdio });
  const wallMs = performance.now() - t;
  const m = /NEXUS_BENCH ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  return { wallMs, code: r.status, ...(m ? { cpuMs: (Number(m[1]) + Number(m[2])) * 1000, rssMb: Number(m[3]) / 1024 } : {}) };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Case {
  id: string;
  label: string;
  docs: number;
  /** Findings the corpus is built to produce (for the per-finding figure). */
  findings?: number;
  file: string;
  nexusArgs: string[];
}

/** Writes the corpora once per size and returns the table's cases. */
function cases(dir: string, sizes: readonly number[], hugeSizes: readonly number[]): Case[] {
  const write = (name: string, docs: string[]) => {
    const file = join(dir, name);
    if (!existsSync(file)) writeFileSync(file, toStream(docs));
    return file;
  };
  const crd = join(dir, 'widget-crd.yaml');
  writeFileSync(crd, WIDGET_CRD);
  const out: Case[] = [];
  for (const n of sizes) {
    const mixed = write(`mixed-${n}.yaml`, mixedCorpus(n));
    out.push({ id: 'policies', label: 'Deployments + Services, policies on (thousands of warnings)', docs: n, file: mixed, nexusArgs: [] });
    out.push({ id: 'strict', label: 'Deployments + Services, schema + strict, no findings (--no-policies)', docs: n, file: mixed, nexusArgs: ['--no-policies'] });
    out.push({ id: 'schema-error', label: 'one schema error in every document (--no-policies)', docs: n, file: write(`schema-error-${n}.yaml`, schemaErrorCorpus(n)), nexusArgs: ['--no-policies'] });
    out.push({ id: 'crd', label: 'custom resources via --crd, one unknown field each', docs: n, file: write(`crd-${n}.yaml`, crdCorpus(n)), nexusArgs: ['--crd', crd] });
    out.push({ id: 'deployments', label: 'Deployments only (per-document reference for --crd)', docs: n, file: write(`deployments-${n}.yaml`, deploymentCorpus(n)), nexusArgs: [] });
  }
  // The same document without the misspelt variables is the baseline each per-finding cost is measured from.
  for (const f of [0, ...hugeSizes]) out.push({ id: 'huge', label: f ? `one document with ${f.toLocaleString('en-US')} findings` : 'the same document without them (baseline)', docs: 1, findings: f, file: write(`huge-${f}.yaml`, [hugeDocument(f)]), nexusArgs: [] });
  return out;
}

interface Row {
  c: Case;
  nexus: Sample[];
  kube: Sample[];
  load: number;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export interface CompareOptions {
  root: string;
  dir: string;
  runs: number;
  sizes: number[];
  hugeSizes: number[];
  only: string[];
  nodeBin: string;
}

/** One row of the table: a scenario at one size. */
function printRow(row: Row, withKube: boolean): void {
  const { c } = row;
  const nWall = median(row.nexus.map((s) => s.wallMs));
  const cpu = row.nexus.every((s) => s.cpuMs !== undefined) ? `${fmt(median(row.nexus.map((s) => s.cpuMs!)) / 1000, 2)} s` : '–';
  const rss = row.nexus.every((s) => s.rssMb !== undefined) ? `${fmt(median(row.nexus.map((s) => s.rssMb!)))} MB` : '–';
  let kcols = '';
  if (withKube) {
    const kWall = median(row.kube.map((s) => s.wallMs));
    const krss = row.kube.every((s) => s.rssMb !== undefined) ? `${fmt(median(row.kube.map((s) => s.rssMb!)))} MB` : '–';
    // nexus throughput / kubeconform throughput, pair by pair
    const speed = median(row.nexus.map((s, i) => row.kube[i]!.wallMs / s.wallMs));
    kcols = `${`${fmt(kWall / 1000, 2)} s`.padStart(11)}${krss.padStart(8)}${fmt(speed, 2).padStart(9)}`;
  }
  const exits = [...new Set(row.nexus.map((s) => s.code))].join('/');
  console.log(`${`${c.label} [${c.id}]`.padEnd(70)}${fmt(c.docs).padStart(7)}${`${fmt(nWall / 1000, 2)} s`.padStart(12)}${fmt((c.docs / nWall) * 1000).padStart(9)}${cpu.padStart(9)}${rss.padStart(10)}${kcols}${fmt(row.load, 1).padStart(7)}   exit ${exits}`);
}

export function runComparison(o: CompareOptions): void {
  mkdirSync(o.dir, { recursive: true });
  const all = cases(o.dir, o.sizes, o.hugeSizes).filter((c) => o.only.length === 0 || o.only.includes(c.id));
  const kube: KubeconformSetup | undefined = setUpKubeconform(
    join(o.dir, 'kubeconform-schemas'),
    [
      { apiVersion: 'apps/v1', kind: 'Deployment', definition: 'io.k8s.api.apps.v1.Deployment' },
      { apiVersion: 'v1', kind: 'Service', definition: 'io.k8s.api.core.v1.Service' },
    ],
    WIDGET_CRD,
  );
  const nexus = (c: Case): [string, string[]] => [o.nodeBin, ['bin/nexus.mjs', 'validate', ...c.nexusArgs, c.file]];
  // Warm-up: builds the CLI bundle and the validator bundles, and fills the page cache.
  for (const c of all.filter((x) => x.docs <= 4000)) timeProcess(...nexus(c), o.root);
  if (kube) console.log(`kubeconform: ${kube.bin} -strict -n 2; schemas: ${kube.origin}`);
  else console.log('kubeconform: not run (set KUBECONFORM=/path/to/kubeconform, and KUBECONFORM_SCHEMAS or KUBE_OPENAPI)');
  console.log(`${o.runs} runs each${kube ? ', nexus and kubeconform in turn' : ''}, the sizes of a scenario in turn too; medians; load average = 1-minute load before each scenario\n`);
  const head = `${'scenario'.padEnd(70)}${'docs'.padStart(7)}${'nexus wall'.padStart(12)}${'docs/s'.padStart(9)}${'CPU'.padStart(9)}${'peak RSS'.padStart(10)}${kube ? `${'kubeconf.'.padStart(11)}${'RSS'.padStart(8)}${'speed ×'.padStart(9)}` : ''}${'load'.padStart(7)}`;
  console.log(head);
  // The sizes of one scenario are compared with each other (linear cost, CPU per finding): each run goes
  // through all of them in turn, so that every pair of sizes is measured seconds apart. Measured as rows
  // minutes apart, a slower spell of the shared machine during one row moved the 20k/10k ratio between
  // 1.2 and 2.3 from one bench to the next.
  const groups = new Map<string, Case[]>();
  for (const c of all) groups.set(c.id, [...(groups.get(c.id) ?? []), c]);
  const rows: Row[] = [];
  for (const group of groups.values()) {
    const load = loadavg()[0]!;
    const groupRows: Row[] = group.map((c) => ({ c, nexus: [], kube: [], load }));
    for (let i = 0; i < o.runs; i++) {
      for (const row of groupRows) {
        row.nexus.push(timeProcess(...nexus(row.c), o.root));
        if (kube) row.kube.push(timeProcess(kube.bin, kubeconformArgs(kube, row.c.file), o.root));
      }
    }
    for (const row of groupRows) {
      rows.push(row);
      printRow(row, kube !== undefined);
    }
  }
  // Linear cost: the largest size against half of it, per scenario: the median of the run-by-run ratios.
  const bySize = (id: string, docs: number) => rows.find((r) => r.c.id === id && r.c.docs === docs && r.c.id !== 'huge');
  const [big, half] = [Math.max(...o.sizes), Math.max(...o.sizes) / 2];
  const linear = [...new Set(rows.map((r) => r.c.id))].filter((id) => id !== 'huge' && bySize(id, big) && bySize(id, half));
  if (linear.length) {
    console.log(`\nlinear cost: ${fmt(big)} documents / ${fmt(half)} documents, run by run (target ≤ 2.1)`);
    for (const id of linear) {
      const [b, h] = [bySize(id, big)!, bySize(id, half)!];
      const ratio = (of: (s: Sample) => number) => median(b.nexus.map((s, i) => of(s) / of(h.nexus[i]!)));
      console.log(`  ${id.padEnd(14)} wall ${fmt(ratio((s) => s.wallMs), 2)}   CPU ${fmt(ratio((s) => s.cpuMs ?? s.wallMs), 2)}`);
    }
  }
  const huge = rows.filter((r) => r.c.id === 'huge');
  const baseline = huge.find((r) => r.c.findings === 0);
  if (baseline && huge.length > 1) {
    const cpu = (s: Sample) => s.cpuMs ?? s.wallMs;
    console.log('\none document, many findings: CPU per finding above the baseline document, run by run (target: the largest no slower per finding than the smallest)');
    for (const r of huge.filter((x) => x !== baseline)) {
      const perFinding = median(r.nexus.map((s, i) => (cpu(s) - cpu(baseline.nexus[i]!)) / r.c.findings!));
      console.log(`  ${fmt(r.c.findings!).padStart(7)} findings   ${fmt(perFinding * 1000, 1)} µs CPU per finding`);
    }
  }
  const crd = rows.find((r) => r.c.id === 'crd' && r.c.docs === Math.min(...o.sizes));
  const dep = rows.find((r) => r.c.id === 'deployments' && r.c.docs === Math.min(...o.sizes));
  if (crd && dep) {
    const per = (r: Row) => median(r.nexus.map((s) => s.cpuMs ?? s.wallMs)) / r.c.docs;
    console.log(`\n--crd custom resources vs Deployments, CPU per document: ${fmt(per(crd) * 1000)} µs vs ${fmt(per(dep) * 1000)} µs (ratio ${fmt(per(crd) / per(dep), 2)}; target ≤ 1)`);
  }
}
