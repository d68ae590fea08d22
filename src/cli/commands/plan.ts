import type { Command } from 'commander';

// Placeholder until this command is implemented.
export function registerPlan(_program: Command): void {}
