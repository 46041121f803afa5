// The time series as a uPlot chart: clicks, referrals and conversions on the left axis, revenue on the
// right. Checkboxes (not the canvas legend) switch series, so the keyboard can; the numbers are also a
// table under the chart.

import { useEffect, useId, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { fmtCount, fmtDay, fmtInt, fmtMoney, minorToMajor } from "../format";
import type { TimeseriesRow } from "../types";
import { DataTable } from "./table";

interface Series {
  key: "clicks" | "referrals" | "conversions" | "revenue";
  label: string;
  color: string;
  money?: boolean;
}

const SERIES: Series[] = [
  { key: "clicks", label: "Clicks", color: "#64748b" },
  { key: "referrals", label: "Referrals", color: "#2563eb" },
  { key: "conversions", label: "Conversions", color: "#16a34a" },
  { key: "revenue", label: "Revenue", color: "#c2410c", money: true },
];

const axisDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

function valueOf(row: TimeseriesRow, s: Series, currency: string): number {
  if (s.key === "revenue") return minorToMajor(row.revenue.amount, currency);
  return row[s.key];
}

export function TimeChart({ rows, currency, label }: { rows: TimeseriesRow[]; currency: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [shown, setShown] = useState<Record<string, boolean>>({ clicks: true, referrals: true, conversions: true, revenue: true });
  const id = useId();

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const moneyCompact = new Intl.NumberFormat(undefined, {
      style: "currency",
      currency,
      notation: "compact",
      maximumFractionDigits: 1,
    });
    const moneyFull = new Intl.NumberFormat(undefined, { style: "currency", currency });
    const xs = rows.map((r) => Date.parse(`${r.period}T00:00:00Z`) / 1000);
    const data: uPlot.AlignedData = [xs, ...SERIES.map((s) => rows.map((r) => valueOf(r, s, currency)))];
    // Both axes start at 0. A day whose refunds exceed its sales takes revenue below 0: then the count axis
    // reaches as far below 0, in proportion, so that the two zero lines are one.
    const counts = data.slice(1, 4).flatMap((ys) => ys as number[]);
    const revenue = data[4] as number[];
    const countMax = Math.max(1, ...counts) * 1.1;
    const moneyMax = Math.max(1, ...revenue) * 1.1;
    const moneyMin = Math.min(0, ...revenue) * 1.1;
    const countRange: uPlot.Range.MinMax = [(countMax * moneyMin) / moneyMax, countMax];
    const moneyRange: uPlot.Range.MinMax = [moneyMin, moneyMax];
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: el.clientWidth < 500 ? 220 : 300,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: {
        x: { time: true },
        count: { range: () => countRange },
        money: { range: () => moneyRange },
      },
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "Day", value: (_u, v) => (v == null ? "" : fmtDay(new Date(v * 1000).toISOString().slice(0, 10))) },
        ...SERIES.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.money ? "money" : "count",
          show: shown[s.key] ?? true,
          ...(s.money ? { dash: [6, 4] } : {}),
          value: (_u: uPlot, v: number | null) => (v == null ? "" : s.money ? moneyFull.format(v) : fmtCount(v)),
        })),
      ],
      axes: [
        { values: (_u, splits) => splits.map((v) => axisDay.format(new Date(v * 1000))) },
        { scale: "count", values: (_u, splits) => splits.map((v) => (v < 0 ? "" : compact.format(v))), size: 50 },
        {
          scale: "money",
          side: 1,
          values: (_u, splits) => splits.map((v) => moneyCompact.format(v)),
          grid: { show: false },
          size: 64,
        },
      ],
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const width = Math.max(280, el.clientWidth);
      if (width !== u.width) u.setSize({ width, height: width < 500 ? 220 : 300 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [rows, currency]);

  const toggle = (key: string, index: number, on: boolean) => {
    setShown((s) => ({ ...s, [key]: on }));
    plot.current?.setSeries(index + 1, { show: on });
  };

  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{label}</figcaption>
      <fieldset class="series-toggles">
        <legend class="visually-hidden">Series shown</legend>
        {SERIES.map((s, i) => (
          <label key={s.key} class={`swatch swatch-${s.key}`}>
            <input type="checkbox" checked={shown[s.key]} onChange={(e) => toggle(s.key, i, e.currentTarget.checked)} />
            {s.label}
            {s.money ? " (right axis)" : ""}
          </label>
        ))}
      </fieldset>
      <div class="chart-canvas" ref={box} role="img" aria-label={`${label}: chart; the numbers follow as a table`} />
      <details class="chart-table">
        <summary>Show the numbers as a table</summary>
        <DataTable
          caption={label}
          captionHidden
          rows={rows}
          rowKey={(r) => r.period}
          columns={[
            { key: "period", label: "Period", render: (r) => fmtDay(r.period) },
            { key: "clicks", label: "Clicks", numeric: true, render: (r) => fmtInt(r.clicks) },
            { key: "referrals", label: "Referrals", numeric: true, render: (r) => fmtInt(r.referrals) },
            { key: "conversions", label: "Conversions", numeric: true, render: (r) => fmtCount(r.conversions) },
            { key: "revenue", label: "Revenue", numeric: true, render: (r) => fmtMoney(r.revenue) },
          ]}
        />
      </details>
    </figure>
  );
}
