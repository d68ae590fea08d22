// The console's environment that depends on the platform: the origin it is
// served at (the gateway's main origin: its action guard compares the
// browser's Origin with it) and, for each platform API its actions call that
// the platform has, its URL at the service's static address.
import { CONSOLE_ENV } from '../console/env.js';
import { gatewayOrigins, serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

function apiUrl(platform: Platform, name: string, path = ''): string | undefined {
  const service = serviceByName(platform, name);
  const port = service?.ports[0]?.port;
  return service && port !== undefined ? `http://${service.address}:${port}${path}` : undefined;
}

export function consoleHostEnv(platform: Platform): Record<string, string> {
  const env: Record<string, string> = {};
  const main = gatewayOrigins(platform)[0];
  if (main) env[CONSOLE_ENV.origins] = main.url;
  const signal = apiUrl(platform, 'signal-api');
  if (signal) env[CONSOLE_ENV.signalApi] = signal;
  const ollama = apiUrl(platform, 'ollama');
  if (ollama) env[CONSOLE_ENV.ollama] = ollama;
  const rc = apiUrl(platform, 'gdrive', '/');
  const rcUser = serviceByName(platform, 'gdrive')?.env['RCLONE_RC_USER'];
  if (rc && rcUser) Object.assign(env, { [CONSOLE_ENV.rcloneRc]: rc, [CONSOLE_ENV.rcloneUser]: rcUser });
  return env;
}
