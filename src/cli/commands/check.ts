import type { Command } from 'commander';

// Placeholder until this command is implemented.
export function registerCheck(_program: Command): void {}
