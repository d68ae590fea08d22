import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/deploy/progress.js';

class Sink {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('progress display', () => {
  it('prints plain lines, one per change, when not on a terminal (CI)', () => {
    const sink = new Sink(false);
    const progress = createProgress(['a', 'b'], sink);
    progress.update('a', 'starting');
    progress.update('a', 'healthy');
    progress.update('b', 'failed', 'its health check failed');
    progress.done();
    expect(sink.text).toBe('a: starting\na: healthy\nb: failed (its health check failed)\n');
    expect(sink.text).not.toContain('\u001b[');
  });

  it('redraws one line per service in place on a terminal', () => {
    const sink = new Sink(true);
    const progress = createProgress(['gateway', 'db'], sink);
    progress.update('db', 'healthy');
    // Second draw moves the cursor up over the two lines it drew before.
    expect(sink.text).toContain('\u001b[2A');
    const lastFrame = sink.text.slice(sink.text.lastIndexOf('\u001b[2A'));
    expect(lastFrame).toMatch(/gateway\n/);
    expect(lastFrame).toMatch(/db +.*healthy/);
    expect(lastFrame.split('\n').length - 1).toBe(2);
  });
});
