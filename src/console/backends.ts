// The platform's own APIs the console calls on the private network, behind one
// interface so the server can be tested against stubs of those APIs:
// signal-cli-rest-api's link URI (GET /v1/qrcodelink/raw, 0.100; moat's client,
// src/deploy/signal/client.ts), Ollama's pull (src/deploy/ollama.ts) and rclone's rc core/stats
// (authenticated, https://rclone.org/rc/#core-stats; src/deploy/drive/rc.ts).

import { rcClient } from '../deploy/drive/rc.js';
import { ollamaClient, type PullEvent } from '../deploy/ollama.js';
import { signalApiClient } from '../deploy/signal/client.js';

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

/** Asked of a platform API the platform does not have (no Signal API, no Ollama, no Drive sync): the page says so. */
export class MissingBackend extends Error {}

export interface BackendUrls {
  readonly signalApi?: string;
  readonly ollama?: string;
  /** rclone's rc and its credentials (RCLONE_RC_USER / RCLONE_RC_PASS): sent as basic auth, never logged. */
  readonly rcloneRc?: string;
  readonly rcloneUser?: string;
  readonly rclonePass?: string;
}

const TIMEOUT_MS = 5_000;

function missing(what: string): never {
  throw new MissingBackend(`this platform has no ${what}`);
}

export function platformBackends(urls: BackendUrls): ConsoleBackends {
  const ollama = urls.ollama === undefined ? undefined : ollamaClient(urls.ollama);
  // The link can take a while: signal-api starts linking and waits for its daemon's answer.
  const signal = urls.signalApi === undefined ? undefined : signalApiClient(urls.signalApi, 30_000);
  const rc =
    urls.rcloneRc === undefined || urls.rcloneUser === undefined || urls.rclonePass === undefined
      ? undefined
      : rcClient(urls.rcloneRc, { user: urls.rcloneUser, pass: urls.rclonePass }, TIMEOUT_MS);
  return {
    signalLinkUri: (deviceName) => (signal ?? missing('Signal API')).linkUri(deviceName),
    pullModel: (model, onEvent) => (ollama ?? missing('Ollama')).pull(model, onEvent),
    async driveStatus() {
      const stats = await (rc ?? missing('Drive sync')).call<{ transfers?: number; bytes?: number; errors?: number; lastError?: string }>('core/stats');
      return {
        transfers: stats.transfers ?? 0,
        bytes: stats.bytes ?? 0,
        errors: stats.errors ?? 0,
        ...(stats.lastError ? { lastError: String(stats.lastError).slice(0, 500) } : {}),
      };
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
