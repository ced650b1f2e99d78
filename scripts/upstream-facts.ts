/**
 * Regenerates the upstream facts the policies and their docs rely on, from git checkouts of the
 * upstream projects (bare mirrors or clones; read with `git show`, nothing is checked out):
 *
 *   policies/upstream/check-ids.json        every check id of Polaris, kube-linter, kube-score, the
 *                                           Kyverno policy library, Checkov (Kubernetes) and Pod Security
 *                                           Admission, with the commit and version each list came from.
 *                                           A test keeps every "similar checks" citation inside it.
 *   policies/secrets/generated/secret-patterns.json
 *                                           secret-like names (Polaris sensitive* checks, detect-secrets
 *                                           KeywordDetector) and provider key formats (gitleaks default
 *                                           rules, RE2 translated to JavaScript), with source versions.
 *
 * Usage: npx tsx scripts/upstream-facts.ts <dir holding owner+name/ checkouts> [--check]
 * (e.g. the search tool's mirror directory). Only facts are written: ids, names, patterns.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { loadAll } from 'js-yaml';
import { PROJECT_ROOT } from '../util/paths.ts';

export const CHECK_IDS_PATH = join(PROJECT_ROOT, 'policies', 'upstream', 'check-ids.json');
export const SECRET_PATTERNS_PATH = join(PROJECT_ROOT, 'policies', 'secrets', 'generated', 'secret-patterns.json');

interface Source {
  repository: string;
  commit: string;
  version: string;
  paths: string;
}

export class Repo {
  constructor(
    readonly slug: string,
    readonly gitDir: string,
  ) {}
  git(...args: string[]): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  }
  files(prefix: string): string[] {
    return this.git('ls-tree', '-r', '--name-only', 'HEAD', '--', prefix || '.').split('\n').filter(Boolean);
  }
  show(path: string): string {
    return this.git('show', `HEAD:${path}`);
  }
  source(paths: string): Source {
    const commit = this.git('rev-parse', 'HEAD').trim();
    let version = commit.slice(0, 12);
    try {
      version = this.git('describe', '--tags', '--always').trim();
    } catch {
      // no tags: the commit is the version
    }
    return { repository: `https://github.com/${this.slug}`, commit, version, paths };
  }
}

export function openRepo(root: string, slug: string): Repo {
  const base = join(root, slug.replace('/', '+'));
  for (const dir of [join(base, 'repo'), join(base, '.git'), base]) {
    if (existsSync(join(dir, 'HEAD')) || existsSync(join(dir, 'objects'))) return new Repo(slug, dir);
  }
  throw new Error(`no git checkout of ${slug} under ${root} (expected ${base}/repo)`);
}

const uniqSorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

function kubeLinter(repo: Repo) {
  const dir = 'pkg/builtinchecks/yamls/';
  const ids = repo.files(dir).filter((f) => f.endsWith('.yaml')).map((f) => /^name:\s*"?([^"\n]+)"?/m.exec(repo.show(f))?.[1]?.trim()).filter((x): x is string => !!x);
  return { source: repo.source(dir), ids: uniqSorted(ids) };
}

function polaris(repo: Repo) {
  const dir = 'pkg/config/checks/';
  const ids = repo.files(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(dir.length, -'.yaml'.length));
  return { source: repo.source(dir), ids: uniqSorted(ids) };
}

/** kube-score derives a check id from its registered name: lower case, spaces → dashes (score/checks). */
function kubeScore(repo: Repo) {
  const ids: string[] = [];
  for (const f of repo.files('score/')) {
    if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
    for (const m of repo.show(f).matchAll(/\.Register(?:Optional)?[A-Za-z]*Check\(\s*"([^"]+)"/g)) ids.push(m[1]!.toLowerCase().replace(/ /g, '-'));
  }
  return { source: repo.source('score/**/*.go (Register*Check names)'), ids: uniqSorted(ids) };
}

/** Names of the policies in the Kyverno policy library (every ClusterPolicy/Policy/ValidatingPolicy…, not tests). */
function kyverno(repo: Repo) {
  const ids: string[] = [];
  for (const f of repo.files('')) {
    if (!/\.ya?ml$/.test(f) || /(^|\/)\.(chainsaw|kyverno)-test\/|(^|\/)\.|artifacthub-pkg|kustomization/.test(f)) continue;
    let docs: unknown[];
    try {
      docs = loadAll(repo.show(f));
    } catch {
      continue;
    }
    for (const d of docs) {
      const o = d as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
      if (o && typeof o.apiVersion === 'string' && /kyverno\.io|policies\.kyverno\.io/.test(o.apiVersion) && /Policy$/.test(o.kind ?? '') && o.metadata?.name) ids.push(o.metadata.name);
    }
  }
  return { source: repo.source('**/*.yaml (policy metadata.name, test folders excluded)'), ids: uniqSorted(ids) };
}

function checkov(repo: Repo) {
  const ids: string[] = [];
  for (const f of repo.files('checkov/kubernetes/checks/')) {
    const text = f.endsWith('.py') || f.endsWith('.yaml') ? repo.show(f) : '';
    for (const m of text.matchAll(/\b(CKV2?_K8S_\d+)\b/g)) ids.push(m[1]!);
  }
  return { source: repo.source('checkov/kubernetes/checks/'), ids: uniqSorted(ids).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) };
}

