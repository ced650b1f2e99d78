/**
 * A field path, kept in both notations the stage needs: the API server's (`spec.containers[0].name`,
 * `metadata.labels[app]`), which messages quote, and the RFC 6901 JSON pointer findings carry.
 * Paths are immutable and cheap: a child shares its parent's segments until it is rendered.
 *
 * The stage builds a path for nearly every field it looks at and renders one only for a finding, so a
 * step is one small object (no separate segment object, no rest-parameter array for `child`).
 */
import { escapePointerSegment } from '../../core/json-pointer.ts';

type Step = 'root' | 'field' | 'index' | 'key';

export class FieldPath {
  // Declared, not class fields (parameter properties are class fields in ES2022): a class field makes
  // every `new` also call the class's field initializer, a second call per path in not-yet-optimized
  // code (~20 ns each without TurboFan), and a 4k-document run builds ~220,000 paths, most of them
  // before TurboFan has this class.
  private declare readonly parent: FieldPath | undefined;
  private declare readonly step: Step;
  /** The field name, index or map key of this step (unused at the root). */
  private declare readonly seg: string | number;

  private constructor(parent: FieldPath | undefined, step: Step, seg: string | number) {
    this.parent = parent;
    this.step = step;
    this.seg = seg;
  }

  static root(): FieldPath {
    return new FieldPath(undefined, 'root', '');
  }

  /** `a.b.c`: one child per name (up to five at once; chain for more). */
  child(a: string, b?: string, c?: string, d?: string, e?: string): FieldPath {
    let p = new FieldPath(this, 'field', a);
    if (b !== undefined) p = new FieldPath(p, 'field', b);
    if (c !== undefined) p = new FieldPath(p, 'field', c);
    if (d !== undefined) p = new FieldPath(p, 'field', d);
    if (e !== undefined) p = new FieldPath(p, 'field', e);
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, 'index', i);
  }

  /** A map key: `labels[app]` on the server, `/labels/app` as a pointer. */
  key(key: string): FieldPath {
    return new FieldPath(this, 'key', key);
  }

  /** The steps from the root down to this one (the root itself left out). */
  private steps(): FieldPath[] {
    const out: FieldPath[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) if (p.step !== 'root') out.push(p);
    return out.reverse();
  }

  get pointer(): string {
    let out = '';
    for (const s of this.steps()) out += `/${escapePointerSegment(s.seg)}`;
    return out;
  }

  /** The server's notation, e.g. `spec.template.spec.containers[0].env[1].name`. */
  toString(): string {
    let out = '';
    for (const s of this.steps()) {
      if (s.step === 'field') out += out ? `.${s.seg}` : s.seg;
      else out += `[${s.seg}]`;
    }
    return out;
  }
}
