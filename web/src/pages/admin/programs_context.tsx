// The programs an admin works in, loaded once, and which one the pages show (?program=, else the last
// one picked, else the first).

import type { ComponentChildren } from "preact";
import { useEffect, useId } from "preact/hooks";
import { listAll } from "../../api";
import { ErrorBox, Loading } from "../../components/states";
import { setQuery, useLocation } from "../../router";
import { session } from "../../session";
import { Store, useStore } from "../../store";
import type { Program } from "../../types";

type ProgramsState =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "ok"; programs: Program[] }
  | { status: "error"; error: unknown };

const programs = new Store<ProgramsState>({ status: "idle" });
const STORAGE_KEY = "reftrack.program";

// The next person to log in in this tab loads the programs afresh.
session.subscribe((s) => {
  if (s.kind === "anonymous") programs.set({ status: "idle" });
});

export async function reloadPrograms(): Promise<void> {
  if (programs.get().status !== "ok") programs.set({ status: "loading" });
  try {
    const { data } = await listAll<Program>("/programs", {}, 1000);
    programs.set({ status: "ok", programs: data.reverse() }); // oldest first: the demo program leads
  } catch (error) {
    programs.set({ status: "error", error });
  }
}

export function rememberProgram(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Storage off (private mode): the URL still carries the choice.
  }
}

function remembered(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function usePrograms(): ProgramsState {
  const state = useStore(programs);
  useEffect(() => {
    if (programs.get().status === "idle") void reloadPrograms();
  }, []);
  return state;
}

// Renders its child with the selected program, or the loading, error or "no program yet" state.
export function ProgramGate({ children }: { children: (program: Program, all: Program[]) => ComponentChildren }) {
  const state = usePrograms();
  const { query, path } = useLocation();
  if (state.status === "idle" || state.status === "loading") return <Loading label="Loading programs…" />;
  if (state.status === "error") return <ErrorBox error={state.error} onRetry={() => void reloadPrograms()} />;
  if (state.programs.length === 0) {
    return (
      <section class="state state-empty">
        <h1>No program yet</h1>
        <p>
          A program holds your partners, their links and their numbers.{" "}
          {path === "/dashboard/programs" ? null : <a href="/dashboard/programs">Create the first program</a>}
        </p>
      </section>
    );
  }
  const wanted = query.get("program") ?? remembered();
  const program = state.programs.find((p) => p.id === wanted) ?? state.programs[0]!;
  return <>{children(program, state.programs)}</>;
}

export function ProgramPicker({ program, all }: { program: Program; all: Program[] }) {
  const id = useId();
  if (all.length < 2) return <p class="program-name">{program.name}</p>;
  return (
    <div class="field">
      <label for={id}>Program</label>
      <select
        id={id}
        value={program.id}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          rememberProgram(v);
          setQuery({ program: v });
        }}
      >
        {all.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
