import type { Command } from 'commander';

// Placeholder until this command is implemented.
export function registerOperate(_program: Command): void {}
