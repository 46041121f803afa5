// A tiny observable value with a Preact hook, for the little global state the app has (session, location).

import { useEffect, useState } from "preact/hooks";

export class Store<T> {
  private value: T;
  private readonly listeners = new Set<(v: T) => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  get(): T {
    return this.value;
  }

  set(v: T): void {
    this.value = v;
    for (const l of [...this.listeners]) l(v);
  }

  subscribe(listener: (v: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function useStore<T>(store: Store<T>): T {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}
