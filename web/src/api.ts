// Every call to the reftrack API goes through here: same-origin, authenticated by the session cookie, the
// CSRF token on every write, RFC 9457 problems turned into ApiError.

import type { List } from "./types";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];
  readonly retryAfterSeconds: number | null;

  constructor(status: number, message: string, fieldErrors: FieldError[] = [], retryAfterSeconds: number | null = null) {
    super(message);
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

let csrfToken: string | null = null;
let unauthorizedListener: (() => void) | null = null;

// The token the server gave with the session; sent as X-CSRF-Token on every write.
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// Called when an authenticated call answers 401: the session ended (expired, or logged out elsewhere).
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}

export type Query = Record<string, string | number | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

// The URL of an API path, for links (CSV downloads).
export function apiUrl(path: string, query: Query = {}): string {
  return withQuery(`/api/v1${path}`, query);
}

interface CallOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  // A 401 is the expected answer (login, the initial session check): do not report the session as ended.
  expect401?: boolean;
}

async function readProblem(res: Response): Promise<ApiError> {
  let detail = `${res.status} ${res.statusText}`;
  let errors: FieldError[] = [];
  try {
    const body: unknown = await res.json();
    if (body && typeof body === "object") {
      const p = body as { detail?: unknown; title?: unknown; errors?: unknown };
      if (typeof p.detail === "string") detail = p.detail;
      else if (typeof p.title === "string") detail = p.title;
      if (Array.isArray(p.errors)) errors = p.errors as FieldError[];
    }
  } catch {
    // Not JSON (a proxy's page): keep the status line.
  }
  const retry = Number.parseInt(res.headers.get("Retry-After") ?? "", 10);
  return new ApiError(res.status, detail, errors, Number.isFinite(retry) ? retry : null);
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export async function call<T>(method: Method, path: string, opts: CallOptions = {}): Promise<T> {
  return (await callWithStatus<T>(method, path, opts)).data;
}

// The answer and its status (POST /referrals answers 200 for a customer already referred, 201 for new).
export async function callWithStatus<T>(method: Method, path: string, opts: CallOptions = {}): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      credentials: "same-origin",
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  if (res.status === 401 && !opts.expect401) unauthorizedListener?.();
  if (!res.ok) throw await readProblem(res);
  if (res.status === 204) return { status: 204, data: undefined as T };
  return { status: res.status, data: (await res.json()) as T };
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  call<T>("GET", path, { query: query ?? {}, ...(signal ? { signal } : {}) });
export const post = <T>(path: string, body: unknown) => call<T>("POST", path, { body });
export const patch = <T>(path: string, body: unknown) => call<T>("PATCH", path, { body });

// Up to `cap` objects of a list, newest first, following `starting_after` (500 per page).
export async function listAll<T extends { id: string }>(
  path: string,
  query: Query,
  cap: number,
  signal?: AbortSignal,
): Promise<{ data: T[]; truncated: boolean }> {
  const data: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page: List<T> = await get<List<T>>(
      path,
      { ...query, limit: Math.min(500, cap - data.length), starting_after: after },
      signal,
    );
    data.push(...page.data);
    if (!page.has_more || page.data.length === 0) return { data, truncated: false };
    if (data.length >= cap) return { data, truncated: true };
    after = page.data[page.data.length - 1]!.id;
  }
}

// A message for an error a page could not recover from.
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
