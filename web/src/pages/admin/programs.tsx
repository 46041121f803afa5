// Programs: their currency, destination domains, attribution, default commission and stages.

import { useState } from "preact/hooks";
import { patch, post } from "../../api";
import { Form, FormError, SelectField, TextAreaField, TextField, useSubmit } from "../../components/forms";
import { PageHeader, useTitle } from "../../components/shell";
import { Empty, ErrorBox, Loading } from "../../components/states";
import { DataTable } from "../../components/table";
import { currencyDigits, fmtDate, fmtMoney } from "../../format";
import type { CommissionRule, Program, Stage, StageKind } from "../../types";
import { rememberProgram, reloadPrograms, usePrograms } from "./programs_context";

const MODELS = ["last_click", "first_click", "linear", "position_based", "time_decay"];

function ruleText(rule: CommissionRule, currency: string): string {
  return rule.kind === "percent" ? `${rule.percent_bps / 100}%` : `${fmtMoney({ amount: rule.flat_minor, currency })} flat`;
}

function stagesText(stages: Stage[]): string {
  return stages.map((s) => `${s.key} | ${s.name} | ${s.kind}`).join("\n");
}

// "key | Name | kind" per line; name and kind may be left out.
function parseStages(text: string): { key: string; name?: string; kind?: StageKind }[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [key = "", name = "", kind = ""] = line.split("|").map((p) => p.trim());
      return { key, ...(name ? { name } : {}), ...(kind ? { kind: kind as StageKind } : {}) };
    });
}

interface Draft {
  name: string;
  currency: string;
  domains: string;
  model: string;
  window: string;
  ruleKind: "percent" | "flat";
  ruleValue: string;
  stages: string;
}

function draftOf(p: Program | null): Draft {
  if (!p) {
    return {
      name: "",
      currency: "EUR",
      domains: "",
      model: "last_click",
      window: "90",
      ruleKind: "percent",
      ruleValue: "10",
      stages: stagesText([
        { key: "new", name: "New", kind: "open" },
        { key: "qualified", name: "Qualified", kind: "open" },
        { key: "proposal", name: "Proposal", kind: "open" },
        { key: "won", name: "Won", kind: "won" },
        { key: "lost", name: "Lost", kind: "lost" },
      ]),
    };
  }
  const rule = p.commission.default_rule;
  return {
    name: p.name,
    currency: p.currency,
    domains: p.destination_domains.join("\n"),
    model: p.attribution.model,
    window: String(p.attribution.window_days),
    ruleKind: rule.kind,
    ruleValue:
      rule.kind === "percent"
        ? String(rule.percent_bps / 100)
        : String(rule.flat_minor / 10 ** currencyDigits(p.currency)),
    stages: stagesText(p.stages),
  };
}

