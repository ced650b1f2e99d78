/**
 * A field path, kept in both notations the stage needs: the API server's (`spec.containers[0].name`,
 * `metadata.labels[app]`), which messages quote, and the RFC 6901 JSON pointer findings carry.
 * Paths are immutable and cheap: a child shares its parent's segments until it is rendered.
 */
import { escapePointerSegment } from '../../core/json-pointer.ts';

type Segment = { kind: 'field'; name: string } | { kind: 'index'; i: number } | { kind: 'key'; key: string };

export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly seg: Segment | undefined,
  ) {}

  static root(): FieldPath {
    return new FieldPath(undefined, undefined);
  }

  /** `a.b.c`: one child per name. */
  child(...names: string[]): FieldPath {
    let p: FieldPath = this;
    for (const name of names) p = new FieldPath(p, { kind: 'field', name });
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, { kind: 'index', i });
  }

  /** A map key: `labels[app]` on the server, `/labels/app` as a pointer. */
  key(key: string): FieldPath {
    return new FieldPath(this, { kind: 'key', key });
  }

  private segments(): Segment[] {
    const out: Segment[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) if (p.seg) out.push(p.seg);
    return out.reverse();
  }

  get pointer(): string {
    return this.segments()
      .map((s) => `/${escapePointerSegment(s.kind === 'field' ? s.name : s.kind === 'index' ? s.i : s.key)}`)
      .join('');
  }

  /** The server's notation, e.g. `spec.template.spec.containers[0].env[1].name`. */
  toString(): string {
    let out = '';
    for (const s of this.segments()) {
      if (s.kind === 'field') out += out ? `.${s.name}` : s.name;
      else if (s.kind === 'index') out += `[${s.i}]`;
      else out += `[${s.key}]`;
    }
    return out;
  }
}
