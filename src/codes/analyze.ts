// Codes of the analyzer's rules (src/analyze/rules), declared in each rule's
// `docs`. The address rule reuses the loader's config.address-* codes, which
// are documented with the loader (config.ts), so it is not gathered here.
import { adminCidrWorld, unexpectedOpen } from '../analyze/rules/exposure.js';
import { duplicateListeners } from '../analyze/rules/listeners.js';
import { routeRules } from '../analyze/rules/routes.js';
import { secretRules } from '../analyze/rules/secrets.js';

export const ANALYZE_CODE_DOCS = [...adminCidrWorld.docs, ...unexpectedOpen.docs, ...routeRules.docs, ...duplicateListeners.docs, ...secretRules.docs] as const;
