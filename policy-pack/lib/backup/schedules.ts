/**
 * AWS Backup schedules: `cron(...)` expressions (six fields: minutes, hours, day of
 * month, month, day of week, year), evaluated in the rule's `scheduleExpressionTimezone`
 * over the coming year. The longest gap between two runs is what a recovery point
 * objective depends on: a weekday schedule leaves the weekend open, a monthly one a
 * month, a daily run at a local time is 25 hours apart when the clocks go back, and a
 * local time the clocks skip when they go forward does not run that day.
 *
 * AWS Backup takes `cron()` only (its API rejects `rate()`), and rejects schedules that
 * run less than 60 minutes apart ("The interval between backup jobs shouldn't be less
 * than 60 minutes"): both are invalid here, not evaluated.
 *
 * `aws-cron-parser` computes the runs; it assumes AWS has validated the expression, so
 * the syntax is checked here first, field by field, and what the parser cannot
 * evaluate faithfully is reported as such rather than guessed.
 */
import type AwsCronParser from "aws-cron-parser";
import { awsCronParser } from "../modules";

type ParsedCron = ReturnType<typeof AwsCronParser.parse>;

/** AWS Backup's schedule when a rule sets none: daily at 05:00 UTC. */
export const AWS_DEFAULT_SCHEDULE = "cron(0 5 ? * * *)";
export const AWS_DEFAULT_TIMEZONE = "Etc/UTC";

export interface ParsedSchedule {
  readonly kind: "cron";
  readonly cron: ParsedCron;
  readonly text: string;
}

/** A parsed schedule, or why it is not one AWS accepts, or a valid form this pack cannot evaluate. */
export type ScheduleParse =
  | { readonly state: "ok"; readonly schedule: ParsedSchedule }
  | { readonly state: "invalid"; readonly problem: string }
  | { readonly state: "unsupported"; readonly problem: string };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS },
  { name: "year", min: 1970, max: 2199 },
];

class Problem {
  constructor(
    readonly state: "invalid" | "unsupported",
    readonly problem: string,
  ) {}
}

function number(token: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(token)) throw new Problem("invalid", `the ${spec.name} field holds something that is not a number`);
  const value = Number(token);
  if (value < spec.min || value > spec.max) {
    throw new Problem("invalid", `the ${spec.name} field holds a number outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/**
 * Checks one field and rewrites it into the plain numeric form the parser evaluates
 * correctly (names become numbers).
 */
function normalizeField(field: string, spec: FieldSpec): string {
  const dayOfMonth = spec.name === "day-of-month";
  const dayOfWeek = spec.name === "day-of-week";
  if (field === "?") {
    if (dayOfMonth || dayOfWeek) return field;
    throw new Problem("invalid", `the ${spec.name} field holds ?, which AWS allows only in day-of-month or day-of-week`);
  }
  if (field === "*") return field;
  if (dayOfMonth && field.toUpperCase() === "L") return "L";
  if (dayOfMonth && /^\d{1,2}W$/i.test(field)) return `${number(field.slice(0, -1), spec)}W`;
  if (dayOfMonth && /^(LW|L-\d+)$/i.test(field))
    throw new Problem("unsupported", `the day-of-month form ${field.toUpperCase()} cannot be evaluated`);
  // In the day-of-week field, L alone is the last day of the week (Saturday).
  if (dayOfWeek && field.toUpperCase() === "L") return "7";
  if (dayOfWeek && /^\w+L$/i.test(field)) return `${number(field.slice(0, -1), spec)}L`;
  if (dayOfWeek && /^\w+#\d$/.test(field)) {
    const [day, nth] = field.split("#") as [string, string];
    const n = Number(nth);
    if (n < 1 || n > 5) throw new Problem("invalid", "the day-of-week field asks for a week of the month outside 1-5");
    return `${number(day, spec)}#${n}`;
  }
  if (field.includes("/")) {
    const [base, step, ...rest] = field.split("/");
    if (rest.length > 0 || base === undefined || step === undefined || !/^\d+$/.test(step) || Number(step) < 1) {
      throw new Problem("invalid", `the ${spec.name} field has a malformed step`);
    }
    if (base.includes(",")) throw new Problem("unsupported", `the ${spec.name} field mixes a list with a step`);
    if (base === "*") return `*/${step}`;
    return `${range(base, spec)}/${step}`;
  }
  return field
    .split(",")
    .map((item) => range(item, spec))
    .join(",");
}

function range(item: string, spec: FieldSpec): string {
  if (item === "" || item === "*") throw new Problem("invalid", `the ${spec.name} field has an empty or misplaced element`);
  const bounds = item.split("-");
  if (bounds.length === 1) return String(number(item, spec));
  if (bounds.length !== 2) throw new Problem("invalid", `the ${spec.name} field has a malformed range`);
  const [from, to] = bounds.map((bound) => number(bound, spec)) as [number, number];
  if (from > to) throw new Problem("unsupported", `the ${spec.name} field has a range that wraps around`);
  return `${from}-${to}`;
}

