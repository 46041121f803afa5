// Which page to show: the login and invitation pages for everyone, the dashboard for admins, the portal
// for partners. A page of the other role answers "not found", as the API does for another's objects.

import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox, Loading, NotFound } from "./components/states";
import { Shell } from "./components/shell";
import { BoardPage } from "./pages/admin/board";
import { DashboardPage } from "./pages/admin/dashboard";
import { LinksPage } from "./pages/admin/links";
import { PartnerPage, PartnersPage } from "./pages/admin/partners";
import { ProgramsPage } from "./pages/admin/programs";
import { UsersPage } from "./pages/admin/users";
import { homeOf, InvitePage, LoginPage, safeNext } from "./pages/login";
import { PortalConversions, PortalHome, PortalLink, PortalLinks, PortalReferrals } from "./pages/portal/portal";
import { match, navigate, useLocation } from "./router";
import { checkSession, logOut, revalidateSession, session, type SessionState } from "./session";
import { useStore } from "./store";
import type { User } from "./types";

function AdminRoutes({ path }: { path: string }) {
  if (path === "/dashboard") return <DashboardPage />;
  if (path === "/dashboard/partners") return <PartnersPage />;
  const partner = match("/dashboard/partners/:id", path);
  if (partner) return <PartnerPage key={partner.id} id={partner.id!} />;
  if (path === "/dashboard/links") return <LinksPage />;
  if (path === "/dashboard/board") return <BoardPage />;
  if (path === "/dashboard/programs") return <ProgramsPage />;
  if (path === "/dashboard/users") return <UsersPage />;
  return <NotFound />;
}

function PartnerRoutes({ path, user }: { path: string; user: User }) {
  if (path === "/portal") return <PortalHome user={user} />;
  if (path === "/portal/links") return <PortalLinks user={user} />;
  const link = match("/portal/links/:id", path);
  if (link) return <PortalLink key={link.id} user={user} id={link.id!} />;
  if (path === "/portal/referrals") return <PortalReferrals user={user} />;
  if (path === "/portal/conversions") return <PortalConversions user={user} />;
  return <NotFound />;
}

function SignedIn({ user, path }: { user: User; path: string }) {
  const main = useRef<string>(path);
  // Screen readers: announce the new page by moving focus to it (not on query-only changes).
  useEffect(() => {
    if (main.current !== path) {
      main.current = path;
      document.getElementById("main")?.focus({ preventScroll: true });
      void revalidateSession();
    }
  }, [path]);
  const admin = user.role === "admin";
  let page;
  if (path.startsWith("/dashboard")) page = admin ? <AdminRoutes path={path} /> : <NotFound />;
  else if (path.startsWith("/portal")) page = admin ? <NotFound /> : <PartnerRoutes path={path} user={user} />;
  else page = <NotFound />;
  return <Shell user={user}>{page}</Shell>;
}

const NOTICES: Record<string, string> = {
  expired: "Your session has ended. Log in again to continue.",
  logged_out: "You are logged out.",
};

function reasonOf(s: SessionState): string | null {
  return s.kind === "anonymous" && s.reason !== "none" ? (NOTICES[s.reason] ?? null) : null;
}

export function App() {
  const s = useStore(session);
  const { path, query } = useLocation();
  const [checkError, setCheckError] = useState<unknown>(null);

  const check = () => {
    setCheckError(null);
    checkSession().catch(setCheckError);
  };
  useEffect(check, []);

  // Redirects: "/" to the role's home; the login page once logged in; any page to the login when not;
  // /logout logs out.
  useEffect(() => {
    if (match("/invite/:token", path)) return;
    if (s.kind === "signed_in" && path === "/logout") {
      // Whatever the answer, the session state is then anonymous, and the branch below shows the login.
      logOut().catch(() => undefined);
    } else if (s.kind === "signed_in") {
      if (path === "/" || path === "/login") navigate(safeNext(query.get("next")) ?? homeOf(s.session), { replace: true });
    } else if (s.kind === "anonymous" && path !== "/login") {
      const next = path === "/" || path === "/logout" ? "" : `?next=${encodeURIComponent(path + window.location.search)}`;
      navigate(`/login${next}`, { replace: true });
    }
  }, [s, path]);

  const invite = match("/invite/:token", path);
  if (invite) return <InvitePage token={invite.token!} />;
  if (checkError) {
    return (
      <main id="main" class="auth-page">
        <ErrorBox error={checkError} onRetry={check} />
      </main>
    );
  }
  if (s.kind === "checking") return <Loading label="Starting…" />;
  if (s.kind === "anonymous") return <LoginPage notice={reasonOf(s)} next={query.get("next")} />;
  if (path === "/logout") return <Loading label="Logging out…" />;
  if (path === "/" || path === "/login") return <Loading />;
  return <SignedIn user={s.session.user} path={path} />;
}
