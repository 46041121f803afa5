// The program's partners: list, create, suspend or activate; and the page of one partner.

import { useState } from "preact/hooks";
import { get, listAll, patch, post } from "../../api";
import { useAsync } from "../../async";
import { Form, FormError, SelectField, TextField, useSubmit } from "../../components/forms";
import { LinksManager } from "../../components/links";
import { RangePicker } from "../../components/range";
import { ChartSection, KpiSection } from "../../components/reports";
import { PageHeader, useTitle } from "../../components/shell";
import { Async, Empty, ErrorBox, Loading, NotFound } from "../../components/states";
import { DataTable, type Column } from "../../components/table";
import { rangeFromQuery } from "../../dates";
import { fmtDate, fmtDateTime, fmtMoney, NONE } from "../../format";
import { useLocation } from "../../router";
import type { Conversion, Partner, PartnerStatus, Program, Referral } from "../../types";
import { ProgramGate, ProgramPicker, reloadPrograms, usePrograms } from "./programs_context";

const STATUSES: PartnerStatus[] = ["active", "pending", "suspended"];

interface PartnerDraft {
  name: string;
  email: string;
  group: string;
  status: PartnerStatus;
}

function PartnerForm({
  program,
  editing,
  onSaved,
}: {
  program: Program;
  editing: Partner | null;
  onSaved: (p: Partner) => void;
}) {
  const [draft, setDraft] = useState<PartnerDraft>(
    editing
      ? { name: editing.name, email: editing.email, group: editing.group ?? "", status: editing.status }
      : { name: "", email: "", group: "", status: "active" },
  );
  const submit = useSubmit();
  const set = (k: keyof PartnerDraft) => (v: string) => setDraft({ ...draft, [k]: v });
  const save = () =>
    submit.run(async () => {
      const body = { name: draft.name, email: draft.email, group: draft.group.trim() || null, status: draft.status };
      if (editing) {
        onSaved(await patch<Partner>(`/partners/${editing.id}`, body));
      } else {
        onSaved(await post<Partner>("/partners", { ...body, program_id: program.id }));
        setDraft({ name: "", email: "", group: "", status: "active" });
      }
    });
  return (
    <Form label={editing ? `Edit ${editing.name}` : "Add a partner"} onSubmit={save} class="form form-grid">
      <TextField label="Name" value={draft.name} onValue={set("name")} error={submit.fieldError("name")} required />
      <TextField label="Email" type="email" value={draft.email} onValue={set("email")} error={submit.fieldError("email")} required />
      <TextField
        label="Group (optional)"
        value={draft.group}
        onValue={set("group")}
        hint="A tier such as gold; commission rules can depend on it"
        error={submit.fieldError("group")}
      />
      <SelectField
        label="Status"
        value={draft.status}
        onValue={set("status")}
        options={STATUSES.map((s) => ({ value: s, label: s }))}
        error={submit.fieldError("status")}
      />
      <FormError error={submit.error} />
      <div class="form-actions">
        <button type="submit" disabled={submit.busy}>
          {submit.busy ? "Saving…" : editing ? "Save partner" : "Add partner"}
        </button>
      </div>
    </Form>
  );
}

export function PartnersPage() {
  useTitle("Partners");
  return (
    <ProgramGate>
      {(program, all) => (
        <>
          <PageHeader title="Partners">
            <ProgramPicker program={program} all={all} />
          </PageHeader>
          <PartnerList program={program} />
        </>
      )}
    </ProgramGate>
  );
}

