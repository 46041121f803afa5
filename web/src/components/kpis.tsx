// The key numbers of a period, each with its change against the previous period of the same length.

import { fmtCount, fmtDuration, fmtInt, fmtMoney, fmtPercent, fmtSignedPercent, NONE } from "../format";
import type { Metrics } from "../types";

type Kind = "count" | "int" | "money" | "rate" | "duration";

interface Kpi {
  key: string;
  label: string;
  kind: Kind;
  value: (m: Metrics) => number | null;
  text: (m: Metrics) => string;
  // Whom a fall is good news for (green); by default a rise is. Commission is a program's cost, a partner's pay.
  lowerIsBetter?: "always" | "for the program";
}

export const KPIS: Kpi[] = [
  { key: "clicks", label: "Clicks", kind: "int", value: (m) => m.clicks, text: (m) => fmtInt(m.clicks) },
  { key: "referrals", label: "Referrals", kind: "int", value: (m) => m.referrals, text: (m) => fmtInt(m.referrals) },
  {
    key: "conversions",
    label: "Conversions",
    kind: "count",
    value: (m) => m.conversions,
    text: (m) => fmtCount(m.conversions),
  },
  {
    key: "click_to_referral_rate",
    label: "Click → referral",
    kind: "rate",
    value: (m) => m.click_to_referral_rate,
    text: (m) => fmtPercent(m.click_to_referral_rate),
  },
  {
    key: "referral_to_conversion_rate",
    label: "Referral → conversion",
    kind: "rate",
    value: (m) => m.referral_to_conversion_rate,
    text: (m) => fmtPercent(m.referral_to_conversion_rate),
  },
  { key: "revenue", label: "Revenue", kind: "money", value: (m) => m.revenue.amount, text: (m) => fmtMoney(m.revenue) },
  {
    key: "average_deal_size",
    label: "Average deal size",
    kind: "money",
    value: (m) => m.average_deal_size?.amount ?? null,
    text: (m) => fmtMoney(m.average_deal_size),
  },
  {
    key: "time_to_conversion",
    label: "Median time to conversion",
    kind: "duration",
    value: (m) => m.time_to_conversion.median_s,
    text: (m) => fmtDuration(m.time_to_conversion.median_s),
    lowerIsBetter: "always",
  },
  {
    key: "commission",
    label: "Commission",
    kind: "money",
    value: (m) => m.commission.amount,
    text: (m) => fmtMoney(m.commission),
    lowerIsBetter: "for the program",
  },
  { key: "roi", label: "ROI", kind: "rate", value: (m) => m.roi, text: (m) => fmtPercent(m.roi) },
];

const points = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, signDisplay: "exceptZero" });

interface Change {
  text: string;
  direction: "up" | "down" | "flat" | "none";
}

// Rates change in percentage points; everything else relative to the previous value.
export function changeOf(kpi: Kpi, current: Metrics, previous: Metrics | null): Change {
  const now = kpi.value(current);
  const before = previous ? kpi.value(previous) : null;
  if (now === null || before === null) return { text: NONE, direction: "none" };
  const direction = now > before ? "up" : now < before ? "down" : "flat";
  if (kpi.kind === "rate") return { text: `${points.format((now - before) * 100)} pp`, direction };
  if (before === 0) return { text: now === 0 ? fmtSignedPercent(0) : "new", direction };
  return { text: fmtSignedPercent((now - before) / Math.abs(before)), direction };
}

const arrows = { up: "▲", down: "▼", flat: "", none: "" };

// `audience`: whose good news an increase is. A program pays commission, a partner earns it.
export function KpiTiles({
  current,
  previous,
  previousLabel,
  audience = "program",
}: {
  current: Metrics;
  previous: Metrics | null;
  previousLabel: string;
  audience?: "program" | "partner";
}) {
  return (
    <ul class="kpis" aria-label="Key numbers">
      {KPIS.map((kpi) => {
        const change = changeOf(kpi, current, previous);
        const lowerIsBetter =
          kpi.lowerIsBetter === "always" || (kpi.lowerIsBetter === "for the program" && audience === "program");
        const good =
          change.direction === "flat" || change.direction === "none"
            ? "neutral"
            : (change.direction === "up") !== lowerIsBetter
              ? "good"
              : "bad";
        return (
          <li class="kpi" key={kpi.key} data-kpi={kpi.key}>
            <span class="kpi-label">{kpi.label}</span>
            <span class="kpi-value">{kpi.text(current)}</span>
            <span class={`kpi-change ${good}`}>
              {arrows[change.direction] && <span aria-hidden="true">{arrows[change.direction]} </span>}
              <span class="kpi-change-value">{change.text}</span> <span class="kpi-change-label">{previousLabel}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
