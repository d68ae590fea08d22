// The platform's own APIs the console calls on the private network, behind one
// interface so the server can be tested against stubs of those APIs:
// signal-cli-rest-api's link URI (GET /v1/qrcodelink/raw, 0.100), Ollama's
// pull (moat's client, src/deploy/ollama.ts) and rclone's rc core/stats
// (authenticated, https://rclone.org/rc/#core-stats).
import { ollamaClient, type PullEvent } from '../deploy/ollama.js';

export interface DriveStatus {
  readonly transfers: number;
  readonly bytes: number;
  readonly errors: number;
  readonly lastError?: string;
}

export interface ConsoleBackends {
  /** The `sgnl://linkdevice?...` URI a phone scans to link this host as a device. */
  signalLinkUri(deviceName: string): Promise<string>;
  pullModel(model: string, onEvent: (event: PullEvent) => void): Promise<void>;
  driveStatus(): Promise<DriveStatus>;
  /** true when the URL answers 2xx within a few seconds. */
  healthy(url: string): Promise<boolean>;
}

export interface BackendUrls {
  readonly signalApi: string;
  readonly ollama: string;
  readonly rcloneRc: string;
  /** rclone's rc credentials (RCLONE_RC_USER / RCLONE_RC_PASS): sent as basic auth, never logged. */
  readonly rcloneUser: string;
  readonly rclonePass: string;
}

const TIMEOUT_MS = 5_000;

export function platformBackends(urls: BackendUrls): ConsoleBackends {
  const ollama = ollamaClient(urls.ollama);
  return {
    async signalLinkUri(deviceName) {
      const response = await fetch(`${urls.signalApi.replace(/\/+$/, '')}/v1/qrcodelink/raw?device_name=${encodeURIComponent(deviceName)}`, { signal: AbortSignal.timeout(30_000) });
      const body = (await response.json().catch(() => ({}))) as { device_link_uri?: unknown; error?: unknown };
      if (!response.ok || typeof body.device_link_uri !== 'string') throw new Error(`the Signal API answered ${response.status}${typeof body.error === 'string' ? `: ${body.error.slice(0, 200)}` : ''}`);
      if (!body.device_link_uri.startsWith('sgnl://')) throw new Error('the Signal API returned a link that is not an sgnl:// URI');
      return body.device_link_uri;
    },
    pullModel: (model, onEvent) => ollama.pull(model, onEvent),
    async driveStatus() {
      const response = await fetch(`${urls.rcloneRc.replace(/\/+$/, '')}/core/stats`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${urls.rcloneUser}:${urls.rclonePass}`).toString('base64')}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`rclone's rc answered ${response.status}`);
      const stats = (await response.json()) as { transfers?: number; bytes?: number; errors?: number; lastError?: string };
      return { transfers: stats.transfers ?? 0, bytes: stats.bytes ?? 0, errors: stats.errors ?? 0, ...(stats.lastError ? { lastError: String(stats.lastError).slice(0, 500) } : {}) };
    },
    async healthy(url) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
        await response.body?.cancel();
        return response.status >= 200 && response.status < 300;
      } catch {
        return false;
      }
    },
  };
}
