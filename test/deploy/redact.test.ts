// The one way moat takes secret values out of what a tool said.
import { describe, expect, it } from 'vitest';
import { withoutValues } from '../../src/deploy/redact.js';

describe('withoutValues', () => {
  it('takes out every occurrence of every value', () => {
    expect(withoutValues('a=s3cret b=s3cret c=k3y', ['s3cret', 'k3y'])).toBe('a=<redacted> b=<redacted> c=<redacted>');
  });

  it('takes the longest value first, so a value inside another never leaves the rest of the longer one shown', () => {
    expect(withoutValues('token abcdef', ['abc', 'abcdef'])).toBe('token <redacted>');
  });

  it('ignores an empty value instead of cutting the text between every character, and takes a mark', () => {
    expect(withoutValues('kept as it is', [''])).toBe('kept as it is');
    expect(withoutValues('x secret y', ['secret'], '[redacted]')).toBe('x [redacted] y');
  });
});
