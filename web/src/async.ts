// Loading data for a page: the state of one asynchronous load, re-run when its inputs change.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type AsyncState<T> =
  | { status: "loading"; data?: T }
  | { status: "ok"; data: T }
  | { status: "error"; error: unknown; data?: T };

export interface AsyncResult<T> {
  state: AsyncState<T>;
  reload: () => void;
  // Replaces the data after a write, without a reload.
  setData: (data: T) => void;
}

// Runs `load` now and whenever `deps` change; a superseded load's answer is dropped (and its fetches
// aborted through the signal).
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncResult<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ status: "loading", ...(s.data !== undefined ? { data: s.data } : {}) }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "ok", data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "error", error });
      },
    );
    return () => controller.abort();
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((data: T) => setState({ status: "ok", data }), []);
  return { state, reload, setData };
}
