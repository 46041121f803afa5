// Report sections shared by the dashboard, the partner page and the portal. `scope` holds the filters
// (program_id for admins; nothing for partners, whose scope the server forces).

import { useState } from "preact/hooks";
import { apiUrl, get, type Query } from "../api";
import { useAsync } from "../async";
import { intervalFor, lengthInDays, previousPeriod, type DayRange } from "../dates";
import { fmtCount, fmtDay, fmtDuration, fmtInt, fmtMoney, fmtPercent } from "../format";
import type { FunnelReport, FunnelRow, SummaryReport, SummaryRow, TimeseriesReport } from "../types";
import { TimeChart } from "./chart";
import { KpiTiles } from "./kpis";
import { Async, Empty } from "./states";
import { DataTable, type Column } from "./table";

export type Scope = Query;

function rangeLabel(range: DayRange): string {
  return `${fmtDay(range.from)} – ${fmtDay(range.to)}`;
}

export function KpiSection({
  scope,
  range,
  audience = "program",
}: {
  scope: Scope;
  range: DayRange;
  audience?: "program" | "partner";
}) {
  const prev = previousPeriod(range);
  const { state, reload } = useAsync(
    (signal) =>
      Promise.all([
        get<SummaryReport>("/reports/summary", { ...scope, ...range, limit: 1 }, signal),
        get<SummaryReport>("/reports/summary", { ...scope, ...prev, limit: 1 }, signal),
      ]),
    [JSON.stringify(scope), range.from, range.to],
  );
  return (
    <section class="panel" aria-labelledby="kpi-title">
      <h2 id="kpi-title">
        Key numbers <span class="subtle">{rangeLabel(range)}</span>
      </h2>
      <Async state={state} reload={reload}>
        {([current, previous]) =>
          current.total ? (
            <KpiTiles
              current={current.total}
              previous={previous.total}
              previousLabel={`vs previous ${lengthInDays(range)} days`}
              audience={audience}
            />
          ) : (
            <Empty>These numbers are in several currencies and have no total.</Empty>
          )
        }
      </Async>
    </section>
  );
}

export function ChartSection({ scope, range, currency }: { scope: Scope; range: DayRange; currency: string }) {
  const interval = intervalFor(range);
  const { state, reload } = useAsync(
    (signal) => get<TimeseriesReport>("/reports/timeseries", { ...scope, ...range, interval }, signal),
    [JSON.stringify(scope), range.from, range.to, interval],
  );
  return (
    <section class="panel" aria-labelledby="chart-title">
      <h2 id="chart-title">Over time</h2>
      <Async state={state} reload={reload}>
        {(report) =>
          report.data.every((r) => r.clicks === 0 && r.referrals === 0 && r.conversions === 0) ? (
            <Empty>No clicks, referrals or conversions in this period.</Empty>
          ) : (
            <TimeChart
              rows={report.data}
              currency={currency}
              label={`Clicks, referrals, conversions and revenue per ${interval}`}
            />
          )
        }
      </Async>
    </section>
  );
}

export function FunnelSection({ scope, range }: { scope: Scope; range: DayRange }) {
  const { state, reload } = useAsync(
    (signal) => get<FunnelReport>("/reports/funnel", { ...scope, ...range }, signal),
    [JSON.stringify(scope), range.from, range.to],
  );
  return (
    <section class="panel" aria-labelledby="funnel-title">
      <h2 id="funnel-title">Funnel</h2>
      <p class="subtle">Referrals created in the period, stage by stage.</p>
      <Async state={state} reload={reload}>
        {(report) => {
          const max = Math.max(1, ...report.data.map((r) => r.entered));
          if (report.data.every((r) => r.entered === 0)) return <Empty>No referrals were created in this period.</Empty>;
          const columns: Column<FunnelRow>[] = [
            { key: "name", label: "Stage", render: (r) => r.name },
            {
              key: "entered",
              label: "Entered",
              numeric: true,
              render: (r) => (
                <span class="bar-cell">
                  <span class="bar" style={{ width: `${(r.entered / max) * 100}%` }} aria-hidden="true" />
                  {fmtInt(r.entered)}
                </span>
              ),
            },
            { key: "moved_on", label: "Moved on", numeric: true, render: (r) => fmtInt(r.moved_on) },
            { key: "moved_on_rate", label: "Moved on (share)", numeric: true, render: (r) => fmtPercent(r.moved_on_rate) },
            {
              key: "time",
              label: "Median time in stage",
              numeric: true,
              render: (r) => fmtDuration(r.time_in_stage.median_s),
            },
          ];
          return <DataTable caption="Funnel by stage" captionHidden columns={columns} rows={report.data} rowKey={(r) => r.stage} />;
        }}
      </Async>
    </section>
  );
}