function PartnerList({ program }: { program: Program }) {
  const partners = useAsync((signal) => listAll<Partner>("/partners", { program_id: program.id }, 2000, signal), [program.id]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const replace = (p: Partner, created: boolean) => {
    const current = partners.state.status === "ok" ? partners.state.data.data : [];
    partners.setData({ data: created ? [p, ...current] : current.map((x) => (x.id === p.id ? p : x)), truncated: false });
  };
  const setStatus = async (p: Partner, status: PartnerStatus) => {
    setError(null);
    try {
      replace(await patch<Partner>(`/partners/${p.id}`, { status }), false);
      setNotice(`${p.name} is now ${status}.`);
    } catch (e) {
      setError(e);
    }
  };
  const columns: Column<Partner>[] = [
    { key: "name", label: "Name", render: (p) => <a href={`/dashboard/partners/${p.id}`}>{p.name}</a> },
    { key: "email", label: "Email", render: (p) => p.email },
    { key: "group", label: "Group", render: (p) => p.group ?? NONE },
    { key: "status", label: "Status", render: (p) => <span class={`badge ${p.status}`}>{p.status}</span> },
    { key: "created", label: "Joined", render: (p) => fmtDate(p.created_at) },
    {
      key: "actions",
      label: "Actions",
      render: (p) =>
        p.status === "active" ? (
          <button type="button" class="secondary small" onClick={() => void setStatus(p, "suspended")} aria-label={`Suspend ${p.name}`}>
            Suspend
          </button>
        ) : (
          <button type="button" class="secondary small" onClick={() => void setStatus(p, "active")} aria-label={`Activate ${p.name}`}>
            Activate
          </button>
        ),
    },
  ];
  return (
    <>
      <details class="panel create">
        <summary>Add a partner</summary>
        <PartnerForm
          program={program}
          editing={null}
          onSaved={(p) => {
            replace(p, true);
            setNotice(`Added ${p.name}.`);
          }}
        />
      </details>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <FormError error={error} />
      <Async state={partners.state} reload={partners.reload}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No partners in this program yet.</Empty>
          ) : (
            <DataTable caption={`Partners of ${program.name}`} captionHidden columns={columns} rows={data} rowKey={(p) => p.id} />
          )
        }
      </Async>
    </>
  );
}

export function PartnerPage({ id }: { id: string }) {
  const partner = useAsync((signal) => get<Partner>(`/partners/${encodeURIComponent(id)}`, {}, signal), [id]);
  const programs = usePrograms();
  return (
    <Async state={partner.state} reload={partner.reload} what="partner">
      {(p) => {
        if (programs.status === "error") return <ErrorBox error={programs.error} onRetry={() => void reloadPrograms()} />;
        if (programs.status !== "ok") return <Loading />;
        const program = programs.programs.find((x) => x.id === p.program_id);
        if (!program) return <NotFound what="partner" />;
        return <PartnerDetail partner={p} program={program} onChange={partner.setData} />;
      }}
    </Async>
  );
}

function PartnerDetail({ partner, program, onChange }: { partner: Partner; program: Program; onChange: (p: Partner) => void }) {
  useTitle(partner.name);
  const { query } = useLocation();
  const choice = rangeFromQuery(query);
  const scope = { program_id: program.id, partner_id: partner.id };
  const [saved, setSaved] = useState(false);
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/dashboard/partners">Partners</a> <span aria-hidden="true">›</span> <span aria-current="page">{partner.name}</span>
      </nav>
      <PageHeader
        title={
          <>
            {partner.name} <span class={`badge ${partner.status}`}>{partner.status}</span>
          </>
        }
      >
        <RangePicker choice={choice} />
      </PageHeader>
      <p class="subtle">
        {partner.email} · {program.name}
        {partner.group ? ` · group ${partner.group}` : ""}
      </p>
      <details class="panel create">
        <summary>Edit partner</summary>
        <PartnerForm
          program={program}
          editing={partner}
          onSaved={(p) => {
            onChange(p);
            setSaved(true);
          }}
        />
        {saved && (
          <p class="notice" role="status">
            Saved.
          </p>
        )}
      </details>
      <KpiSection scope={scope} range={choice.range} />
      <ChartSection scope={scope} range={choice.range} currency={program.currency} />
      <section class="panel" aria-labelledby="links-title">
        <h2 id="links-title">Links</h2>
        <LinksManager program={program} partners={[partner]} partnerId={partner.id} />
      </section>
      <PartnerPipeline partner={partner} program={program} />
      <PartnerConversions partner={partner} />
    </>
  );
}

