/** Walks the Zod model by path: which keys an object accepts, for "did you mean" suggestions. */
import { z } from 'zod';

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let i = 0; i < 20; i++) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else break;
  }
  return s;
}

/** The schema at `path` (object keys, array indices), or undefined when the path leaves the model. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(root);
  for (const seg of path) {
    if (!s) return undefined;
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)];
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else return undefined;
    if (s) s = unwrap(s);
  }
  return s;
}

/** Keys accepted at `path` when it is a closed object; [] otherwise. */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(root, path);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Description attached to the field at `path`, if any. */
export function descriptionAt(root: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  let s: z.ZodType | undefined = root;
  for (const seg of path) {
    const inner: z.ZodType = unwrap(s);
    if (inner instanceof z.ZodObject) s = (inner.shape as Record<string, z.ZodType>)[String(seg)];
    else return undefined;
    if (!s) return undefined;
  }
  return s?.description;
}
