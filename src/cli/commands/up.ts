import type { Command } from 'commander';

// Placeholder until this command is implemented.
export function registerUp(_program: Command): void {}
