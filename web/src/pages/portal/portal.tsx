// The partner portal: its own numbers, links, referrals (with a form to register a deal) and
// conversions. The server scopes every call to the logged-in partner; the app never names another.

import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { callWithStatus, get, listAll } from "../../api";
import { useAsync } from "../../async";
import { CopyButton } from "../../components/copy";
import { Form, FormError, TextField, useSubmit } from "../../components/forms";
import { LinksManager } from "../../components/links";
import { RangePicker } from "../../components/range";
import { ChartSection, KpiSection, TopTable } from "../../components/reports";
import { PageHeader, useTitle } from "../../components/shell";
import { Async, Empty, ErrorBox, Loading } from "../../components/states";
import { DataTable } from "../../components/table";
import { rangeFromQuery } from "../../dates";
import { fmtDateTime, fmtMoney, majorToMinor, NONE } from "../../format";
import { useLocation } from "../../router";
import type { Conversion, Link, List, Partner, Program, Referral, User } from "../../types";
import { commissionOf } from "../admin/partners";

interface PortalContext {
  partner: Partner;
  program: Program;
}

// Loads the partner and its program, then renders the page with them.
function PortalGate({ user, children }: { user: User; children: (ctx: PortalContext) => ComponentChildren }) {
  const ctx = useAsync(
    async (signal) => {
      const [partner, programs] = await Promise.all([
        get<Partner>(`/partners/${encodeURIComponent(user.partner_id ?? "")}`, {}, signal),
        get<List<Program>>("/programs", {}, signal),
      ]);
      const program = programs.data.find((p) => p.id === partner.program_id);
      if (!program) throw new Error("Your program could not be loaded.");
      return { partner, program };
    },
    [user.partner_id],
  );
  if (ctx.state.status === "error") return <ErrorBox error={ctx.state.error} onRetry={ctx.reload} />;
  if (ctx.state.status === "loading") return <Loading />;
  return <>{children(ctx.state.data)}</>;
}

export function PortalHome({ user }: { user: User }) {
  useTitle("Overview");
  const { query } = useLocation();
  const choice = rangeFromQuery(query);
  return (
    <PortalGate user={user}>
      {({ partner, program }) => (
        <>
          <PageHeader title={`Welcome, ${partner.name}`}>
            <RangePicker choice={choice} />
          </PageHeader>
          {partner.status !== "active" && (
            <p class="banner warning" role="status">
              Your partnership is {partner.status}: your links do not take new clicks.
            </p>
          )}
          <KpiSection scope={{}} range={choice.range} audience="partner" />
          <ChartSection scope={{}} range={choice.range} currency={program.currency} />
          <TopTable scope={{}} range={choice.range} group="link" />
        </>
      )}
    </PortalGate>
  );
}

export function PortalLinks({ user }: { user: User }) {
  useTitle("Your links");
  return (
    <PortalGate user={user}>
      {({ program }) => (
        <>
          <PageHeader title="Your links" />
          <p class="subtle">Share a tracking URL: each visit through it is counted for you, then sent on to its destination.</p>
          <LinksManager program={program} partners={null} detailHref={(l) => `/portal/links/${l.id}`} />
        </>
      )}
    </PortalGate>
  );
}

export function PortalLink({ user, id }: { user: User; id: string }) {
  const link = useAsync((signal) => get<Link>(`/links/${encodeURIComponent(id)}`, {}, signal), [id]);
  return (
    <PortalGate user={user}>
      {() => (
        <Async state={link.state} reload={link.reload} what="link">
          {(l) => <LinkDetail link={l} />}
        </Async>
      )}
    </PortalGate>
  );
}

function LinkDetail({ link }: { link: Link }) {
  useTitle(link.code);
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/portal/links">Links</a> <span aria-hidden="true">›</span> <span aria-current="page">{link.code}</span>
      </nav>
      <PageHeader title={`Link ${link.code}`} />
      <dl class="facts">
        <dt>Tracking URL</dt>
        <dd class="url-cell">
          <code class="url">{link.url}</code> <CopyButton text={link.url} />
        </dd>
        <dt>Destination</dt>
        <dd>{link.destination}</dd>
        <dt>Campaign</dt>
        <dd>{link.campaign ?? NONE}</dd>
        <dt>Channel</dt>
        <dd>{link.channel ?? NONE}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`badge ${link.status}`}>{link.status}</span>
        </dd>
        <dt>Created</dt>
        <dd>{fmtDateTime(link.created_at)}</dd>
      </dl>
    </>
  );
}

