/**
 * The Helm guard of a chart's cross-field rules: `templates/values-rules.yaml`, compiled from the same
 * checks the Zod refinement runs (schema/rules.ts). It renders nothing; when a check holds it appends
 * `[rule] path: message` and the chart fails with every issue at once.
 */
import { CROSS_FIELD_RULES, type PlacedCheck } from '../schema/rules.ts';
import { bare, compileExpr, compileMessage } from './go-template.ts';

export const RULES_TEMPLATE = 'templates/values-rules.yaml';

export function rulesTemplate(chart: string, checks: readonly PlacedCheck[]): string | undefined {
  const mine = checks.filter((c) => c.chart === chart);
  if (!mine.length) return undefined;
  const lines = [
    `{{- /* The cross-field rules of schema/rules.ts that read this chart's values (${[...new Set(mine.map((c) => c.rule))].join(', ')}). */ -}}`,
    '{{- $issues := list -}}',
  ];
  let previous = '';
  for (const c of mine) {
    if (c.rule !== previous) {
      const description = CROSS_FIELD_RULES.find((r) => r.id === c.rule)?.description ?? '';
      lines.push(`{{- /* ${c.rule}: ${description.replace(/\*\//g, '* /')} */ -}}`);
      previous = c.rule;
    }
    const line = compileMessage(c.message, chart, `[${c.rule}] ${c.path.join('.')}: `);
    lines.push(`{{- if ${bare(compileExpr(c.when, chart))} -}}`, `{{- $issues = append $issues ${line} -}}`, '{{- end -}}');
  }
  lines.push('{{- include "nexus.rules.enforce" $issues -}}', '');
  return lines.join('\n');
}
