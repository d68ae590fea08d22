// Label selectors (metav1.LabelSelector): matchLabels and matchExpressions
// are ANDed; an empty selector selects everything.
// Source: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
// (In, NotIn, Exists, DoesNotExist; "NotIn" and "DoesNotExist" also match
// objects that lack the key: a label selector is a set-based requirement).
import type { LabelSelector, Labels, SelectorRequirement } from './types.js';

/** The label the API server sets on every namespace (immutable, since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A label set some of whose keys may be unknown (`open`): a requirement on an unknown key is taken as met. */
export interface LabelView {
  readonly labels: Labels;
  readonly open?: boolean;
}

function requirementMet(r: SelectorRequirement, view: LabelView): boolean {
  const has = Object.hasOwn(view.labels, r.key);
  if (!has && view.open === true) return true;
  const value = view.labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(value as string);
    case 'NotIn':
      return !has || !r.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selects(selector: LabelSelector, view: LabelView): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!requirementMet({ key, operator: 'In', values: [value] }, view)) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => requirementMet(r, view));
}

/** `{}`: selects every object. */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
