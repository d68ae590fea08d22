// Progress of `moat drive sync` and `moat knowledge sync`: one line redrawn in
// place on a terminal, a plain line per event otherwise (logs, the systemd
// journal: no escape codes there). File names come from Drive, which anyone
// who can share a folder controls: control characters are replaced before they
// reach a terminal, so a name cannot move the cursor or rewrite the screen.

import type { SyncStats } from '../drive/sync.js';
import { formatBytes } from '../pull-progress.js';
import type { KnowledgeEvents, KnowledgeSummary, Outcome } from './sync.js';

interface Stream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
}

export function syncLine(stats: SyncStats): string {
  const total = stats.totalTransfers > 0 ? `/${stats.totalTransfers}` : '';
  const bytes = stats.totalBytes > 0 ? `${formatBytes(stats.bytes)}/${formatBytes(stats.totalBytes)}` : formatBytes(stats.bytes);
  const eta = stats.eta !== undefined && stats.eta > 0 ? `, ${Math.round(stats.eta)} s left` : '';
  return `drive: ${stats.transfers}${total} files, ${bytes}, ${stats.checks} checked, ${stats.errors} errors${eta}`;
}

export function syncProgress(stream: Stream): { update(stats: SyncStats): void; done(): void } {
  let last = '';
  return {
    update(stats) {
      const line = syncLine(stats);
      if (line === last) return;
      last = line;
      stream.write(stream.isTTY === true ? `\r\u001b[2K${line}` : `${line}\n`);
    },
    done() {
      if (stream.isTTY === true && last !== '') stream.write('\n');
    },
  };
}

export function knowledgeProgress(stream: Stream): KnowledgeEvents & { done(): void } {
  let total = 0;
  let seen = 0;
  let drawn = false;
  return {
    start(n) {
      total = n;
    },
    file(path: string, outcome: Outcome, detail?: string) {
      seen++;
      const line = `knowledge: [${seen}/${total}] ${outcome} ${printable(path)}${detail ? `: ${printable(detail)}` : ''}`;
      if (stream.isTTY === true) {
        // Failures stay on screen; the rest is redrawn in place.
        stream.write(`\r\u001b[2K${line}${outcome === 'failed' ? '\n' : ''}`);
        drawn = outcome !== 'failed';
      } else if (outcome !== 'skipped') stream.write(`${line}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

export function summaryLine(summary: KnowledgeSummary, workspace: string): string {
  return `knowledge: workspace ${workspace}: ${summary.added} added, ${summary.changed} changed, ${summary.removed} removed, ${summary.skipped} skipped, ${summary.failed} failed`;
}
