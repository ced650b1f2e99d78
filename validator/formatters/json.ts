import type { Report } from '../report.ts';

/** Machine-readable report; key order is fixed by construction, so output is byte-stable. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
