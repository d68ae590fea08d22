// How moat, on the host, reaches a platform service's API: its static address
// on the platform bridge (routable from the Docker host itself) and its first
// port. One definition for every client (Ollama, LiteLLM, rclone's rc,
// AnythingLLM, the Signal API); each command still takes an explicit URL.
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

export function serviceBaseUrl(address: string, port: number | undefined): string {
  return `http://${address}${port === undefined ? '' : `:${port}`}`;
}

/** The platform service's base URL, or undefined when the platform has no such service. */
export function platformServiceUrl(platform: Platform, name: string): string | undefined {
  const service = serviceByName(platform, name);
  return service ? serviceBaseUrl(service.address, service.ports[0]?.port) : undefined;
}
