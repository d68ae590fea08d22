import type { Renderer } from './types.js';

// Placeholder until this target is implemented: renders nothing.
export const renderLitellmConfig: Renderer = () => ({ files: [], warnings: [] });
