// Golden cases of the outer-layer renderers: test/golden/outer/<renderer>/<case>.golden.
// A case named `*.instance.golden` renders with `withInstance: true`.
// Regenerate with `npm run golden:update` and review the diff.
import { describe, it } from 'vitest';
import { RENDERERS, type Target } from '../../../src/render/registry.js';
import { expectGolden, goldenCases, goldenPlatform, renderOrError } from '../../support/golden.js';

const OUTER: readonly Target[] = ['cloudformation', 'terraform', 'nftables', 'docker-user', 'tailscale-policy', 'bootstrap'];

for (const target of OUTER) {
  describe(`golden: ${target}`, () => {
    const cases = goldenCases(new URL(`../../golden/outer/${target}/`, import.meta.url));
    it('has cases', () => {
      if (cases.length === 0) throw new Error(`no golden cases in test/golden/outer/${target}`);
    });
    for (const c of cases) {
      it(c.name, () => {
        const withInstance = c.name.endsWith('.instance');
        expectGolden(
          c,
          renderOrError(() => RENDERERS[target](goldenPlatform(c.input), { withInstance })),
        );
      });
    }
  });
}