function PartnerPipeline({ partner, program }: { partner: Partner; program: Program }) {
  const referrals = useAsync((signal) => listAll<Referral>("/referrals", { partner_id: partner.id }, 1000, signal), [partner.id]);
  const stageName = new Map(program.stages.map((s) => [s.key, s.name]));
  return (
    <section class="panel" aria-labelledby="pipeline-title">
      <div class="panel-head">
        <h2 id="pipeline-title">Referral pipeline</h2>
        <a class="button secondary small" href={`/dashboard/board?partner=${partner.id}`}>
          Open on the board
        </a>
      </div>
      <Async state={referrals.state} reload={referrals.reload}>
        {({ data, truncated }) => {
          if (data.length === 0) return <Empty>No referrals yet.</Empty>;
          const counts = new Map<string, number>();
          for (const r of data) counts.set(r.stage, (counts.get(r.stage) ?? 0) + 1);
          return (
            <>
              <ol class="pipeline" aria-label="Referrals per stage">
                {program.stages.map((s) => (
                  <li key={s.key} class={`pipeline-stage ${s.kind}`}>
                    <span class="pipeline-count">{counts.get(s.key) ?? 0}</span>
                    <span class="pipeline-name">{s.name}</span>
                  </li>
                ))}
              </ol>
              <DataTable
                caption="Latest referrals"
                columns={[
                  { key: "customer", label: "Customer", render: (r: Referral) => r.customer.name || r.customer.email || r.customer.external_id || NONE },
                  { key: "stage", label: "Stage", render: (r: Referral) => stageName.get(r.stage) ?? r.stage },
                  { key: "value", label: "Value", numeric: true, render: (r: Referral) => fmtMoney(r.value) },
                  { key: "source", label: "Source", render: (r: Referral) => r.source },
                  { key: "created", label: "Created", render: (r: Referral) => fmtDateTime(r.created_at) },
                ]}
                rows={data.slice(0, 10)}
                rowKey={(r) => r.id}
              />
              {truncated && <p class="subtle">Counting the newest {data.length} referrals.</p>}
            </>
          );
        }}
      </Async>
    </section>
  );
}

export function commissionOf(c: Conversion, partnerId: string): number {
  return c.commissions.filter((x) => x.partner_id === partnerId).reduce((sum, x) => sum + x.amount.amount, 0);
}

function PartnerConversions({ partner }: { partner: Partner }) {
  const conversions = useAsync((signal) => listAll<Conversion>("/conversions", { partner_id: partner.id }, 50, signal), [partner.id]);
  return (
    <section class="panel" aria-labelledby="conversions-title">
      <h2 id="conversions-title">Latest conversions</h2>
      <Async state={conversions.state} reload={conversions.reload}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No conversions credited to this partner yet.</Empty>
          ) : (
            <DataTable
              caption="Latest conversions"
              captionHidden
              columns={[
                { key: "at", label: "When", render: (c: Conversion) => fmtDateTime(c.occurred_at) },
                { key: "order", label: "Order", render: (c: Conversion) => c.external_id },
                { key: "type", label: "Type", render: (c: Conversion) => c.type },
                { key: "amount", label: "Amount", numeric: true, render: (c: Conversion) => fmtMoney({ amount: c.amount, currency: c.currency }) },
                {
                  key: "commission",
                  label: "Commission",
                  numeric: true,
                  render: (c: Conversion) => fmtMoney({ amount: commissionOf(c, partner.id), currency: c.currency }),
                },
              ]}
              rows={data}
              rowKey={(c) => c.id}
            />
          )
        }
      </Async>
    </section>
  );
}
