// Pull progress: one line per layer with bytes, rate and time left; redrawn in
// place on a terminal, plain and sparse otherwise.
import { describe, expect, it } from 'vitest';
import { createPullProgress, formatBytes, formatDuration, PLAIN_EVERY_MS } from '../../src/deploy/pull-progress.js';

class Sink {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const A = `sha256:${'dde5aa3fc5ff'.padEnd(64, '0')}`;
const B = `sha256:${'966de95ca8a6'.padEnd(64, '1')}`;
const strip = (text: string): string => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

describe('pull progress', () => {
  it('formats bytes and durations the way people read them', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(2_019_393_189)).toBe('2.0 GB');
    expect(formatDuration(83)).toBe('1:23');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });

  it('on a terminal: one live line per layer with bytes, percent, rate and time left, redrawn in place', () => {
    let now = 0;
    const sink = new Sink(true);
    const progress = createPullProgress(sink, () => now);
    progress.event('llama3.2:3b', { status: 'pulling manifest' });
    progress.event('llama3.2:3b', { status: 'pulling dde5aa3fc5ff', digest: A, total: 2_000_000_000, completed: 0 });
    now = 10_000;
    progress.event('llama3.2:3b', { status: 'pulling dde5aa3fc5ff', digest: A, total: 2_000_000_000, completed: 500_000_000 });
    progress.event('llama3.2:3b', { status: 'pulling 966de95ca8a6', digest: B, total: 1_400, completed: 1_400 });
    // The cursor goes back up over the block before each redraw.
    expect(sink.text).toContain('\u001b[1A');
    const ups = [...sink.text.matchAll(/\u001b\[\d+A/g)];
    const lastFrame = strip(sink.text.slice(ups.at(-1)?.index ?? 0));
    expect(lastFrame).toContain('llama3.2:3b dde5aa3fc5ff  500.0 MB / 2.0 GB  25%  50.0 MB/s  0:30 left');
    expect(lastFrame).toContain('llama3.2:3b 966de95ca8a6  1.4 KB / 1.4 KB  100%  done');
    // No line per status in the live form: the manifest step is not printed.
    expect(strip(sink.text)).not.toContain('pulling manifest');
  });

  it('without a terminal: plain lines, a layer at most every 10 s plus its last, and the steps between', () => {
    let now = 0;
    const sink = new Sink(false);
    const progress = createPullProgress(sink, () => now);
    progress.event('m', { status: 'pulling manifest' });
    for (let i = 0; i <= 100; i++) {
      now = i * 1000;
      progress.event('m', { status: 'pulling dde5aa3fc5ff', digest: A, total: 100_000_000, completed: i * 1_000_000 });
    }
    progress.event('m', { status: 'verifying sha256 digest' });
    progress.event('m', { status: 'success' });
    progress.note('m', 'pulled');
    const lines = sink.text.trimEnd().split('\n');
    expect(sink.text).not.toContain('\u001b[');
    const layerLines = lines.filter((l) => l.includes('dde5aa3fc5ff'));
    // 101 events over 100 s: one at 0 s, then one per 10 s, the last (100 %) once.
    expect(layerLines.length).toBe(100_000 / PLAIN_EVERY_MS + 1);
    expect(layerLines.at(-1)).toBe('m dde5aa3fc5ff  100.0 MB / 100.0 MB  100%  done');
    expect(layerLines[1]).toMatch(/^m dde5aa3fc5ff {2}10\.0 MB \/ 100\.0 MB {2}10% {2}1\.0 MB\/s {2}1:30 left$/);
    expect(lines[0]).toBe('m: pulling manifest');
    expect(lines).toContain('m: verifying sha256 digest');
    expect(lines.at(-1)).toBe('m: pulled');
  });
});