function ProgramForm({ editing, onSaved }: { editing: Program | null; onSaved: (p: Program) => void }) {
  const [draft, setDraft] = useState<Draft>(draftOf(editing));
  const submit = useSubmit();
  const set = (k: keyof Draft) => (v: string) => setDraft({ ...draft, [k]: v });
  const save = () =>
    submit.run(async () => {
      const value = Number(draft.ruleValue.replace(",", "."));
      const default_rule =
        draft.ruleKind === "percent"
          ? { kind: "percent", percent_bps: Math.round(value * 100) }
          : { kind: "flat", flat_minor: Math.round(value * 10 ** currencyDigits(draft.currency || "EUR")) };
      const body = {
        name: draft.name,
        destination_domains: draft.domains.split(/[\s,]+/).filter(Boolean),
        attribution: { model: draft.model, window_days: Number(draft.window) },
        commission: { default_rule, by_group: editing?.commission.by_group ?? {} },
        stages: parseStages(draft.stages),
      };
      const saved = editing
        ? await patch<Program>(`/programs/${editing.id}`, body)
        : await post<Program>("/programs", { ...body, currency: draft.currency.trim() });
      onSaved(saved);
      if (!editing) setDraft(draftOf(null));
    });
  return (
    <Form label={editing ? `Edit ${editing.name}` : "Create a program"} onSubmit={save} class="form form-grid">
      <TextField label="Name" value={draft.name} onValue={set("name")} error={submit.fieldError("name")} required />
      <TextField
        label="Currency"
        value={draft.currency}
        onValue={set("currency")}
        hint={editing ? "Fixed once the program exists" : "ISO 4217, such as EUR or USD"}
        disabled={Boolean(editing)}
        maxLength={3}
        error={submit.fieldError("currency")}
        required
      />
      <TextAreaField
        label="Destination domains"
        value={draft.domains}
        onValue={set("domains")}
        hint="One per line; *.example.com for every sub-domain. Links may only lead there."
        error={submit.fieldError("destination_domains")}
        rows={3}
      />
      <SelectField
        label="Attribution model"
        value={draft.model}
        onValue={set("model")}
        options={MODELS.map((m) => ({ value: m, label: m.replace("_", " ") }))}
        error={submit.fieldError("attribution.model")}
      />
      <TextField
        label="Attribution window (days)"
        type="number"
        min={1}
        max={365}
        value={draft.window}
        onValue={set("window")}
        error={submit.fieldError("attribution.window_days")}
      />
      <SelectField
        label="Default commission"
        value={draft.ruleKind}
        onValue={(v) => setDraft({ ...draft, ruleKind: v as Draft["ruleKind"] })}
        options={[
          { value: "percent", label: "Percent of the sale" },
          { value: "flat", label: "Flat amount per sale" },
        ]}
      />
      <TextField
        label={draft.ruleKind === "percent" ? "Percent" : `Amount (${draft.currency || "currency"})`}
        inputMode="decimal"
        value={draft.ruleValue}
        onValue={set("ruleValue")}
        error={submit.fieldError("commission")}
      />
      <TextAreaField
        label="Stages"
        value={draft.stages}
        onValue={set("stages")}
        hint="One per line, in pipeline order: key | Name | open, won or lost"
        error={submit.fieldError("stages")}
        rows={6}
      />
      <FormError error={submit.error} />
      <div class="form-actions">
        <button type="submit" disabled={submit.busy}>
          {submit.busy ? "Saving…" : editing ? "Save program" : "Create program"}
        </button>
      </div>
    </Form>
  );
}

export function ProgramsPage() {
  useTitle("Programs");
  const state = usePrograms();
  const [editing, setEditing] = useState<Program | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const saved = (p: Program, verb: string) => {
    setNotice(`${verb} ${p.name}.`);
    setEditing(null);
    rememberProgram(p.id);
    void reloadPrograms();
  };

  return (
    <>
      <PageHeader title="Programs" />
      <details class="panel create" open={editing !== null || undefined}>
        <summary>{editing ? `Edit ${editing.name}` : "Create a program"}</summary>
        <ProgramForm key={editing?.id ?? "new"} editing={editing} onSaved={(p) => saved(p, editing ? "Saved" : "Created")} />
        {editing && (
          <button type="button" class="secondary" onClick={() => setEditing(null)}>
            Cancel editing
          </button>
        )}
      </details>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {state.status === "error" ? (
        <ErrorBox error={state.error} onRetry={() => void reloadPrograms()} />
      ) : state.status !== "ok" ? (
        <Loading />
      ) : state.programs.length === 0 ? (
        <Empty>No programs yet. Create the first one above.</Empty>
      ) : (
        <DataTable
          caption="Programs"
          captionHidden
          rows={state.programs}
          rowKey={(p) => p.id}
          columns={[
            { key: "name", label: "Name", render: (p) => p.name },
            { key: "currency", label: "Currency", render: (p) => p.currency },
            { key: "domains", label: "Destination domains", render: (p) => p.destination_domains.join(", ") },
            { key: "attribution", label: "Attribution", render: (p) => `${p.attribution.model.replace("_", " ")}, ${p.attribution.window_days} days` },
            { key: "commission", label: "Default commission", render: (p) => ruleText(p.commission.default_rule, p.currency) },
            { key: "stages", label: "Stages", render: (p) => p.stages.map((s) => s.name).join(" → ") },
            { key: "created", label: "Created", render: (p) => fmtDate(p.created_at) },
            {
              key: "actions",
              label: "Actions",
              render: (p) => (
                <button type="button" class="secondary small" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                  Edit
                </button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
