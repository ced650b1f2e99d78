/** Parsing manifest streams: document split, positions, `# Source:`, List expansion, bad documents. */
import { describe, expect, it } from 'vitest';
import { parseManifests, splitStream } from '../../validator/manifests.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { templateLine, templateLineIn } from '../../validator/template-lines.ts';

const HELM = `---
# Source: nexus/charts/frontend/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
# Source: nexus/charts/frontend/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replica: 2
`;

describe('splitStream', () => {
  it('splits on --- and ... at column 0 only, keeping start lines and Source comments', () => {
    const docs = splitStream(HELM).docs;
    expect(docs.map((d) => [d.index, d.line, d.templateFile])).toEqual([
      [0, 1, 'nexus/charts/frontend/templates/service.yaml'],
      [1, 10, 'nexus/charts/frontend/templates/deployment.yaml'],
    ]);
    expect(splitStream('a: |\n  ---\n  x\n').docs.length).toBe(1);
    expect(splitStream('a: 1\n...\nb: 2\n').docs.map((d) => d.line)).toEqual([1, 3]);
    expect(splitStream('--- {a: 1}\n--- {b: 2}\n').docs.map((d) => d.text.trim())).toEqual(['{a: 1}', '{b: 2}']);
  });
  it('treats comments before the first marker as prefix and ignores a trailing marker', () => {
    expect(splitStream('# header\n---\na: 1\n---\n').docs.length).toBe(1);
  });
});

describe('parseManifests', () => {
  it('builds resources with identity, template file and lazy positions', () => {
    const p = parseManifests(HELM, { source: 'render', templatePath: (t) => `charts/${t}` });
    expect(p.findings).toEqual([]);
    expect(p.resources.map((r) => `${r.docIndex} ${r.kind} ${r.namespace ?? '-'}/${r.name} ${r.file}`)).toEqual([
      '0 Service -/web charts/nexus/charts/frontend/templates/service.yaml',
      '1 Deployment prod/web charts/nexus/charts/frontend/templates/deployment.yaml',
    ]);
    expect(p.resources[1]!.locate!('/spec/replica')).toEqual({ line: 18, column: 3 });
    expect(p.resources[0]!.locate!('/spec/ports/0/port')).toEqual({ line: 9, column: 7 });
    // a missing key resolves to its nearest existing parent
    expect(p.resources[0]!.locate!('/spec/type')).toEqual({ line: 8, column: 3 });
  });

  it('expands kind: List with item pointers, and counts empty documents', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: b}\n---\n# nothing\n---\n';
    const p = parseManifests(text, { source: 's' });
    expect(p.resources.map((r) => [r.kind, r.name, r.itemIndex])).toEqual([
      ['ConfigMap', 'a', 0],
      ['Secret', 'b', 1],
    ]);
    expect(p.resources[1]!.locate!('/metadata/name')).toEqual({ line: 7, column: 16 });
    expect(p.problems).toEqual([{ docIndex: 1, status: 'empty', line: 8 }]);
  });

  it('reports duplicate keys with pointers, and keeps checking the document (last value wins)', () => {
    const p = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', { source: 's' });
    expect(p.findings.map((f) => [f.policyId, f.jsonPointer, f.line, f.column, f.kind, f.name])).toEqual([['yaml/duplicate-key', '/metadata/name', 5, 3, 'ConfigMap', 'b']]);
    expect(p.resources[0]!.name).toBe('b');
  });

  it('rejects alias bombs without expanding them, and keeps benign aliases', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    const p = parseManifests(bomb, { source: 's' });
    expect(p.findings.map((f) => f.policyId)).toEqual(['yaml/alias-bomb']);
    expect(p.resources).toEqual([]);
    const ok = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {x: z}, annotations: *l}\n', { source: 's' });
    expect(ok.findings).toEqual([]);
    expect(ok.resources[0]!.object.metadata).toEqual({ name: 'a', labels: { x: 'z' }, annotations: { x: 'z' } });
  });

  it('turns syntax errors, scalars, lists and missing kinds into findings for that document only', () => {
    const p = parseManifests('a: [1\n---\n42\n---\n- x\n---\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n', { source: 's' });
    expect(p.findings.map((f) => [f.policyId, f.docIndex, f.line])).toEqual([
      ['yaml/syntax', 0, 2],
      ['yaml/not-a-mapping', 1, 2],
      ['yaml/not-a-mapping', 2, 4],
      ['kube-schema/missing-type', 3, 7],
    ]);
    expect(p.resources.map((r) => r.name)).toEqual(['ok']);
  });

  it('reads scalars as Kubernetes does (sigs.k8s.io/yaml): dates stay strings, yes/no/on/off are booleans', () => {
    const p = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {d: 2024-01-01, a: yes, b: off, q: "yes", n0: ~, i: 8080, f: 1.5, s: yesterday, on: 1}\n', { source: 's' });
    // keys too: go-yaml v2 reads `on:` as the boolean true, which becomes the JSON key "true"
    expect(p.resources[0]!.object.data).toEqual({ d: '2024-01-01', a: true, b: false, q: 'yes', n0: null, i: 8080, f: 1.5, s: 'yesterday', true: 1 });
  });
  it('locates pointers through mappings whose keys the parsed value reorders (integer-like, merge, duplicate keys)', () => {
    // Such pointers are located by parsing the document's kept text again (yaml-positions.ts reparsedIndex).
    // The first document has anchors, so js-yaml reads it; the fast reader reads the second.
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\n  labels: &l {a: b}\n  annotations:\n    <<: *l\n    c: d\n    c: e\ndata:\n  name: web\n  80: http\n' +
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ports\ndata:\n  name: web\n  80: http\n';
    const [merged, ports] = parseManifests(text, { source: 's' }).resources;
    expect(merged!.locate!('/data/80')).toEqual({ line: 12, column: 3 });
    expect(merged!.locate!('/data/name')).toEqual({ line: 11, column: 3 });
    expect(merged!.locate!('/metadata/annotations/c')).toEqual({ line: 9, column: 5 });
    expect(ports!.locate!('/data/80')).toEqual({ line: 20, column: 3 });
    expect(ports!.locate!('/data/name')).toEqual({ line: 19, column: 3 });
  });
});

