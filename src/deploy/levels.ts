// Start order: services grouped in dependency levels (Kahn's algorithm). Each
// level starts only when everything before it is healthy; services inside a
// level start together. A cycle or an unknown dependency is a finding, never a hang.
import { closest } from 'fastest-levenshtein';
import type { Finding } from '../model/findings.js';
import type { Platform } from '../model/types.js';

export interface LevelsResult {
  readonly levels: readonly (readonly string[])[];
  readonly findings: readonly Finding[];
}

/**
 * `only`: start just these services and what they need (transitively).
 * Names inside a level are sorted, so the order is the same on every run.
 */
export function dependencyLevels(platform: Platform, only: readonly string[] = []): LevelsResult {
  const names = platform.services.map((s) => s.name);
  const known = new Set(names);
  const findings: Finding[] = [];
  const deps = new Map<string, string[]>();
  for (const service of platform.services) {
    deps.set(service.name, []);
    service.dependsOn.forEach((dep, index) => {
      if (known.has(dep)) deps.get(service.name)?.push(dep);
      else
        findings.push({
          code: 'deploy.unknown-dependency',
          severity: 'high',
          path: `services.${service.name}.dependsOn[${index}]`,
          message: `${service.name} depends on ${dep}, which is not in the platform`,
          hint: `did you mean ${closest(dep, names)}? Or enable ${dep}`,
        });
    });
  }
  only.forEach((name, index) => {
    if (!known.has(name))
      findings.push({
        code: 'deploy.unknown-service',
        severity: 'high',
        path: `args[${index}]`,
        message: `no service named ${name}`,
        hint: names.length > 0 ? `did you mean ${closest(name, names)}?` : 'the platform has no services',
      });
  });
  if (findings.length > 0) return { levels: [], findings };

  const wanted = only.length === 0 ? new Set(names) : closure(only, deps);
  const remaining = new Map([...wanted].map((n) => [n, (deps.get(n) ?? []).filter((d) => wanted.has(d))]));
  const levels: string[][] = [];
  const done = new Set<string>();
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter(([, ds]) => ds.every((d) => done.has(d)))
      .map(([n]) => n)
      .sort();
    if (ready.length === 0) {
      const stuck = [...remaining.keys()].sort();
      const first = stuck[0] ?? '';
      return {
        levels: [],
        findings: [
          {
            code: 'deploy.dependency-cycle',
            severity: 'high',
            path: `services.${first}.dependsOn`,
            message: `dependency cycle among ${stuck.join(', ')}: none of them can start first`,
            hint: 'remove one dependsOn entry of the cycle',
          },
        ],
      };
    }
    for (const n of ready) {
      remaining.delete(n);
      done.add(n);
    }
    levels.push(ready);
  }
  return { levels, findings };
}

function closure(only: readonly string[], deps: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...only];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(deps.get(name) ?? []));
  }
  return seen;
}
