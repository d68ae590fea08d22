// `moat check --format json`: the matrix and the findings, as data.
import type { Analysis } from '../../analyze/index.js';

export function formatCheckJson(analysis: Analysis): string {
  return `${JSON.stringify({ matrix: analysis.matrix, findings: analysis.findings }, null, 2)}\n`;
}
