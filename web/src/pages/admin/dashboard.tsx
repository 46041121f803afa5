// The admin overview of a program: key numbers with their change, the chart, the funnel, and the top
// partners, campaigns and channels.

import { RangePicker } from "../../components/range";
import { ChartSection, FunnelSection, KpiSection, TopTable } from "../../components/reports";
import { PageHeader, useTitle } from "../../components/shell";
import { rangeFromQuery } from "../../dates";
import { useLocation } from "../../router";
import { ProgramGate, ProgramPicker } from "./programs_context";

export function DashboardPage() {
  useTitle("Dashboard");
  const { query } = useLocation();
  const choice = rangeFromQuery(query);
  return (
    <ProgramGate>
      {(program, all) => {
        const scope = { program_id: program.id };
        return (
          <>
            <PageHeader title="Dashboard">
              <ProgramPicker program={program} all={all} />
              <RangePicker choice={choice} />
            </PageHeader>
            <KpiSection scope={scope} range={choice.range} />
            <ChartSection scope={scope} range={choice.range} currency={program.currency} />
            <FunnelSection scope={scope} range={choice.range} />
            <TopTable
              scope={scope}
              range={choice.range}
              group="partner"
              partnerHref={(id) => `/dashboard/partners/${encodeURIComponent(id)}`}
            />
            <TopTable scope={scope} range={choice.range} group="campaign" />
            <TopTable scope={scope} range={choice.range} group="channel" />
          </>
        );
      }}
    </ProgramGate>
  );
}
