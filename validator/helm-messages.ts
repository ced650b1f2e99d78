/**
 * Helm's error and lint output → structured messages. Helm prints multi-line messages (a lint
 * `[ERROR]` line followed by indented detail, or a schema error listing one problem per line), and
 * embeds template positions as `(chart/templates/x.yaml:12:3)` or `template: chart/templates/x.yaml:12:3:`.
 */
export interface HelmMessage {
  level: 'error' | 'warning' | 'info';
  message: string;
  /** Chart-relative path as helm prints it, e.g. `nexus/charts/frontend/templates/deployment.yaml` or `templates/x.yaml`. */
  file?: string;
  line?: number;
  column?: number;
}

const POS = /([\w.@-][\w./@-]*\.(?:yaml|yml|tpl|txt|json)):(\d+)(?::(\d+))?/;

function withPosition(level: HelmMessage['level'], text: string, fallbackFile?: string): HelmMessage {
  const message = text.replace(/\s+$/, '');
  const m = POS.exec(message);
  if (m) return { level, message, file: m[1]!, line: Number(m[2]), ...(m[3] ? { column: Number(m[3]) } : {}) };
  return { level, message, ...(fallbackFile ? { file: fallbackFile } : {}) };
}

const LEVEL: Record<string, HelmMessage['level']> = { ERROR: 'error', WARNING: 'warning', INFO: 'info' };

/** `helm lint` output: `[LEVEL] file: message` plus continuation lines. */
export function parseLintOutput(output: string): HelmMessage[] {
  const out: HelmMessage[] = [];
  let current: { level: HelmMessage['level']; file?: string; text: string } | undefined;
  const flush = () => {
    if (current) out.push(withPosition(current.level, current.text, current.file));
    current = undefined;
  };
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^\s*\[(ERROR|WARNING|INFO)\]\s*(.*)$/.exec(line);
    if (m) {
      flush();
      const rest = m[2]!;
      const fm = /^([^\s:]*):\s?(.*)$/.exec(rest);
      current = fm ? { level: LEVEL[m[1]!]!, ...(fm[1] ? { file: fm[1] } : {}), text: fm[2]! } : { level: LEVEL[m[1]!]!, text: rest };
      continue;
    }
    if (/^==> Linting|^\d+ chart\(s\) linted|^Error: \d+ chart\(s\) linted/.test(line) || line.trim() === '') {
      flush();
      continue;
    }
    if (current) current.text += `\n${line.trim()}`;
  }
  flush();
  return out;
}

/** `helm template` stderr on failure: `Error: …` possibly followed by detail lines. */
export function parseHelmError(stderr: string): HelmMessage[] {
  // helm's advice to rerun with --debug is about helm's own CLI, not ours: dropped.
  const text = stderr.replace(/\r/g, '').replace(/^Use --debug flag to render out invalid YAML\s*$/m, '').trim();
  if (!text) return [];
  const body = text.replace(/^Error:\s*/m, '');
  // Schema errors list one problem per line under a header; keep each line as its own message. Log
  // noise before the error is dropped: helm 3's `WARNING:`/`walk.go:` lines and helm 4's slog lines
  // (`level=INFO msg="warning: cannot overwrite table…"`), which would otherwise hide the header.
  const lines = body.split('\n').filter((l) => l.trim() !== '' && !/^(WARNING|walk\.go|install\.go):?|^level=(DEBUG|INFO|WARN) /.test(l.trim()));
  if (lines.length > 1 && /specifications of the schema|schema\(s\)/.test(lines[0]!)) {
    const out: HelmMessage[] = [];
    let chart = '';
    for (const l of lines.slice(1)) {
      const header = /^\s*([\w.-]+):\s*$/.exec(l);
      if (header) chart = header[1]!;
      else out.push(withPosition('error', `values do not match the schema of chart ${chart || '(unknown)'}: ${l.trim().replace(/^-\s*/, '')}`));
    }
    if (out.length) return out;
  }
  return [withPosition('error', lines.join('\n'))];
}

/**
 * Whether helm's complaint means the chart itself is broken (could not run, exit 2) rather than that
 * these values are wrong (a finding, exit 1): a template that does not parse, a missing template or
 * dependency, an unreadable Chart.yaml. `fail`/`required` messages and schema errors are about values.
 */
export function isBrokenChart(message: string): boolean {
  return /^(?:parse error at|template: [^:]+:\d+: (?:function "[^"]+" not defined|unexpected|unclosed)|.*no template "[^"]+" associated with template|.*found in Chart\.yaml, but missing in charts\/ directory|.*Chart\.yaml file is missing|.*validation: chart\.metadata)/.test(message);
}
