/**
 * CronJob schedules as the API server parses them: robfig/cron v3's standard parser (five fields,
 * `*`/`?`, ranges, steps, month and weekday names, `@yearly`…`@hourly` and `@every <duration>`), with
 * its error texts. Also answers whether a parsed schedule can ever fire: the server admits
 * `0 0 31 2 *`, and the CronJob controller then reports InvalidSchedule.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOWS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DOWS },
];

export interface CronSchedule {
  /** Allowed values per field (minute, hour, day of month, month, day of week); undefined for `@every`. */
  sets?: Array<Set<number>>;
  /** Whether the day-of-month / day-of-week field was `*` or `?` (robfig's star bit). */
  domStar?: boolean;
  dowStar?: boolean;
}

class CronError extends Error {}

/** Go's strconv.Atoi for the values cron accepts (optional sign, decimal digits). */
function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names) {
    const v = names[expr.toLowerCase()];
    if (v !== undefined) return v;
  }
  return mustParseInt(expr);
}

function parseRange(expr: string, r: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (single) end = r.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, r: Bounds): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) if (parseRange(expr, r, set)) star = true;
  return { set, star };
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Go's time.ParseDuration grammar: a signed sequence of decimal numbers with units ns us µs ms s m h. */
const GO_DURATION_RE = /^[-+]?(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$/;

/** Parses `spec` like cron.ParseStandard; throws CronError with robfig's message. */
function parse(spec: string, isKnownZone: (tz: string) => boolean): CronSchedule {
  if (spec.length === 0) throw new CronError('empty spec string');
  let s = spec;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const eq = s.indexOf('=');
    const zone = s.slice(eq + 1, i < 0 ? undefined : i).trim();
    if (!isKnownZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const d = s.slice('@every '.length);
      if (!GO_DURATION_RE.test(d)) throw new CronError(`failed to parse duration ${s}: time: invalid duration ${JSON.stringify(d)}`);
      return {};
    }
    const expanded = DESCRIPTORS[s];
    if (!expanded) throw new CronError(`unrecognized descriptor: ${s}`);
    s = expanded;
  }
  const fields = s.split(/[ \t\n\r\v\f]+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const parsed = fields.map((f, i) => parseField(f, FIELDS[i]!));
  return { sets: parsed.map((p) => p.set), domStar: parsed[2]!.star, dowStar: parsed[4]!.star };
}

export function parseCron(spec: string, isKnownZone: (tz: string) => boolean): { schedule: CronSchedule } | { error: string } {
  try {
    return { schedule: parse(spec, isKnownZone) };
  } catch (err) {
    if (err instanceof CronError) return { error: err.message };
    throw err;
  }
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether the schedule can ever fire. robfig/cron matches a day when day-of-month AND day-of-week
 * match if either field was `*`, else when either matches. Every weekday comes in every month, so
 * only a restricted day of month with an unrestricted weekday can be impossible: a day that none of
 * the months has (31 February, 31 April), and then Next() gives up.
 */
export function canFire(s: CronSchedule): boolean {
  if (!s.sets || s.domStar || !s.dowStar) return true;
  const [, , dom, month] = s.sets as [Set<number>, Set<number>, Set<number>, Set<number>];
  return [...month].some((m) => [...dom].some((d) => d <= DAYS_IN_MONTH[m]!));
}
