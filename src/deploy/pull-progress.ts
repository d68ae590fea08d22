// Progress of model pulls: one line per layer (bytes done/total, rate, time
// left). On a terminal the lines are a live block redrawn in place, like
// `moat up`'s service list (progress.ts); elsewhere (CI logs, pipes) plain
// lines, one per layer at most every PLAIN_EVERY_MS plus its last, so a log of
// a multi-GB pull stays short.
import pc from 'picocolors';
import type { PullEvent } from './ollama.js';

export interface PullProgress {
  /** A progress line from Ollama for this model. */
  event(model: string, event: PullEvent): void;
  /** A sentence about a model (already present, retrying, done, failed). */
  note(model: string, text: string): void;
  done(): void;
}

interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export const PLAIN_EVERY_MS = 10_000;
/** The rate is measured over this window, so a stall shows as a falling rate, not a frozen one. */
const RATE_WINDOW_MS = 10_000;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

interface Layer {
  readonly key: string;
  readonly model: string;
  readonly short: string;
  total: number;
  completed: number;
  samples: { at: number; completed: number }[];
  lastPlain: number;
}

/** The layer's line: `llama3.2:3b dde5aa3fc5ff  1.2 GB / 2.0 GB  60%  35.2 MB/s  0:23 left`. */
export function layerLine(layer: Pick<Layer, 'model' | 'short' | 'total' | 'completed' | 'samples'>): string {
  const { total, completed } = layer;
  const percent = total > 0 ? Math.floor((completed / total) * 100) : 0;
  const first = layer.samples[0];
  const last = layer.samples[layer.samples.length - 1];
  const seconds = first && last ? (last.at - first.at) / 1000 : 0;
  const rate = seconds > 0 && first && last ? (last.completed - first.completed) / seconds : 0;
  const finished = total > 0 && completed >= total;
  const tail = finished ? 'done' : rate > 0 ? `${formatBytes(rate)}/s  ${formatDuration((total - completed) / rate)} left` : 'waiting for data';
  return `${layer.model} ${layer.short}  ${formatBytes(completed)} / ${formatBytes(total)}  ${percent}%  ${tail}`;
}

export function createPullProgress(stream: Stream = process.stderr, now: () => number = Date.now): PullProgress {
  const live = stream.isTTY === true;
  const layers = new Map<string, Layer>();
  const rows: string[] = [];
  const rowOf = new Map<string, number>();
  let drawn = 0;
  const draw = (): void => {
    let out = drawn > 0 ? `\u001b[${drawn}A` : '';
    for (const line of rows) out += `\u001b[2K${line}\n`;
    drawn = rows.length;
    stream.write(out);
  };
  const setRow = (key: string, line: string): void => {
    const at = rowOf.get(key);
    if (at === undefined) {
      rowOf.set(key, rows.length);
      rows.push(line);
    } else rows[at] = line;
  };

  return {
    event(model, event) {
      if (event.digest === undefined || typeof event.total !== 'number') {
        // pulling manifest, verifying sha256 digest, writing manifest, success: one line each in the plain form
        if (!live && event.status !== undefined && event.status !== 'success') stream.write(`${model}: ${event.status}\n`);
        return;
      }
      const key = `${model} ${event.digest}`;
      const at = now();
      let layer = layers.get(key);
      if (!layer) {
        layer = {
          key,
          model,
          short: event.digest.replace(/^sha256:/, '').slice(0, 12),
          total: 0,
          completed: 0,
          samples: [],
          lastPlain: Number.NEGATIVE_INFINITY,
        };
        layers.set(key, layer);
      }
      const wasDone = layer.total > 0 && layer.completed >= layer.total;
      layer.total = event.total;
      layer.completed = typeof event.completed === 'number' ? event.completed : layer.completed;
      layer.samples.push({ at, completed: layer.completed });
      while (layer.samples.length > 2 && at - (layer.samples[0]?.at ?? at) > RATE_WINDOW_MS) layer.samples.shift();
      const line = layerLine(layer);
      const isDone = layer.total > 0 && layer.completed >= layer.total;
      if (live) {
        setRow(key, `${isDone ? pc.green('✔') : pc.cyan('…')} ${line}`);
        draw();
      } else if ((isDone && !wasDone) || (!isDone && at - layer.lastPlain >= PLAIN_EVERY_MS)) {
        layer.lastPlain = at;
        stream.write(`${line}\n`);
      }
    },
    note(model, text) {
      if (live) {
        setRow(`${model} note`, `${pc.dim('·')} ${model}: ${text}`);
        draw();
      } else stream.write(`${model}: ${text}\n`);
    },
    done() {},
  };
}
