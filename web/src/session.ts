// Who is logged in. The session itself is an HttpOnly cookie the app never sees; the server also hands
// out the CSRF token that every write must carry.

import { ApiError, call, onUnauthorized, setCsrfToken } from "./api";
import { Store } from "./store";
import type { Session } from "./types";

export type SessionState =
  | { kind: "checking" }
  | { kind: "anonymous"; reason: "none" | "expired" | "logged_out" }
  | { kind: "signed_in"; session: Session };

export const session = new Store<SessionState>({ kind: "checking" });

function signIn(s: Session): Session {
  setCsrfToken(s.csrf_token);
  session.set({ kind: "signed_in", session: s });
  return s;
}

onUnauthorized(() => {
  if (session.get().kind === "signed_in") {
    setCsrfToken(null);
    session.set({ kind: "anonymous", reason: "expired" });
  }
});

// Asks the server whether the cookie still names a session.
export async function checkSession(): Promise<void> {
  try {
    signIn(await call<Session>("GET", "/session", { expect401: true }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) session.set({ kind: "anonymous", reason: "none" });
    else throw e;
  }
}

// Asks again on every page change, so that a session that ended while the page was open (idle too long,
// logged out elsewhere) shows the login page at the next navigation, not at the next write.
export async function revalidateSession(): Promise<void> {
  if (session.get().kind !== "signed_in") return;
  try {
    const s = await call<Session>("GET", "/session", { expect401: true });
    setCsrfToken(s.csrf_token);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && session.get().kind === "signed_in") {
      setCsrfToken(null);
      session.set({ kind: "anonymous", reason: "expired" });
    }
  }
}

export async function logIn(email: string, password: string): Promise<Session> {
  return signIn(await call<Session>("POST", "/session", { body: { email, password }, expect401: true }));
}

export async function acceptInvite(token: string, password: string): Promise<Session> {
  return signIn(
    await call<Session>("POST", `/invites/${encodeURIComponent(token)}/accept`, { body: { password }, expect401: true }),
  );
}

export async function logOut(): Promise<void> {
  try {
    await call<void>("DELETE", "/session", { expect401: true });
  } finally {
    setCsrfToken(null);
    session.set({ kind: "anonymous", reason: "logged_out" });
  }
}
