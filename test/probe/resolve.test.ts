// A target name that does not resolve is the user's input (exit 2, says which
// name and what to pass); a resolver that does not answer is this machine's
// network (exit 3). Neither is "a bug in moat". The CLI runs in namespaces of
// its own: its resolv.conf points at a stub on its own loopback.
import { describe, expect, it } from 'vitest';
import { isolated } from './isolated.js';

describe('moat probe TARGET-NAME', () => {
  it('exits 2 with probe.target-unresolved naming the name when it does not exist (NXDOMAIN from a stub resolver)', async () => {
    const { code, stderr } = await isolated(['lo', 'dns-nxdomain'], ['probe', 'moat-no-such-host.example', '--as', 'internet', '--ports', '1']);
    expect(stderr).toContain('probe.target-unresolved');
    expect(stderr).toContain('"moat-no-such-host.example" does not resolve');
    expect(stderr).toContain('address');
    expect(stderr).not.toContain('bug in moat');
    expect(code).toBe(2);
  }, 60_000);

  it('exits 3 when the resolver cannot be reached (no network at all)', async () => {
    const { code, stderr } = await isolated([], ['probe', 'moat-no-such-host.example', '--as', 'internet', '--ports', '1']);
    expect(stderr).toContain('cannot resolve the target "moat-no-such-host.example"');
    expect(stderr).toContain('hint: ');
    expect(stderr).not.toContain('bug in moat');
    expect(code).toBe(3);
  }, 60_000);
});
