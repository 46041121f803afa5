// History routing: the server answers every page path with index.html, and the app picks the page from
// location.pathname. Links are real <a href> elements (middle-click and copy work); plain clicks navigate
// without a reload.

import { Store, useStore } from "./store";

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

const location = new Store<Location>(current());

window.addEventListener("popstate", () => location.set(current()));

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) {
    location.set(current());
    return;
  }
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  location.set(current());
  window.scrollTo(0, 0);
}

// Replaces the query string (filters of the page) without adding a history entry per change.
export function setQuery(changes: Record<string, string | null>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") params.delete(k);
    else params.set(k, v);
  }
  const qs = params.toString();
  navigate(window.location.pathname + (qs ? `?${qs}` : ""), { replace: true });
}

export function useLocation(): Location {
  return useStore(location);
}

// Document-level handler for same-origin <a> clicks (installed once by the app).
export function interceptLinks(): void {
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/r/")) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}

// Matches "/dashboard/partners/:id" against a path; the parameters, or null.
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
