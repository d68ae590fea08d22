import type { Command } from 'commander';

// Placeholder until this command is implemented.
export function registerProbe(_program: Command): void {}