export type TopGroup = "partner" | "campaign" | "channel" | "link";

function groupLabel(group: TopGroup, row: SummaryRow, partnerHref?: (id: string) => string) {
  const g = row.group;
  switch (group) {
    case "partner":
      return partnerHref && g.partner_id ? <a href={partnerHref(g.partner_id)}>{g.partner_name}</a> : g.partner_name;
    case "campaign":
      return g.campaign ? g.campaign : <span class="subtle">(no campaign)</span>;
    case "channel":
      return g.channel ? g.channel : <span class="subtle">(no channel)</span>;
    case "link":
      return g.code ? g.code : <span class="subtle">(no link: coupons, deals)</span>;
  }
}

const TITLES: Record<TopGroup, string> = {
  partner: "Top partners",
  campaign: "Top campaigns",
  channel: "Top channels",
  link: "Top links",
};

export function TopTable({
  scope,
  range,
  group,
  partnerHref,
}: {
  scope: Scope;
  range: DayRange;
  group: TopGroup;
  partnerHref?: (id: string) => string;
}) {
  const [sort, setSort] = useState("-revenue");
  const [all, setAll] = useState(false);
  const limit = all ? 1000 : 10;
  const { state, reload } = useAsync(
    (signal) => get<SummaryReport>("/reports/summary", { ...scope, ...range, group_by: group, sort, limit }, signal),
    [JSON.stringify(scope), range.from, range.to, group, sort, limit],
  );
  const columns: Column<SummaryRow>[] = [
    { key: "group", label: group[0]!.toUpperCase() + group.slice(1), render: (r) => groupLabel(group, r, partnerHref) },
    { key: "clicks", label: "Clicks", numeric: true, sortable: true, render: (r) => fmtInt(r.clicks) },
    { key: "referrals", label: "Referrals", numeric: true, sortable: true, render: (r) => fmtInt(r.referrals) },
    { key: "conversions", label: "Conversions", numeric: true, sortable: true, render: (r) => fmtCount(r.conversions) },
    {
      key: "referral_to_conversion_rate",
      label: "Conv. rate",
      numeric: true,
      sortable: true,
      render: (r) => fmtPercent(r.referral_to_conversion_rate),
    },
    { key: "revenue", label: "Revenue", numeric: true, sortable: true, render: (r) => fmtMoney(r.revenue) },
    { key: "commission", label: "Commission", numeric: true, sortable: true, render: (r) => fmtMoney(r.commission) },
    { key: "roi", label: "ROI", numeric: true, sortable: true, render: (r) => fmtPercent(r.roi) },
  ];
  const title = TITLES[group];
  const id = `top-${group}`;
  return (
    <section class="panel" aria-labelledby={id} data-top={group}>
      <div class="panel-head">
        <h2 id={id}>{title}</h2>
        <a
          class="button secondary small"
          href={apiUrl("/reports/summary", { ...scope, ...range, group_by: group, sort, format: "csv" })}
          download
        >
          Download CSV
        </a>
      </div>
      <Async state={state} reload={reload}>
        {(report) =>
          report.data.length === 0 ? (
            <Empty>Nothing in this period.</Empty>
          ) : (
            <>
              <DataTable
                caption={`${title}, ${rangeLabel(range)}`}
                captionHidden
                columns={columns}
                rows={report.data}
                rowKey={(r, i) => JSON.stringify(r.group) + i}
                sort={sort}
                onSort={setSort}
              />
              {(report.has_more || all) && (
                <button type="button" class="link-button" onClick={() => setAll(!all)}>
                  {all ? "Show the top 10" : "Show all"}
                </button>
              )}
            </>
          )
        }
      </Async>
    </section>
  );
}
