// Report ranges: whole UTC days, both ends inclusive, as the reports API takes them (YYYY-MM-DD).

export interface DayRange {
  from: string;
  to: string;
}

export const PRESETS = [7, 30, 90] as const;

const DAY_MS = 86_400_000;

function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDay(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || toDay(ms) !== day ? null : ms;
}

export function todayUtc(): string {
  return toDay(Date.now());
}

export function isDay(day: string): boolean {
  return parseDay(day) !== null;
}

export function addDays(day: string, n: number): string {
  return toDay(parseDay(day)! + n * DAY_MS);
}

// The `days` days ending today.
export function lastDays(days: number): DayRange {
  const to = todayUtc();
  return { from: addDays(to, -(days - 1)), to };
}

export function lengthInDays(r: DayRange): number {
  return Math.round((parseDay(r.to)! - parseDay(r.from)!) / DAY_MS) + 1;
}

// The range of the same length that ends the day before `r` starts.
export function previousPeriod(r: DayRange): DayRange {
  const n = lengthInDays(r);
  const to = addDays(r.from, -1);
  return { from: addDays(to, -(n - 1)), to };
}

// The time-series interval that keeps a chart readable: days up to three months, then weeks, then months.
export function intervalFor(r: DayRange): "day" | "week" | "month" {
  const n = lengthInDays(r);
  return n <= 92 ? "day" : n <= 400 ? "week" : "month";
}

export interface RangeChoice {
  preset: number | "custom";
  range: DayRange;
}

// The range the URL asks for: ?from=&to= (custom) or ?days=7|30|90; 30 days by default.
export function rangeFromQuery(q: URLSearchParams): RangeChoice {
  const from = q.get("from") ?? "";
  const to = q.get("to") ?? "";
  if (isDay(from) && isDay(to) && from <= to) return { preset: "custom", range: { from, to } };
  const days = Number(q.get("days"));
  const preset = (PRESETS as readonly number[]).includes(days) ? days : 30;
  return { preset, range: lastDays(preset) };
}