function psa(repo: Repo) {
  const ids: string[] = [];
  for (const f of repo.files('policy/')) {
    if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
    const text = repo.show(f);
    for (const m of text.matchAll(/\bID:\s+"([A-Za-z_]+)"/g)) ids.push(m[1]!);
    for (const m of text.matchAll(/\bcheck\w*ID\s*(?:CheckID\s*)?=\s*"([A-Za-z_]+)"/g)) ids.push(m[1]!);
  }
  return { source: repo.source('policy/check_*.go (CheckID)'), ids: uniqSorted(ids) };
}

// ---------------------------------------------------------------------------------------------
// Secret patterns

/** Polaris' sensitiveContainerEnvVar name patterns: the `not: pattern:` entries of its schema. */
function polarisSecretNames(repo: Repo): { source: Source; patterns: string[] } {
  const path = 'pkg/config/checks/sensitiveContainerEnvVar.yaml';
  const text = repo.show(path);
  const namesBlock = text.slice(text.indexOf('name:'), text.indexOf('value:', text.indexOf('name:')));
  const patterns = [...namesBlock.matchAll(/- not:\s*\n\s*pattern:\s*'([^']+)'/g)].map((m) => m[1]!);
  return { source: repo.source(path), patterns };
}

/** detect-secrets' KeywordDetector DENYLIST (lower-case regex fragments). */
function detectSecretsKeywords(repo: Repo): { source: Source; patterns: string[] } {
  const path = 'detect_secrets/plugins/keyword.py';
  const text = repo.show(path);
  const block = /DENYLIST = \(([\s\S]*?)\)/.exec(text)?.[1] ?? '';
  const patterns = [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  return { source: repo.source(path), patterns };
}

const POSIX: Record<string, string> = { alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', digit: '0-9', xdigit: '0-9A-Fa-f', upper: 'A-Z', lower: 'a-z', space: '\\s', word: '\\w', punct: '!-\\/:-@\\[-`{-~' };

/**
 * Go RE2 → JavaScript. Node 20 has no inline flag groups, so `(?i)`, `(?i:…)` and `(?-i:…)` are
 * compiled away: letters in case-insensitive parts become `[aA]` (and class ranges gain their other
 * case). `(?P<name>` becomes `(?<name>`, POSIX classes are expanded, `\z` is `$`. Throws when a
 * construct has no translation.
 */
export function re2ToJs(src: string): string {
  let out = '';
  const stack: boolean[] = [];
  let insensitive = false;
  let i = 0;
  const other = (c: string) => (c.toLowerCase() === c ? c.toUpperCase() : c.toLowerCase());
  const isLetter = (c: string) => /[a-zA-Z]/.test(c);
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (n === 'z') out += '$';
      else if (n === 'A') out += '^';
      else if (n === 'Q') throw new Error('\\Q…\\E quoting');
      else if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        out += `\\u{${src.slice(i + 3, end)}}`;
        i = end + 1;
        continue;
      } else out += c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      // character class
      let j = i + 1;
      let body = '';
      let negation = '';
      if (src[j] === '^') {
        negation = '^';
        j++;
      }
      if (src[j] === ']') {
        body += '\\]';
        j++;
      }
      const extra: string[] = [];
      while (j < src.length && src[j] !== ']') {
        if (src.startsWith('[:', j)) {
          const end = src.indexOf(':]', j);
          const name = src.slice(j + 2, end);
          if (!(name in POSIX)) throw new Error(`POSIX class ${name}`);
          body += POSIX[name];
          j = end + 2;
          continue;
        }
        if (src[j] === '\\') {
          body += src[j]! + src[j + 1]!;
          j += 2;
          continue;
        }
        const ch = src[j]!;
        if (src[j + 1] === '-' && src[j + 2] !== undefined && src[j + 2] !== ']') {
          const hi = src[j + 2]!;
          body += `${ch}-${hi === '\\' ? '\\\\' : hi}`;
          if (insensitive && isLetter(ch) && isLetter(hi)) extra.push(`${other(ch)}-${other(hi)}`);
          j += 3;
          continue;
        }
        body += ch === '[' ? '\\[' : ch;
        if (insensitive && isLetter(ch)) extra.push(other(ch));
        j++;
      }
      // The other-case letters go first, so a trailing `-` stays a literal.
      out += `[${negation}${extra.join('')}${body}]`;
      i = j + 1;
      continue;
    }
    if (c === '(') {
      const flags = /^\(\?(-?)([a-zA-Z]+)(:|\))/.exec(src.slice(i));
      if (flags && !src.startsWith('(?P<', i)) {
        if (flags[2] !== 'i') throw new Error(`inline flag (?${flags[1]}${flags[2]})`);
        const on = flags[1] !== '-';
        if (flags[3] === ')') insensitive = on;
        else {
          stack.push(insensitive);
          insensitive = on;
          out += '(?:';
        }
        i += flags[0].length;
        continue;
      }
      stack.push(insensitive);
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
        continue;
      }
      const named = /^\(\?<[A-Za-z_]\w*>/.exec(src.slice(i));
      if (named) {
        out += named[0];
        i += named[0].length;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (c === ')') {
      insensitive = stack.pop() ?? false;
      out += c;
      i++;
      continue;
    }
    if (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i))) {
      const q = /^\{\d+(,\d*)?\}/.exec(src.slice(i))![0];
      out += q;
      i += q.length;
      continue;
    }
    out += insensitive && isLetter(c) ? `[${c}${other(c)}]` : c;
    i++;
  }
  new RegExp(out); // throws if the result is not a JavaScript regex
  return out;
}

interface GitleaksRule {
  id: string;
  description: string;
  regex?: string;
  keywords?: string[];
  entropy?: number;
  secretGroup?: number;
  path?: string;
  allowlists?: { regexes?: string[]; stopwords?: string[]; regexTarget?: string; paths?: string[]; condition?: string }[];
}

/** Rules left out on purpose, with the reason recorded in the generated file. */
const GITLEAKS_EXCLUDED: Record<string, string> = {
  'generic-api-key': 'generic keyword=value heuristic; secret-named keys are judged by the name list instead',
  'kubernetes-secret-yaml': 'matches the text of Secret manifests; rendered Secrets are judged by secrets-plaintext',
};

function gitleaks(repo: Repo) {
  const path = 'config/gitleaks.toml';
  const config = parseToml(repo.show(path)) as unknown as { rules: GitleaksRule[]; allowlist?: { regexes?: string[]; stopwords?: string[] } };
  const rules: unknown[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const translate = (re: string) => re2ToJs(re);
  for (const r of config.rules) {
    if (GITLEAKS_EXCLUDED[r.id]) {
      skipped.push({ id: r.id, reason: GITLEAKS_EXCLUDED[r.id]! });
      continue;
    }
    if (!r.regex) {
      skipped.push({ id: r.id, reason: 'file-path rule without a content regex' });
      continue;
    }
    if (r.path) {
      skipped.push({ id: r.id, reason: 'applies only to some file paths' });
      continue;
    }
    try {
      const allow = (r.allowlists ?? []).filter((a) => !a.paths && (a.regexTarget === undefined || a.regexTarget === 'match'));
      rules.push({
        id: r.id,
        description: r.description,
        regex: translate(r.regex),
        keywords: (r.keywords ?? []).map((k) => k.toLowerCase()).sort(),
        ...(r.entropy ? { entropy: r.entropy } : {}),
        ...(r.secretGroup ? { secretGroup: r.secretGroup } : {}),
        ...(allow.some((a) => a.regexes?.length) ? { allowRegexes: allow.flatMap((a) => (a.regexes ?? []).map(translate)) } : {}),
        ...(allow.some((a) => a.stopwords?.length) ? { stopwords: allow.flatMap((a) => a.stopwords ?? []).map((s) => s.toLowerCase()) } : {}),
      });
    } catch (err) {
      skipped.push({ id: r.id, reason: `regex not translatable to JavaScript: ${(err as Error).message}` });
    }
  }
  const allowRegexes: string[] = [];
  for (const re of config.allowlist?.regexes ?? []) {
    try {
      allowRegexes.push(translate(re));
    } catch {
      // an allowlist entry we cannot translate only makes the check stricter
    }
  }
  return { source: repo.source(path), rules, skipped, allowRegexes, stopwords: (config.allowlist?.stopwords ?? []).map((s) => s.toLowerCase()) };
}

const HEADER = 'GENERATED by `npx tsx scripts/upstream-facts.ts <mirror dir>` from the upstream sources listed here. Do not edit.';

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function main(): void {
  const [root, flag] = process.argv.slice(2);
  if (!root) {
    process.stderr.write('usage: npx tsx scripts/upstream-facts.ts <dir with owner+name git checkouts> [--check]\n');
    process.exit(2);
  }
  const ids = {
    $comment: HEADER,
    tools: {
      'kube-linter': kubeLinter(openRepo(root, 'stackrox/kube-linter')),
      'kube-score': kubeScore(openRepo(root, 'zegl/kube-score')),
      polaris: polaris(openRepo(root, 'FairwindsOps/polaris')),
      kyverno: kyverno(openRepo(root, 'kyverno/policies')),
      checkov: checkov(openRepo(root, 'bridgecrewio/checkov')),
      psa: psa(openRepo(root, 'kubernetes/pod-security-admission')),
    },
  };
  const polarisNames = polarisSecretNames(openRepo(root, 'FairwindsOps/polaris'));
  const keywords = detectSecretsKeywords(openRepo(root, 'Yelp/detect-secrets'));
  const patterns = {
    $comment: HEADER,
    names: {
      polaris: { source: polarisNames.source, license: 'Apache-2.0', patterns: polarisNames.patterns },
      'detect-secrets': { source: keywords.source, license: 'Apache-2.0', patterns: keywords.patterns },
    },
    values: { gitleaks: { license: 'MIT', ...gitleaks(openRepo(root, 'gitleaks/gitleaks')) } },
  };
  const outputs: [string, string][] = [
    [CHECK_IDS_PATH, `${JSON.stringify(ids, null, 1)}\n`],
    [SECRET_PATTERNS_PATH, `${JSON.stringify(patterns, null, 1)}\n`],
  ];
  let stale = false;
  for (const [path, text] of outputs) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === text) continue;
    if (flag === '--check') {
      process.stderr.write(`${path} is stale\n`);
      stale = true;
    } else writeAtomic(path, text);
  }
  process.exit(stale ? 1 : 0);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