export function PortalReferrals({ user }: { user: User }) {
  useTitle("Your referrals");
  const referrals = useAsync((signal) => listAll<Referral>("/referrals", {}, 500, signal), []);
  return (
    <PortalGate user={user}>
      {({ program }) => {
        const stageName = new Map(program.stages.map((s) => [s.key, s.name]));
        return (
          <>
            <PageHeader title="Your referrals" />
            <section class="panel" aria-labelledby="deal-title">
              <h2 id="deal-title">Register a deal</h2>
              <p class="subtle">Bringing a customer yourself? Register the deal so it is credited to you.</p>
              <DealForm
                program={program}
                onRegistered={(r) => {
                  const current = referrals.state.status === "ok" ? referrals.state.data.data : [];
                  referrals.setData({ data: [r, ...current.filter((x) => x.id !== r.id)], truncated: false });
                }}
              />
            </section>
            <section class="panel" aria-labelledby="referrals-title">
              <h2 id="referrals-title">Referrals</h2>
              <Async state={referrals.state} reload={referrals.reload}>
                {({ data }) =>
                  data.length === 0 ? (
                    <Empty>No referrals yet. Share your links, or register a deal above.</Empty>
                  ) : (
                    <DataTable
                      caption="Your referrals"
                      captionHidden
                      rows={data}
                      rowKey={(r) => r.id}
                      columns={[
                        { key: "customer", label: "Customer", render: (r) => r.customer.email ?? r.customer.external_id ?? NONE },
                        { key: "stage", label: "Stage", render: (r) => stageName.get(r.stage) ?? r.stage },
                        { key: "value", label: "Deal value", numeric: true, render: (r) => fmtMoney(r.value) },
                        { key: "source", label: "How", render: (r) => r.source },
                        { key: "created", label: "Created", render: (r) => fmtDateTime(r.created_at) },
                      ]}
                    />
                  )
                }
              </Async>
            </section>
          </>
        );
      }}
    </PortalGate>
  );
}

function DealForm({ program, onRegistered }: { program: Program; onRegistered: (r: Referral) => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [valueError, setValueError] = useState<string | undefined>(undefined);
  const submit = useSubmit();
  const register = () => {
    setDone(null);
    const amount = value.trim() ? majorToMinor(value, program.currency) : null;
    if (value.trim() && amount === null) {
      setValueError("Enter an amount such as 4800 or 4800.50.");
      return;
    }
    setValueError(undefined);
    void submit.run(async () => {
      const customer: Record<string, string> = { email: email.trim() };
      if (name.trim()) customer.name = name.trim();
      const body = amount === null ? { customer } : { customer, value: { amount, currency: program.currency } };
      const { status, data: r } = await callWithStatus<Referral>("POST", "/referrals", { body });
      if (status === 201) {
        onRegistered(r);
        setDone("Deal registered. It appears in your referrals below.");
      } else {
        setDone("This customer was already referred recently, so no new referral was recorded.");
      }
      setEmail("");
      setName("");
      setValue("");
    });
  };
  return (
    <Form label="Register a deal" onSubmit={register} class="form form-grid">
      <TextField label="Customer email" type="email" value={email} onValue={setEmail} error={submit.fieldError("customer.email")} required />
      <TextField label="Customer or company name (optional)" value={name} onValue={setName} error={submit.fieldError("customer.name")} />
      <TextField
        label={`Deal value in ${program.currency} (optional)`}
        inputMode="decimal"
        value={value}
        onValue={setValue}
        error={valueError ?? submit.fieldError("value")}
      />
      <FormError error={submit.error} />
      <div class="form-actions">
        <button type="submit" disabled={submit.busy}>
          {submit.busy ? "Registering…" : "Register deal"}
        </button>
      </div>
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
    </Form>
  );
}

export function PortalConversions({ user }: { user: User }) {
  useTitle("Your conversions");
  const conversions = useAsync((signal) => listAll<Conversion>("/conversions", {}, 500, signal), []);
  const partnerId = user.partner_id ?? "";
  return (
    <>
      <PageHeader title="Conversions and commissions" />
      <Async state={conversions.state} reload={conversions.reload}>
        {({ data, truncated }) => {
          if (data.length === 0) return <Empty>No conversions credited to you yet.</Empty>;
          const currency = data[0]!.currency;
          const total = data.reduce((sum, c) => sum + commissionOf(c, partnerId), 0);
          return (
            <>
              <p class="total">
                Commission on {truncated ? `the latest ${data.length}` : "these"} conversions:{" "}
                <strong data-testid="commission-total">{fmtMoney({ amount: total, currency })}</strong>
              </p>
              <DataTable
                caption="Conversions credited to you"
                captionHidden
                rows={data}
                rowKey={(c) => c.id}
                columns={[
                  { key: "at", label: "When", render: (c) => fmtDateTime(c.occurred_at) },
                  { key: "type", label: "Type", render: (c) => c.type },
                  { key: "amount", label: "Amount", numeric: true, render: (c) => fmtMoney({ amount: c.amount, currency: c.currency }) },
                  {
                    key: "share",
                    label: "Your share",
                    numeric: true,
                    render: (c) => {
                      const credit = c.attribution.credits.find((x) => x.partner_id === partnerId);
                      return credit ? `${Math.round(credit.weight * 100)}%` : NONE;
                    },
                  },
                  {
                    key: "commission",
                    label: "Your commission",
                    numeric: true,
                    render: (c) => fmtMoney({ amount: commissionOf(c, partnerId), currency: c.currency }),
                  },
                  {
                    key: "status",
                    label: "Status",
                    render: (c) => [...new Set(c.commissions.filter((x) => x.partner_id === partnerId).map((x) => x.status))].join(", ") || NONE,
                  },
                ]}
              />
            </>
          );
        }}
      </Async>
    </>
  );
}