/** Parses an AWS Backup schedule expression. */
export function parseSchedule(expression: string): ScheduleParse {
  const text = expression.trim();
  if (/^rate\(.*\)$/i.test(text)) return { state: "invalid", problem: "AWS Backup takes cron() expressions only, not rate()" };
  const cron = /^cron\((.*)\)$/i.exec(text);
  if (!cron) return { state: "invalid", problem: "it is not a cron() expression" };
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) return { state: "invalid", problem: `its cron() has ${fields.length} fields instead of 6` };
  const [, , dayOfMonth, , dayOfWeek] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return { state: "invalid", problem: "exactly one of its day-of-month and day-of-week fields must be ?" };
  }
  try {
    const normalized = fields.map((field, i) => normalizeField(field, FIELDS[i]!)).join(" ");
    const parsed = awsCronParser().parse(normalized);
    // Two minutes of one hour are less than 60 minutes apart: AWS Backup refuses the rule.
    if (parsed.minutes.length > 1) {
      return { state: "invalid", problem: "it runs more than once an hour, and AWS Backup takes schedules at least 60 minutes apart" };
    }
    return { state: "ok", schedule: { kind: "cron", cron: parsed, text: normalized } };
  } catch (error) {
    if (error instanceof Problem) return { state: error.state, problem: error.problem };
    return { state: "invalid", problem: "its cron() fields are malformed" };
  }
}

/** True when the IANA time zone name is one the runtime (and AWS) knows. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The zone's wall clock at an instant, as milliseconds of a UTC date with the same fields. */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
}

/**
 * The instant a wall-clock time of the zone happens, or `undefined` for a time the
 * clocks skip when they go forward: AWS's zoned schedulers skip such a run (EventBridge
 * Scheduler documents it: "your schedule invocation gets skipped if the cron expression
 * falls on a non-existent date and time"), so the gap around it is counted in full. A
 * time that happens twice when the clocks go back runs once.
 */
function instantOf(wall: number, timeZone: string): number | undefined {
  if (isUtc(timeZone)) return wall;
  const first = wallClock(wall, timeZone) - wall;
  let instant = wall - first;
  const second = wallClock(instant, timeZone) - instant;
  if (second !== first) {
    const retry = wall - second;
    if (wallClock(retry, timeZone) - retry === second) instant = retry;
  }
  return wallClock(instant, timeZone) === wall ? instant : undefined;
}

function isUtc(timeZone: string): boolean {
  return /^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/i.test(timeZone);
}

const gapCache = new Map<string, number>();

/**
 * The longest gap between consecutive runs of a schedule over the 366 days from `from`
 * (the time before the first run and after the last one count as gaps too, so a
 * schedule that stops running within the year never passes).
 */
export function longestGapHours(schedule: ParsedSchedule, timeZone: string, from: Date = new Date()): number {
  const start = Math.floor(from.getTime() / DAY) * DAY;
  const key = `${schedule.text}|${timeZone}|${start}`;
  const cached = gapCache.get(key);
  if (cached !== undefined) return cached;
  const gap = cronLongestGap(schedule.cron, timeZone, start, start + 366 * DAY);
  if (gapCache.size > 1000) gapCache.clear();
  gapCache.set(key, gap);
  return gap;
}

function cronLongestGap(cron: ParsedCron, timeZone: string, start: number, end: number): number {
  const minutes = cron.minutes.filter((m): m is number => typeof m === "number");
  const hours = cron.hours.filter((h): h is number => typeof h === "number");
  const times = hours.flatMap((h) => minutes.map((m) => (h * 60 + m) * MINUTE)).sort((a, b) => a - b);
  if (times.length === 0) return Infinity;
  let intraDay = 0;
  for (let i = 1; i < times.length; i++) intraDay = Math.max(intraDay, times[i]! - times[i - 1]!);
  // Run days first (the same expression at 00:00), then the times of each run day.
  const days = { ...cron, minutes: [0], hours: [0] };
  const plainDays =
    cron.daysOfMonth.length > 0 && cron.daysOfMonth.every((d) => typeof d === "number") ? new Set(cron.daysOfMonth) : undefined;
  let longest = 0;
  let previous: number | undefined;
  const see = (instant: number | undefined) => {
    if (instant === undefined || instant < start || instant > end) return;
    longest = Math.max(longest, instant - (previous ?? start));
    previous = instant;
  };
  const wallStart = wallClock(start, isUtc(timeZone) ? "UTC" : timeZone) - DAY;
  let cursor: Date | null = new Date(wallStart - MINUTE);
  while ((cursor = awsCronParser().next(days, cursor)) !== null && cursor.getTime() <= end + DAY) {
    const day = cursor.getTime();
    // The parser rolls a day the month lacks (31 April) into the next month: not a run.
    if (plainDays && !plainDays.has(cursor.getUTCDate())) continue;
    const first = instantOf(day + times[0]!, timeZone);
    const last = instantOf(day + times[times.length - 1]!, timeZone);
    if (first !== undefined && last !== undefined && last - first === times[times.length - 1]! - times[0]!) {
      // No clock change during the day: gaps inside it are as written.
      see(first);
      if (first >= start && last <= end) {
        longest = Math.max(longest, intraDay);
        previous = last;
      } else {
        for (const time of times.slice(1)) see(instantOf(day + time, timeZone));
      }
    } else {
      for (const time of times) see(instantOf(day + time, timeZone));
    }
  }
  longest = Math.max(longest, end - (previous ?? start));
  return longest / HOUR;
}
