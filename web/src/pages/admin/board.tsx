// The referrals of a program as a board: one column per stage; a card moves with a select and a button
// (PATCH /referrals/{id} with the new stage). Won and lost are final.

import { useState } from "preact/hooks";
import { describeError, listAll, patch } from "../../api";
import { useAsync } from "../../async";
import { SelectField } from "../../components/forms";
import { PageHeader, useTitle } from "../../components/shell";
import { Async, Empty } from "../../components/states";
import { fmtDateTime, fmtMoney } from "../../format";
import { setQuery, useLocation } from "../../router";
import type { Partner, Program, Referral, Stage } from "../../types";
import { ProgramGate, ProgramPicker } from "./programs_context";

const PER_COLUMN = 25;

export function BoardPage() {
  useTitle("Referrals");
  return (
    <ProgramGate>
      {(program, all) => (
        <>
          <PageHeader title="Referrals">
            <ProgramPicker program={program} all={all} />
          </PageHeader>
          <Board program={program} />
        </>
      )}
    </ProgramGate>
  );
}

function Board({ program }: { program: Program }) {
  const { query } = useLocation();
  const partnerFilter = query.get("partner") ?? "";
  const data = useAsync(
    async (signal) => {
      const [referrals, partners] = await Promise.all([
        listAll<Referral>("/referrals", partnerFilter ? { partner_id: partnerFilter } : { program_id: program.id }, 1000, signal),
        listAll<Partner>("/partners", { program_id: program.id }, 2000, signal),
      ]);
      return { referrals: referrals.data, truncated: referrals.truncated, partners: partners.data };
    },
    [program.id, partnerFilter],
  );

  return (
    <Async state={data.state} reload={data.reload}>
      {({ referrals, truncated, partners }) => {
        const names = new Map(partners.map((p) => [p.id, p.name]));
        const replace = (r: Referral) =>
          data.setData({ referrals: referrals.map((x) => (x.id === r.id ? r : x)), truncated, partners });
        const known = new Set(program.stages.map((s) => s.key));
        const retired: Stage[] = [...new Set(referrals.map((r) => r.stage).filter((k) => !known.has(k)))].map((key) => ({
          key,
          name: `${key} (retired)`,
          kind: "open",
        }));
        return (
          <>
            <div class="board-filters">
              <SelectField
                label="Partner"
                value={partnerFilter}
                onValue={(v) => setQuery({ partner: v || null })}
                options={[{ value: "", label: "All partners" }, ...partners.map((p) => ({ value: p.id, label: p.name }))]}
              />
              <p class="subtle">
                {referrals.length} referral{referrals.length === 1 ? "" : "s"}
                {truncated ? " (the newest 1,000)" : ""}
              </p>
            </div>
            {referrals.length === 0 ? (
              <Empty>No referrals yet. They appear here when partners bring leads.</Empty>
            ) : (
              <div class="board" aria-label="Referrals by stage">
                {[...program.stages, ...retired].map((stage) => (
                  <Column
                    key={stage.key}
                    stage={stage}
                    stages={program.stages}
                    referrals={referrals.filter((r) => r.stage === stage.key)}
                    names={names}
                    onMoved={replace}
                  />
                ))}
              </div>
            )}
          </>
        );
      }}
    </Async>
  );
}

function Column({
  stage,
  stages,
  referrals,
  names,
  onMoved,
}: {
  stage: Stage;
  stages: Stage[];
  referrals: Referral[];
  names: Map<string, string>;
  onMoved: (r: Referral) => void;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? referrals : referrals.slice(0, PER_COLUMN);
  const id = `stage-${stage.key}`;
  return (
    <section class={`board-column ${stage.kind}`} aria-labelledby={id} data-stage={stage.key}>
      <h2 id={id}>
        {stage.name} <span class="count">{referrals.length}</span>
      </h2>
      {referrals.length === 0 ? (
        <p class="subtle">None</p>
      ) : (
        <ul class="cards">
          {shown.map((r) => (
            <Card key={r.id} referral={r} stage={stage} stages={stages} partner={names.get(r.partner_id) ?? r.partner_id} onMoved={onMoved} />
          ))}
        </ul>
      )}
      {referrals.length > PER_COLUMN && (
        <button type="button" class="link-button" onClick={() => setAll(!all)}>
          {all ? `Show the first ${PER_COLUMN}` : `Show all ${referrals.length}`}
        </button>
      )}
    </section>
  );
}

function Card({
  referral,
  stage,
  stages,
  partner,
  onMoved,
}: {
  referral: Referral;
  stage: Stage;
  stages: Stage[];
  partner: string;
  onMoved: (r: Referral) => void;
}) {
  const targets = stages.filter((s) => s.key !== referral.stage);
  // The default move is one stage on.
  const here = stages.findIndex((s) => s.key === referral.stage);
  const [target, setTarget] = useState(stages[here + 1]?.key ?? targets[0]?.key ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const final = stage.kind === "won" || stage.kind === "lost";
  const who = referral.customer.name || referral.customer.email || referral.customer.external_id || referral.id;

  const move = async () => {
    setBusy(true);
    setError(null);
    try {
      onMoved(await patch<Referral>(`/referrals/${referral.id}`, { stage: target }));
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <li class="card" data-referral={referral.id}>
      <p class="card-title">{who}</p>
      <p class="card-meta">
        {partner}
        {referral.value ? ` · ${fmtMoney(referral.value)}` : ""}
      </p>
      <p class="card-meta subtle">
        {referral.source} · {fmtDateTime(referral.created_at)}
      </p>
      {final ? (
        <p class="card-final subtle">Final stage</p>
      ) : (
        <form
          class="card-move"
          onSubmit={(e) => {
            e.preventDefault();
            void move();
          }}
        >
          <label class="visually-hidden" for={`move-${referral.id}`}>
            Move {who} to
          </label>
          <select id={`move-${referral.id}`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            {targets.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
          <button type="submit" class="small" disabled={busy}>
            {busy ? "Moving…" : "Move"}
          </button>
        </form>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
