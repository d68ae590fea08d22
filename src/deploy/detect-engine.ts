// Which Compose is installed: Docker Compose v2 (`docker compose`) first, then
// the standalone `docker-compose` (v1, as Debian ships it). Neither → exit 3
// with what to install; moat never guesses at another tool.
import { execa } from 'execa';
import { MissingEnvironmentError } from '../model/findings.js';
import type { ComposeFlavour } from './compose-engine.js';
import type { EngineEndpoint } from './engine-api.js';
import { endpointFromEnv } from './engine-api.js';

export interface DetectedCompose {
  readonly flavour: ComposeFlavour;
  /** What the tool printed for `version`, for `moat status` and bug reports. */
  readonly version: string;
  /** Where the engine's API is: the socket Compose itself talks to. */
  readonly endpoint: EngineEndpoint;
}

export const INSTALL_ENGINE_HINT =
  'Docker Engine with Docker Compose v2: `apt-get install docker.io docker-compose` (Debian; docker-compose is v1, which moat also drives), ' +
  "or docker-ce + docker-compose-plugin from Docker's apt repository (https://docs.docker.com/engine/install/)";

async function versionOf(file: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const result = await execa(file, [...args], { reject: false, timeout: 20_000, stdin: 'ignore' });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

export async function detectCompose(): Promise<DetectedCompose> {
  const v2 = await versionOf('docker', ['compose', 'version']);
  if (v2 !== undefined) return { flavour: 'compose-v2', version: v2, endpoint: await dockerCliEndpoint() };
  const v1 = await versionOf('docker-compose', ['version', '--short']);
  if (v1 !== undefined) return { flavour: 'compose-v1', version: v1, endpoint: endpointFromEnv() };
  throw new MissingEnvironmentError('no container engine: neither `docker compose` (Compose v2) nor `docker-compose` was found on PATH', INSTALL_ENGINE_HINT);
}

/**
 * The docker CLI follows DOCKER_HOST, else the current context (rootless
 * Docker's is unix:///run/user/UID/docker.sock): read state from the same place.
 */
async function dockerCliEndpoint(): Promise<EngineEndpoint> {
  if (process.env.DOCKER_HOST) return endpointFromEnv();
  const host = await versionOf('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']);
  return host ? endpointFromEnv({ DOCKER_HOST: host }) : endpointFromEnv();
}