describe('template lines', () => {
  it('follows the pointer keys through the template in order', () => {
    const tpl = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ .Release.Name }}', 'spec:', '  replicas: {{ .Values.replicas }}', '  template:', '    spec:', '      containers:', '        - name: app', '          resources:', '            {{- toYaml .Values.resources | nindent 12 }}'];
    expect(templateLineIn(tpl, '/spec/replicas')).toBe(6);
    expect(templateLineIn(tpl, '/spec/template/spec/containers/0/resources/limits/cpu')).toBe(11);
    expect(templateLineIn(tpl, '/metadata/name')).toBe(4);
    expect(templateLineIn(tpl, '/status')).toBeUndefined();
  });

  it('falls back to the first top-level key when no key of the pointer is in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-tpl-'));
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, '{{- /* a comment\nspanning lines */ -}}\n{{- $x := 1 -}}\napiVersion: v1\nkind: Service\n{{ include "lib.metadata" . }}\n');
    expect(templateLine(file, '/metadata/labels/app')).toBe(4);
    expect(templateLine(join(dir, 'missing.yaml'), '/spec')).toBeUndefined();
    rmSync(dir, { recursive: true });
  });

  it('narrows multi-document templates to the document of the same kind (n-th of that kind)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-tpl-'));
    const file = join(dir, 'rbac.yaml');
    const tpl = ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: sa', '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata:', '  name: r', 'rules:', '  - verbs: [get]', '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata:', '  name: a', '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata:', '  name: b', 'roleRef:', '  kind: Role'];
    writeFileSync(file, `${tpl.join('\n')}\n`);
    expect(templateLine(file, '/metadata/name', { kind: 'Role', ordinal: 0 })).toBe(9);
    expect(templateLine(file, '/rules/0/verbs', { kind: 'Role', ordinal: 0 })).toBe(11);
    expect(templateLine(file, '/metadata/name', { kind: 'RoleBinding', ordinal: 1 })).toBe(21);
    expect(templateLine(file, '/subjects', { kind: 'RoleBinding', ordinal: 0 })).toBe(13);
    expect(templateLine(file, '/metadata/name')).toBe(4);
    rmSync(dir, { recursive: true });
  });
});
