// metav1.LabelSelector: matching (LabelSelectorAsSelector semantics) and validation
// (apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector) with Kubernetes' messages.
import { type FieldError, forbidden, invalid, required } from '../../api/field.js';
import { getKey, hasKey } from '../../api/ownkeys.js';
import { validateLabelName, validateLabels } from '../../api/validation/objectmeta.js';
import { isValidLabelValue } from '../../api/validation/names.js';
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

export class LabelSelectorError extends Error {}

/**
 * Whether the labels satisfy the selector. An empty selector matches everything. Throws LabelSelectorError for
 * an operator Kubernetes does not know or an In/NotIn without values (LabelSelectorAsSelector fails on those).
 */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (getKey(l, k) !== v) return false;
  for (const expr of sel.matchExpressions ?? []) if (!requirementMatches(expr, l)) return false;
  return true;
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const values = r.values ?? [];
  const has = hasKey(labels, r.key);
  switch (r.operator) {
    case 'In':
      if (values.length === 0) throw new LabelSelectorError("for 'in', 'notin' operators, values set can't be empty");
      return has && values.includes(labels[r.key]!);
    case 'NotIn':
      if (values.length === 0) throw new LabelSelectorError("for 'in', 'notin' operators, values set can't be empty");
      return !has || !values.includes(labels[r.key]!);
    case 'Exists':
      if (values.length) throw new LabelSelectorError('values set must be empty for exists and does not exist');
      return has;
    case 'DoesNotExist':
      if (values.length) throw new LabelSelectorError('values set must be empty for exists and does not exist');
      return !has;
    default:
      throw new LabelSelectorError(`${JSON.stringify(r.operator)} is not a valid label selector operator`);
  }
}

/** ValidateLabelSelector (AllowInvalidLabelValueInSelector off). */
export function validateLabelSelector(sel: LabelSelector | null | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  (sel.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, `${path}.matchExpressions[${i}]`, false));
  });
  return errs;
}

/** ValidateLabelSelectorRequirement; `allowUnknownOperator` as the access-review selectors use it. */
export function validateLabelSelectorRequirement(
  r: LabelSelectorRequirement,
  path: string,
  allowUnknownOperator: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      if (!allowUnknownOperator)
        errs.push(invalid(`${path}.operator`, r.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(r.key ?? '', `${path}.key`));
  values.forEach((v, i) => {
    for (const msg of isValidLabelValue(v)) errs.push(invalid(`${path}.values[${i}]`, v, msg));
  });
  return errs;
}
