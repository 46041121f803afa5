// Loading, empty and error states, the same on every page.

import type { ComponentChildren } from "preact";
import { ApiError, describeError } from "../api";
import type { AsyncState } from "../async";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state state-empty">{children}</p>;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function NotFound({ what = "page" }: { what?: string }) {
  return (
    <section class="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>
        This {what} does not exist, or you do not have access to it. <a href="/">Go to the start page</a>.
      </p>
    </section>
  );
}

// Renders the data of a load, or its loading/error state. A 404 renders NotFound.
export function Async<T>({
  state,
  reload,
  what,
  children,
}: {
  state: AsyncState<T>;
  reload?: () => void;
  what?: string;
  children: (data: T) => ComponentChildren;
}) {
  if (state.status === "error") {
    if (state.error instanceof ApiError && state.error.notFound) return <NotFound {...(what ? { what } : {})} />;
    return <ErrorBox error={state.error} {...(reload ? { onRetry: reload } : {})} />;
  }
  if (state.status === "loading" && state.data === undefined) return <Loading />;
  return <div class={state.status === "loading" ? "stale" : undefined}>{children(state.data as T)}</div>;
}
