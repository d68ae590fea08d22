// One small interface over the container engine. Every implementation drives a
// Compose CLI for changes (so the rendered compose.yaml stays the single
// description of the deployment) and reads state through the Engine API.

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface PublishedPort {
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
}

export interface ContainerState {
  readonly service: string;
  readonly id: string;
  readonly name: string;
  /** Engine state: running, exited, created, restarting, paused, dead. */
  readonly state: string;
  readonly health: Health;
  readonly exitCode: number;
  /** How often the engine restarted this container (its restart policy after a crash). */
  readonly restartCount: number;
  /** Network name → the container's IPv4 address on it. */
  readonly addresses: Readonly<Record<string, string>>;
  readonly published: readonly PublishedPort[];
}

export interface Engine {
  /** How the user would name it: `docker compose` or `docker-compose`. */
  readonly name: string;
  /** Creates or updates these services (network and volumes as needed), detached, without their dependencies. */
  up(services: readonly string[]): Promise<void>;
  /** Every container of the project, running or not. */
  containers(): Promise<ContainerState[]>;
  /** The last `tail` lines a service logged (stdout and stderr). */
  logs(service: string, tail: number): Promise<string>;
  /** Removes the project's containers and network; volumes only when asked. */
  down(options: { readonly volumes: boolean }): Promise<void>;
  /** Networks and volumes the engine labelled as this project's. */
  resources(): Promise<{ readonly networks: readonly string[]; readonly volumes: readonly string[] }>;
  /**
   * Runs argv inside the service's running container, `stdin` as its input
   * (secrets go there, never into argv). Resolves with the exit code and
   * output; throws EngineCommandError when the service has no running container.
   */
  exec(service: string, argv: readonly string[], stdin?: string): Promise<ExecResult>;
  /** The command a user types to run argv in the service's container (for printed instructions). */
  execCommand(service: string, argv: readonly string[]): readonly string[];
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What an engine needs to know about the deployment it drives. */
export interface EngineTarget {
  readonly project: string;
  readonly bundleDir: string;
  /** The rendered compose file inside the bundle. */
  readonly composeFile: string;
}

/** A Compose command failed: what ran and what it said (not a bug in moat). */
export class EngineCommandError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`\`${command}\` failed:\n${lastLines(output, 30)}`);
  }
}

/** Compose repeats itself at length (one error per container and service); its last lines say what failed. */
function lastLines(text: string, count: number): string {
  const lines = text.trim().split('\n');
  return (lines.length > count ? ['…', ...lines.slice(-count)] : lines).join('\n');
}
