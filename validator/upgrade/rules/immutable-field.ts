/** Rules of the simplest kind: one field that the server keeps as created. */
import { semanticEqual } from '../equality.ts';
import { fieldPath, getAt } from '../json.ts';
import { defineUpgradeRule, type UpgradeRule, type UpgradeRuleMeta } from '../types.ts';
import { change } from './util.ts';

export function immutableFieldRule(meta: UpgradeRuleMeta, path: readonly string[], hint: string): UpgradeRule {
  return defineUpgradeRule({
    meta,
    check({ live, next }) {
      const before = getAt(live, path);
      const after = getAt(next, path);
      if (semanticEqual(before, after, path[path.length - 1])) return [];
      return [{ path: [...path], message: `${fieldPath(path)} changes ${change(live, next, path)}: field is immutable`, hint }];
    },
  });
}
