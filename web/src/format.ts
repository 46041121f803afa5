// Numbers, money, dates and durations for the browser's locale (Intl). An absent value is an em dash.

import type { Money } from "./types";

export const NONE = "—";

const locale: string | undefined = undefined; // the browser's

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat(locale, {
  style: "percent",
  maximumFractionDigits: 1,
  signDisplay: "exceptZero",
});
const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const localDateFmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormats.set(currency, f);
  }
  return f;
}

// The currency's minor-unit digits (2 for EUR, 0 for JPY, 3 for BHD), as Intl knows them.
export function currencyDigits(currency: string): number {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

export function minorToMajor(amount: number, currency: string): number {
  return amount / 10 ** currencyDigits(currency);
}

export function majorToMinor(text: string, currency: string): number | null {
  const n = Number(text.trim().replace(",", "."));
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.round(n * 10 ** currencyDigits(currency));
}

export function fmtMoney(m: Money | null | undefined): string {
  if (!m) return NONE;
  return moneyFormat(m.currency).format(minorToMajor(m.amount, m.currency));
}

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? NONE : integer.format(n);
}

// Conversions may be fractional under multi-touch attribution.
export function fmtCount(n: number | null | undefined): string {
  return n === null || n === undefined ? NONE : count.format(n);
}

export function fmtPercent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? NONE : percent.format(fraction);
}

export function fmtSignedPercent(fraction: number): string {
  return signedPercent.format(fraction);
}

const durationUnits: [unit: "day" | "hour" | "minute" | "second", seconds: number][] = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];
const durationFormats = new Map<string, Intl.NumberFormat>();

// 3.2 days, 5 hours, 12 minutes: the largest unit the duration reaches (two of it for days).
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return NONE;
  const [unit, size] =
    durationUnits.find(([u, s]) => seconds >= (u === "day" ? 2 * s : s)) ?? durationUnits[durationUnits.length - 1]!;
  let f = durationFormats.get(unit);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 1 });
    durationFormats.set(unit, f);
  }
  return f.format(seconds / size);
}

// A report day (YYYY-MM-DD, a UTC calendar day).
export function fmtDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dateFmt.format(d);
}

// The local calendar day of a timestamp.
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : localDateFmt.format(d);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFmt.format(d);
}
