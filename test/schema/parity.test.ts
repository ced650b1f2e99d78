/**
 * Schema parity: the Zod model without refinements and ajv over the generated values.schema.json
 * accept and reject the same inputs. Inputs are the defaults plus random mutations: wrong types,
 * unknown keys, out-of-range numbers, removed keys and random enum-ish strings.
 * Rule parity: the cross-field rules (schema/rules.ts) give the same verdict and the same
 * `[rule] path: message` lines in the Zod refinement and in the Helm guards generated from them.
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig, PlatformConfigBase, TIER_NAMES, TIER_SECTIONS } from '../../schema/index.ts';
import { tierValuesSchema, umbrellaValuesSchema } from '../../schema/json-schema.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { bases, candidatesFor, clone as cloneJson, helmVerdict, pool, prng, rulePaths, setAt as setRulePath, zodLines, type Json as RuleJson } from './rule-cases.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function getAt(root: Json, path: Path): Json | undefined {
  let v: Json | undefined = root;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, Json>)[seg as string] : undefined;
  return v;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (parent === null || typeof parent !== 'object') return root;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string, Json>)[key as string];
  } else (parent as Record<string | number, Json>)[key] = value;
  return root;
}

const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 70000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
  fc.constantFrom('', 'latest', '250m', '1 core', '512Mi', 'ClusterIP', 'Off', 'Auto', 'production', 'transaction', 'x', '30s', '0 2 * * *', '/api'),
  fc.string({ maxLength: 8 }),
  fc.constant([] as Json[]),
  fc.constant({} as Json),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

type Mutation = { kind: 'replace'; pick: number; value: Json } | { kind: 'delete'; pick: number } | { kind: 'add-key'; pick: number; key: string; value: Json } | { kind: 'none' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: replacement }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('add-key' as const),
      pick: fc.nat(),
      // `global` inside a tier is declared on purpose (Helm injects it), so it is not an "unknown" key.
      key: fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== 'global' && k !== '__proto__'),
      value: replacement,
    }),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
);

function apply(base: Json, mutations: Mutation[]): Json {
  let doc = clone(base);
  for (const m of mutations) {
    if (m.kind === 'none') continue;
    const all = paths(doc);
    if (m.kind === 'add-key') {
      const objects = all.filter((p) => {
        const v = getAt(doc, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const target = objects[m.pick % objects.length]!;
      doc = setAt(doc, [...target, m.key], m.value);
      continue;
    }
    const candidates = all.filter((p) => p.length > 0);
    const target = candidates[m.pick % candidates.length]!;
    doc = setAt(doc, target, m.kind === 'delete' ? undefined : m.value);
  }
  return doc;
}

const ajv = new Ajv({ strict: false, allErrors: false });

describe('schema parity (Zod without refinements vs ajv over values.schema.json)', () => {
  const umbrella = ajv.compile(umbrellaValuesSchema());
  const base = clone(defaultConfig()) as unknown as Json;

  it('agrees on the defaults, and the defaults are valid', () => {
    expect(PlatformConfigBase.safeParse(base).success).toBe(true);
    expect(umbrella(base)).toBe(true);
  });

  it('agrees on 1,500 mutated umbrella configs', async () => {
    let rejected = 0;
    // Async, yielding to the event loop after each run: one synchronous loop of 1,500 parses can outlast
    // vitest's 60 s worker RPC timeout on a loaded machine ("Timeout calling onTaskUpdate").
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const doc = apply(base, mutations);
        const zodOk = PlatformConfigBase.safeParse(doc).success;
        const ajvOk = umbrella(doc);
        if (!zodOk) rejected++;
        expect({ zodOk, ajvOk, doc: zodOk === ajvOk ? null : doc }).toEqual({ zodOk: ajvOk, ajvOk, doc: null });
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    // The mutations must exercise both verdicts, or the agreement proves nothing.
    expect(rejected).toBeGreaterThan(300);
    expect(rejected).toBeLessThan(1450);
  }, 600_000);

  it.each(TIER_NAMES)('agrees on 200 mutated %s subchart values', (tier) => {
    const validate = ajv.compile(tierValuesSchema(tier));
    const section = TIER_SECTIONS[tier];
    const tierBase = clone((defaultConfig() as unknown as Record<string, Json>)[tier]!) as Json;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 2 }), (mutations) => {
        const doc = apply(tierBase, mutations);
        expect(validate(doc)).toBe(section.safeParse(doc).success);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('rule parity (the Zod refinement vs the generated Helm guards, on real helm)', () => {
  const paths = rulePaths();
  const starts = bases();

  it('every rule reads values that can vary, and both bases satisfy every rule', () => {
    expect(paths.length).toBeGreaterThan(30);
    for (const b of starts) expect([...zodLines(b.config).byChart.values()].flat(), b.name).toEqual([]);
  });

  /** Random configs: a base, then 1–5 rule-read paths set to values their schema accepts. */
  function sample(random: () => number): RuleJson {
    const config = cloneJson(starts[Math.floor(random() * starts.length)]!.config);
    const n = 1 + Math.floor(random() * 5);
    for (let i = 0; i < n; i++) {
      const path = paths[Math.floor(random() * paths.length)]!;
      const candidates = candidatesFor(path);
      setRulePath(config, path, candidates[Math.floor(random() * candidates.length)]!);
    }
    return config;
  }

  it.each(HELM_FLAVOURS)('%s fails exactly when Zod does, with the same lines, on 24 random configs', async (flavour) => {
    const random = prng(flavour === 'helm4' ? 411 : 317);
    const configs: RuleJson[] = [];
    while (configs.length < 24) {
      const c = sample(random);
      if (zodLines(c).valid) configs.push(c);
    }
    const verdicts = await pool(configs, 2, (c) => helmVerdict(flavour, c));
    let failing = 0;
    configs.forEach((config, i) => {
      const zod = zodLines(config).byChart;
      const helmSays = verdicts[i]!;
      if (zod.size === 0) {
        expect({ code: helmSays.code, stderr: helmSays.stderr }, JSON.stringify(config)).toEqual({ code: 0, stderr: '' });
        return;
      }
      failing++;
      expect(helmSays.code, helmSays.stderr).not.toBe(0);
      expect(helmSays.chart, helmSays.stderr).toBeDefined();
      // Helm stops at the first chart whose guard fails; that chart's lines are exactly Zod's.
      expect(helmSays.lines).toEqual(zod.get(helmSays.chart!) ?? ['(Zod found nothing in this chart)']);
    });
    // Both verdicts must be exercised, or the agreement proves nothing.
    expect(failing).toBeGreaterThan(4);
    expect(failing).toBeLessThan(22);
  }, 600_000);
});
