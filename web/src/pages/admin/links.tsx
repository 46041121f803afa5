// Every link of the program, for any of its partners.

import { listAll } from "../../api";
import { useAsync } from "../../async";
import { LinksManager } from "../../components/links";
import { PageHeader, useTitle } from "../../components/shell";
import { Async } from "../../components/states";
import type { Partner } from "../../types";
import { ProgramGate, ProgramPicker } from "./programs_context";

export function LinksPage() {
  useTitle("Links");
  return (
    <ProgramGate>
      {(program, all) => (
        <>
          <PageHeader title="Links">
            <ProgramPicker program={program} all={all} />
          </PageHeader>
          <ProgramLinks programId={program.id}>
            {(partners) => <LinksManager program={program} partners={partners} />}
          </ProgramLinks>
        </>
      )}
    </ProgramGate>
  );
}

function ProgramLinks({ programId, children }: { programId: string; children: (partners: Partner[]) => preact.ComponentChildren }) {
  const partners = useAsync((signal) => listAll<Partner>("/partners", { program_id: programId }, 2000, signal), [programId]);
  return (
    <Async state={partners.state} reload={partners.reload}>
      {({ data }) => children(data)}
    </Async>
  );
}
