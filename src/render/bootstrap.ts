import type { Renderer } from './types.js';

// Placeholder until this target is implemented: renders nothing.
export const renderBootstrap: Renderer = () => ({ files: [], warnings: [] });
