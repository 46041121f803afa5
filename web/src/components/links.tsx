// A partner's (or a program's) links: the table with copyable tracking URLs, a form to create or edit
// one, and for admins enabling and disabling.

import { useState } from "preact/hooks";
import { listAll, patch, post } from "../api";
import { useAsync } from "../async";
import { fmtDate } from "../format";
import type { Link, Partner, Program } from "../types";
import { CopyButton } from "./copy";
import { Form, FormError, SelectField, TextField, useSubmit } from "./forms";
import { Async, Empty } from "./states";
import { DataTable, type Column } from "./table";

interface Draft {
  partner_id: string;
  destination: string;
  code: string;
  campaign: string;
  channel: string;
}

function LinkForm({
  program,
  partners,
  editing,
  onSaved,
  onCancel,
}: {
  program: Program;
  partners: Partner[] | null; // null: a partner creating its own links
  editing: Link | null;
  onSaved: (link: Link) => void;
  onCancel?: () => void;
}) {
  const active = partners?.filter((p) => p.status === "active") ?? [];
  const [draft, setDraft] = useState<Draft>(
    editing
      ? {
          partner_id: editing.partner_id,
          destination: editing.destination,
          code: editing.code,
          campaign: editing.campaign ?? "",
          channel: editing.channel ?? "",
        }
      : { partner_id: active[0]?.id ?? "", destination: `https://${program.destination_domains[0]?.replace(/^\*\./, "") ?? ""}/`, code: "", campaign: "", channel: "" },
  );
  const submit = useSubmit();
  const set = (k: keyof Draft) => (v: string) => setDraft({ ...draft, [k]: v });

  const save = () =>
    submit.run(async () => {
      const body: Record<string, unknown> = {
        destination: draft.destination.trim(),
        campaign: draft.campaign.trim() || null,
        channel: draft.channel.trim() || null,
      };
      if (editing) {
        if (draft.code.trim() && draft.code.trim().toLowerCase() !== editing.code) body.code = draft.code.trim();
        onSaved(await patch<Link>(`/links/${editing.id}`, body));
      } else {
        if (draft.code.trim()) body.code = draft.code.trim();
        if (partners) body.partner_id = draft.partner_id;
        const link = await post<Link>("/links", body);
        setDraft({ ...draft, code: "", campaign: "", channel: "" });
        onSaved(link);
      }
    });

  return (
    <Form label={editing ? `Edit link ${editing.code}` : "Create a link"} onSubmit={save} class="form form-grid">
      {partners && !editing && (
        <SelectField
          label="Partner"
          value={draft.partner_id}
          onValue={set("partner_id")}
          options={active.map((p) => ({ value: p.id, label: p.name }))}
          error={submit.fieldError("partner_id")}
        />
      )}
      <TextField
        label="Destination"
        type="url"
        value={draft.destination}
        onValue={set("destination")}
        hint={`A page on ${program.destination_domains.join(", ")}`}
        error={submit.fieldError("destination")}
        required
      />
      <TextField
        label="Vanity code (optional)"
        value={draft.code}
        onValue={set("code")}
        hint="3–64 letters, digits, - and _; left empty, one is drawn for you"
        error={submit.fieldError("code")}
        autoComplete="off"
      />
      <TextField label="Campaign (optional)" value={draft.campaign} onValue={set("campaign")} error={submit.fieldError("campaign")} />
      <TextField label="Channel (optional)" value={draft.channel} onValue={set("channel")} error={submit.fieldError("channel")} />
      <FormError error={submit.error} />
      <div class="form-actions">
        <button type="submit" disabled={submit.busy}>
          {submit.busy ? "Saving…" : editing ? "Save link" : "Create link"}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </Form>
  );
}

