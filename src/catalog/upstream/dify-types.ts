// The one UpstreamFacts shape (types.ts), under the name the Dify files import.
export type { UpstreamFacts } from './types.js';
