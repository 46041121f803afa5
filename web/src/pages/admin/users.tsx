// The people who log in, and inviting a new one: the server answers with a one-time link to send them.

import { useState } from "preact/hooks";
import { get, listAll, post } from "../../api";
import { useAsync } from "../../async";
import { CopyButton } from "../../components/copy";
import { Form, FormError, SelectField, TextField, useSubmit } from "../../components/forms";
import { PageHeader, useTitle } from "../../components/shell";
import { Async, Empty } from "../../components/states";
import { DataTable } from "../../components/table";
import { NONE } from "../../format";
import type { Partner, Role, User } from "../../types";
import { ProgramGate, ProgramPicker } from "./programs_context";

interface Invited {
  user: User;
  invite_url: string;
}

export function UsersPage() {
  useTitle("Users");
  return (
    <ProgramGate>
      {(program, all) => (
        <>
          <PageHeader title="Users">
            <ProgramPicker program={program} all={all} />
          </PageHeader>
          <Users programId={program.id} />
        </>
      )}
    </ProgramGate>
  );
}

function Users({ programId }: { programId: string }) {
  const data = useAsync(
    async (signal) => {
      const [users, partners] = await Promise.all([
        get<{ data: User[] } | User[]>("/users", { limit: 500 }, signal),
        listAll<Partner>("/partners", { program_id: programId }, 2000, signal),
      ]);
      return { users: Array.isArray(users) ? users : users.data, partners: partners.data };
    },
    [programId],
  );
  const [invited, setInvited] = useState<Invited | null>(null);

  return (
    <Async state={data.state} reload={data.reload}>
      {({ users, partners }) => {
        const names = new Map(partners.map((p) => [p.id, p.name]));
        return (
          <>
            <section class="panel" aria-labelledby="invite-title">
              <h2 id="invite-title">Invite someone</h2>
              <InviteForm
                partners={partners}
                onInvited={(i) => {
                  setInvited(i);
                  data.setData({ users: [i.user, ...users], partners });
                }}
              />
              {invited && (
                <div class="notice invite-result" role="status">
                  <p>
                    Send this link to <strong>{invited.user.email}</strong>. It works once, to choose a password:
                  </p>
                  <p class="url-cell">
                    <code class="url" data-testid="invite-url">
                      {invited.invite_url}
                    </code>
                    <CopyButton text={invited.invite_url} label="Copy link" />
                  </p>
                </div>
              )}
            </section>
            <section class="panel" aria-labelledby="users-title">
              <h2 id="users-title">People with access</h2>
              {users.length === 0 ? (
                <Empty>Nobody yet.</Empty>
              ) : (
                <DataTable
                  caption="Users"
                  captionHidden
                  rows={users}
                  rowKey={(u) => u.id}
                  columns={[
                    { key: "email", label: "Email", render: (u) => u.email },
                    { key: "role", label: "Role", render: (u) => u.role },
                    {
                      key: "partner",
                      label: "Partner",
                      render: (u) =>
                        u.partner_id ? <a href={`/dashboard/partners/${u.partner_id}`}>{names.get(u.partner_id) ?? u.partner_id}</a> : NONE,
                    },
                  ]}
                />
              )}
            </section>
          </>
        );
      }}
    </Async>
  );
}

function InviteForm({ partners, onInvited }: { partners: Partner[]; onInvited: (i: Invited) => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("partner");
  const [partnerId, setPartnerId] = useState(partners[0]?.id ?? "");
  const submit = useSubmit();
  const invite = () =>
    submit.run(async () => {
      const body = role === "partner" ? { email, role, partner_id: partnerId } : { email, role };
      onInvited(await post<Invited>("/users", body));
      setEmail("");
    });
  return (
    <Form label="Invite someone" onSubmit={invite} class="form form-grid">
      <TextField label="Email" type="email" value={email} onValue={setEmail} error={submit.fieldError("email")} required />
      <SelectField
        label="Role"
        value={role}
        onValue={(v) => setRole(v as Role)}
        options={[
          { value: "partner", label: "Partner (sees only its partner's data)" },
          { value: "admin", label: "Admin (sees and manages everything)" },
        ]}
        error={submit.fieldError("role")}
      />
      {role === "partner" && (
        <SelectField
          label="Partner"
          value={partnerId}
          onValue={setPartnerId}
          options={partners.map((p) => ({ value: p.id, label: `${p.name} (${p.email})` }))}
          error={submit.fieldError("partner_id")}
        />
      )}
      <FormError error={submit.error} />
      <div class="form-actions">
        <button type="submit" disabled={submit.busy}>
          {submit.busy ? "Inviting…" : "Create invitation"}
        </button>
      </div>
    </Form>
  );
}