// `partners`: the program's partners when an admin manages links (null in the portal); `partnerId`
// narrows to one partner.
export function LinksManager({
  program,
  partners,
  partnerId,
  detailHref,
}: {
  program: Program;
  partners: Partner[] | null;
  partnerId?: string;
  detailHref?: (link: Link) => string;
}) {
  const isAdmin = partners !== null;
  const query = partnerId ? { partner_id: partnerId } : isAdmin ? { program_id: program.id } : {};
  const links = useAsync((signal) => listAll<Link>("/links", query, 1000, signal), [JSON.stringify(query)]);
  const [editing, setEditing] = useState<Link | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [toggleError, setToggleError] = useState<unknown>(null);
  const names = new Map((partners ?? []).map((p) => [p.id, p.name]));
  const formPartners = partnerId ? (partners ?? []).filter((p) => p.id === partnerId) : partners;

  const upsert = (link: Link) => {
    const current = links.state.status === "ok" ? links.state.data.data : [];
    const rest = current.filter((l) => l.id !== link.id);
    links.setData({ data: editing ? current.map((l) => (l.id === link.id ? link : l)) : [link, ...rest], truncated: false });
    setNotice(editing ? `Saved ${link.code}.` : `Created ${link.url}`);
    setEditing(null);
  };

  const toggle = async (link: Link) => {
    setToggleError(null);
    try {
      upsertQuiet(await patch<Link>(`/links/${link.id}`, { status: link.status === "active" ? "disabled" : "active" }));
    } catch (e) {
      setToggleError(e);
    }
  };
  const upsertQuiet = (link: Link) => {
    const current = links.state.status === "ok" ? links.state.data.data : [];
    links.setData({ data: current.map((l) => (l.id === link.id ? link : l)), truncated: false });
    setNotice(`${link.code} is now ${link.status}.`);
  };

  const columns: Column<Link>[] = [
    // The code is in the URL; the portal lists it first as the way to the link's page.
    ...(detailHref ? [{ key: "code", label: "Code", render: (l: Link) => <a href={detailHref(l)}>{l.code}</a> }] : []),
    {
      key: "url",
      label: "Tracking URL",
      render: (l) => (
        <span class="url-cell">
          <code class="url">{l.url}</code>
          <CopyButton text={l.url} />
        </span>
      ),
    },
    ...(isAdmin && !partnerId
      ? [{ key: "partner", label: "Partner", render: (l: Link) => <a href={`/dashboard/partners/${l.partner_id}`}>{names.get(l.partner_id) ?? l.partner_id}</a> }]
      : []),
    { key: "destination", label: "Destination", render: (l) => <span class="truncate" title={l.destination}>{l.destination}</span> },
    { key: "campaign", label: "Campaign", render: (l) => l.campaign ?? "" },
    { key: "channel", label: "Channel", render: (l) => l.channel ?? "" },
    { key: "status", label: "Status", render: (l) => <span class={`badge ${l.status}`}>{l.status}</span> },
    { key: "created", label: "Created", render: (l) => fmtDate(l.created_at) },
    {
      key: "actions",
      label: "Actions",
      render: (l) => (
        <span class="actions">
          <button type="button" class="secondary small" onClick={() => setEditing(l)} aria-label={`Edit ${l.code}`}>
            Edit
          </button>
          {isAdmin && (
            <button type="button" class="secondary small" onClick={() => void toggle(l)} aria-label={`${l.status === "active" ? "Disable" : "Enable"} ${l.code}`}>
              {l.status === "active" ? "Disable" : "Enable"}
            </button>
          )}
        </span>
      ),
    },
  ];

  return (
    <div class="links-manager">
      <details class="panel create" open={editing !== null || undefined}>
        <summary>{editing ? `Edit link ${editing.code}` : "Create a link"}</summary>
        <LinkForm
          key={editing?.id ?? "new"}
          program={program}
          partners={formPartners}
          editing={editing}
          onSaved={upsert}
          {...(editing ? { onCancel: () => setEditing(null) } : {})}
        />
      </details>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {toggleError ? <FormError error={toggleError} /> : null}
      <Async state={links.state} reload={links.reload}>
        {({ data, truncated }) =>
          data.length === 0 ? (
            <Empty>No links yet. Create the first one above.</Empty>
          ) : (
            <>
              <DataTable caption="Links" captionHidden columns={columns} rows={data} rowKey={(l) => l.id} />
              {truncated && <p class="subtle">Showing the newest {data.length} links.</p>}
            </>
          )
        }
      </Async>
    </div>
  );
}
