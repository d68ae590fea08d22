// What backup and restore need from a deployment, and nothing more: run a
// command in a service with its input on stdin (secrets go there, never into
// argv) and its output streamed (pg_dump and RDB files are binary), stop and
// start services, and read or replace a volume as a tar stream. The engine
// adapter (engine-target.ts) is one implementation; the tests run the same
// commands against real PostgreSQL and Redis servers on loopback.

export interface TargetExecResult {
  readonly exitCode: number;
  /** What the command wrote, when no `stdout` sink was given (else empty). */
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface TargetExecIo {
  readonly stdin?: Buffer | string;
  /** Receives the command's output as it comes (binary-safe); the caller ends nothing. */
  readonly stdout?: NodeJS.WritableStream;
}

export interface StartFailure {
  readonly service: string;
  readonly reason: string;
}

export interface BackupTarget {
  /** Runs argv in the service's running instance. Never throws on a non-zero exit: the caller judges. */
  exec(service: string, argv: readonly string[], io?: TargetExecIo): Promise<TargetExecResult>;
  /** Services that have a running instance now. */
  running(): Promise<readonly string[]>;
  stop(services: readonly string[]): Promise<void>;
  /** Starts the services and waits until healthy (the health waits); resolves with the failures (empty = all healthy). */
  start(services: readonly string[]): Promise<readonly StartFailure[]>;
  /** Writes the volume's content (paths relative to its root) as a tar stream into `sink`. */
  exportVolume(volume: string, sink: NodeJS.WritableStream): Promise<void>;
  /** Replaces the volume's content with this tar file, which moat has checked entry by entry first. */
  importVolume(volume: string, tarFile: string): Promise<void>;
}
