// Progress of `moat up`: a live block of one line per service on a terminal,
// plain timestamp-free lines otherwise (CI logs, pipes), so logs stay diffable.
import pc from 'picocolors';

export type Phase = 'waiting' | 'starting' | 'health: starting' | 'healthy' | 'running' | 'failed' | 'skipped';

export interface Progress {
  update(service: string, phase: Phase, detail?: string): void;
  /** Stops redrawing; the last state stays on screen. */
  done(): void;
}

interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export function createProgress(services: readonly string[], stream: Stream = process.stderr): Progress {
  return stream.isTTY === true ? liveProgress(services, stream) : plainProgress(stream);
}

function plainProgress(stream: Stream): Progress {
  return {
    update(service, phase, detail) {
      stream.write(`${service}: ${phase}${detail ? ` (${detail})` : ''}\n`);
    },
    done() {},
  };
}

const MARK: Record<Phase, string> = {
  waiting: pc.dim('·'),
  starting: pc.cyan('…'),
  'health: starting': pc.cyan('…'),
  healthy: pc.green('✔'),
  running: pc.green('✔'),
  failed: pc.red('✖'),
  skipped: pc.yellow('-'),
};

function liveProgress(services: readonly string[], stream: Stream): Progress {
  const rows = new Map<string, string>(services.map((s) => [s, `${MARK.waiting} ${s}`]));
  const width = Math.max(...services.map((s) => s.length), 0);
  let drawn = 0;
  const draw = (): void => {
    let out = drawn > 0 ? `\u001b[${drawn}A` : '';
    for (const line of rows.values()) out += `\u001b[2K${line}\n`;
    drawn = rows.size;
    stream.write(out);
  };
  draw();
  return {
    update(service, phase, detail) {
      rows.set(service, `${MARK[phase]} ${service.padEnd(width)}  ${phase}${detail ? pc.dim(` ${detail}`) : ''}`);
      draw();
    },
    done() {},
  };
}
