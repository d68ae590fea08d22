// Golden cases of the core renderers: test/golden/core/<renderer>/<case>.golden.
// Regenerate with `npm run golden:update` and review the diff.
import { describe, it } from 'vitest';
import { RENDERERS, type Target } from '../../../src/render/registry.js';
import { expectGolden, goldenCases, goldenPlatform, renderOrError } from '../../support/golden.js';

const CORE: readonly Target[] = ['compose', 'gateway-nginx', 'dify-nginx', 'litellm-config', 'env-example', 'ports-doc'];

for (const target of CORE) {
  describe(`golden: ${target}`, () => {
    const cases = goldenCases(new URL(`../../golden/core/${target}/`, import.meta.url));
    it('has at least one case', ({ expect }) => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const c of cases) {
      it(c.name, () => {
        expectGolden(
          c,
          renderOrError(() => RENDERERS[target](goldenPlatform(c.input), {})),
        );
      });
    }
  });
}
