// Findings with their place in the user's file, when the loader knows it
// (`moat.yaml:14:5`); otherwise the key path alone says where.
import type { Finding } from '../../model/findings.js';
import type { SourceLocation } from '../../model/load.js';

export type Locate = (path: string) => SourceLocation | undefined;

export function locateFindings(findings: readonly Finding[], locate: Locate): Finding[] {
  // Where the user wrote the cause wins over the line of the rendered file it produced.
  return findings.map((f) => {
    const location = locate(f.path);
    return location ? { ...f, location: { file: location.file, line: location.line, column: location.column } } : f;
  });
}

export function where(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.path;
}
