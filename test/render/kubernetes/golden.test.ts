// Golden cases of the Kubernetes target: test/golden/kubernetes/<case>.golden,
// each a moat.yaml (or `reference`), loaded by the real loader, then the
// rendered manifests. Regenerate with `npm run golden:update` and review the diff.
import { describe, it } from 'vitest';
import { RENDERERS } from '../../../src/render/registry.js';
import { expectGolden, goldenCases, renderOrError } from '../../support/golden.js';
import { platformOf } from './support.js';

describe('golden: kubernetes', () => {
  const cases = goldenCases(new URL('../../golden/kubernetes/', import.meta.url));
  it('has the reference case and a moat.yaml case', ({ expect }) => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['reference', 'example']));
  });
  for (const c of cases) {
    it(c.name, async () => {
      const platform = await platformOf(c.input);
      expectGolden(
        c,
        renderOrError(() => RENDERERS.kubernetes(platform, {})),
      );
    });
  }
});
