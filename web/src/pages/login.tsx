// Logging in with email and password; accepting an invitation by choosing a password.

import { useState } from "preact/hooks";
import { ApiError, describeError } from "../api";
import { Form, TextField } from "../components/forms";
import { useTitle } from "../components/shell";
import { navigate } from "../router";
import { acceptInvite, logIn } from "../session";
import type { Session } from "../types";

export function homeOf(s: Session): string {
  return s.user.role === "admin" ? "/dashboard" : "/portal";
}

// Only a path of this app, never another origin (?next= comes from the URL).
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return null;
  return next;
}

function loginMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return "The email or password is not right.";
    if (e.status === 429) {
      const wait = e.retryAfterSeconds;
      return wait
        ? `Too many attempts. Wait ${wait} second${wait === 1 ? "" : "s"} and try again.`
        : "Too many attempts. Wait a moment and try again.";
    }
  }
  return describeError(e);
}

export function LoginPage({ notice, next }: { notice: string | null; next: string | null }) {
  useTitle("Log in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await logIn(email.trim(), password);
      navigate(safeNext(next) ?? homeOf(s), { replace: true });
    } catch (e) {
      setError(loginMessage(e));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="auth-page">
      <div class="auth-card">
        <p class="brand">reftrack</p>
        <h1>Log in</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <Form label="Log in" onSubmit={submit}>
          <TextField label="Email" type="email" autoComplete="username" value={email} onValue={setEmail} required />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            required
          />
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </Form>
      </div>
    </main>
  );
}

export function InvitePage({ token }: { token: string }) {
  useTitle("Accept your invitation");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  const submit = async () => {
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      const s = await acceptInvite(token, password);
      navigate(homeOf(s), { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const invalidLink = error instanceof ApiError && (error.status === 404 || error.status === 410);
  const passwordError =
    error instanceof ApiError ? error.fieldErrors.find((f) => f.field === "password")?.message : undefined;

  return (
    <main id="main" class="auth-page">
      <div class="auth-card">
        <p class="brand">reftrack</p>
        <h1>Choose your password</h1>
        <p>You were invited to reftrack. Choose a password to finish setting up your account.</p>
        <Form label="Choose your password" onSubmit={submit}>
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={password}
            onValue={setPassword}
            hint="At least 12 characters; a few unrelated words make a good one."
            error={passwordError}
            required
          />
          <TextField
            label="Repeat the password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onValue={setConfirm}
            error={mismatch ? "The two passwords differ." : undefined}
            required
          />
          {error && !passwordError ? (
            <p class="form-error" role="alert">
              {invalidLink
                ? "This invitation link is not valid: it was already used or it expired. Ask for a new one."
                : describeError(error)}
            </p>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Set password and log in"}
          </button>
        </Form>
      </div>
    </main>
  );
}
