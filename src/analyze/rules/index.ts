// The registry of analyzer rules, in report order. Adding a rule is adding it here.
import type { Finding } from '../../model/findings.js';
import { addressRules } from './addresses.js';
import { adminCidrWorld, unexpectedOpen } from './exposure.js';
import { duplicateListeners } from './listeners.js';
import { routeRules } from './routes.js';
import { secretRules } from './secrets.js';
import type { AnalysisRule, RuleContext, RuleDoc } from './types.js';

export const RULES: readonly AnalysisRule[] = [adminCidrWorld, unexpectedOpen, routeRules, duplicateListeners, addressRules, secretRules];

export function runRules(context: RuleContext, rules: readonly AnalysisRule[] = RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(context));
}

/** Every code the analyzer can report, with its documentation. */
export function ruleDocs(rules: readonly AnalysisRule[] = RULES): RuleDoc[] {
  return rules.flatMap((rule) => rule.docs);
}

export type { AnalysisRule, RuleContext, RuleDoc } from './types.js';
