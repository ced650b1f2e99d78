/**
 * Suite `apiserver-updates`: upgrade safety against a real kube-apiserver. Each pair of the corpus
 * (`../shared/conformance/apiserver/updates/<pair>/{before,after}.yaml`) was created (`before`), then
 * updated (`after`) with `kubectl apply` — a three-way merge patch, the primary verdict — and with
 * `kubectl replace` (a PUT, recorded as `replace`). The pair is validated the way a user checks an
 * upgrade: `nexus validate after.yaml --upgrade-from before.yaml --kube-version <server minor>
 * --no-policies`, with the cluster facts the corpus README gives (the `corpus-expandable` StorageClass
 * allows volume expansion, `corpus-fixed` does not). A pair agrees when:
 *  - rejected: an error at one of the server's pointers, or a parent or child of it (any error on the
 *    object when the server's path is not a JSON path into the manifest, or it gave none);
 *  - accepted: no error and no warning from any stage (the server accepted the new object on update,
 *    so the schema and API-validation stages must accept it too; policies are off).
 * The `replace` verdicts are replayed with `--upgrade-strategy replace` and reported as a summary line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../core/types.ts';
import { kubeMinorOf, pointersRelated } from './apiserver.ts';
import type { ConformanceSuite, SuiteCase } from './types.ts';

interface Verdict {
  verdict: 'accepted' | 'rejected' | 'warning';
  pointers: string[];
  pointer_in_manifest?: boolean[];
}

export interface UpdatePair extends Verdict {
  dir: string;
  kind: string;
  namespace?: string | null;
  description?: string;
  replace?: Verdict;
}

/**
 * The StorageClasses the corpus cluster had (README, "Update pairs"): `corpus-expandable` allows
 * expansion, `corpus-fixed` does not, and neither is the default (claims without a class keep none).
 */
const CORPUS_STORAGE = { expandableStorageClasses: ['corpus-expandable'], defaultStorageClass: '' };

export function readUpdatePairs(dir: string): { server: string; updates: UpdatePair[] } {
  const file = join(dir, 'index.json');
  if (!existsSync(file)) throw new Error(`no index.json in ${dir}`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { server?: unknown; updates?: unknown };
  if (typeof parsed.server !== 'string' || !Array.isArray(parsed.updates)) throw new Error(`${file} has no "updates" (update pairs) and "server"`);
  return { server: parsed.server, updates: parsed.updates as UpdatePair[] };
}

const fmt = (f: Finding) => `${f.severity} ${f.policyId} at ${f.jsonPointer ?? '(object)'}`;

/** Whether the findings of one pair agree with the server's verdict on the update. */
export function judgeUpdate(v: Verdict, findings: readonly Finding[]): { ok: boolean; detail: string } {
  const live = findings.filter((f) => !f.exemption);
  const errors = live.filter((f) => f.severity === 'error');
  if (v.verdict !== 'rejected') {
    const noisy = live.filter((f) => f.severity === 'error' || f.severity === 'warning');
    return { ok: noisy.length === 0, detail: `expected the update to be accepted, got ${noisy.length ? noisy.map(fmt).join('; ') : 'no finding'}` };
  }
  const usable = v.pointers.length > 0 && v.pointers.every((_, i) => v.pointer_in_manifest?.[i] !== false);
  const at = (f: Finding) => !usable || (f.jsonPointer !== undefined && v.pointers.some((p) => pointersRelated(p, f.jsonPointer!)));
  const ok = errors.some(at);
  return { ok, detail: `expected the update to be refused with an error ${usable ? `at ${v.pointers.join(' or ')}` : 'on the object'}, got ${live.length ? live.map(fmt).join('; ') : 'nothing'}` };
}

export const apiserverUpdatesSuite: ConformanceSuite = {
  id: 'apiserver-updates',
  corpus: 'apiserver',
  description: 'nexus validate --upgrade-from vs the verdicts of a real kube-apiserver on update pairs',
  breakdown: ['verdict', 'kind'],
  async run(dir: string) {
    const { server, updates } = readUpdatePairs(dir);
    const kubeVersion = kubeMinorOf(server);
    const { validate } = await import('../run.ts');
    const cases: SuiteCase[] = [];
    let replaceAgreed = 0;
    let replaceTotal = 0;
    for (const pair of [...updates].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))) {
      const run = (strategy: 'merge' | 'replace') =>
        validate({
          version: 'conformance',
          manifests: [join(dir, pair.dir, 'after.yaml')],
          upgradeFrom: join(dir, pair.dir, 'before.yaml'),
          upgradeStrategy: strategy,
          kubeVersion,
          policies: false,
          lint: false,
          ...(pair.namespace ? { namespace: pair.namespace } : {}),
          ...CORPUS_STORAGE,
        });
      const { ok, detail } = judgeUpdate(pair, (await run('merge')).findings);
      cases.push({ id: pair.dir, ok, detail, groups: { verdict: pair.verdict, kind: pair.kind } });
      if (pair.replace) {
        replaceTotal++;
        if (judgeUpdate(pair.replace, (await run('replace')).findings).ok) replaceAgreed++;
      }
    }
    return {
      figures: [{ key: 'apiserver-updates', label: 'apiserver updates', agreed: cases.filter((c) => c.ok).length, total: cases.length }],
      cases,
      summary: replaceTotal ? [`apiserver updates with --upgrade-strategy replace vs kubectl replace: ${replaceAgreed}/${replaceTotal} (informational)`] : [],
    };
  },
};
