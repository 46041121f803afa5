// The frame of every signed-in page: skip link, top bar with navigation and logout, the main region.

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { describeError } from "../api";
import { navigate, useLocation } from "../router";
import { logOut } from "../session";
import type { User } from "../types";

interface NavItem {
  href: string;
  label: string;
  exact?: boolean;
}

const ADMIN_NAV: NavItem[] = [
  { href: "/dashboard", label: "Overview", exact: true },
  { href: "/dashboard/partners", label: "Partners" },
  { href: "/dashboard/links", label: "Links" },
  { href: "/dashboard/board", label: "Referrals" },
  { href: "/dashboard/programs", label: "Programs" },
  { href: "/dashboard/users", label: "Users" },
];

const PARTNER_NAV: NavItem[] = [
  { href: "/portal", label: "Overview", exact: true },
  { href: "/portal/links", label: "Links" },
  { href: "/portal/referrals", label: "Referrals" },
  { href: "/portal/conversions", label: "Conversions" },
];

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · reftrack`;
  }, [title]);
}

export function Shell({ user, children }: { user: User; children: ComponentChildren }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [logoutError, setLogoutError] = useState<unknown>(null);
  const nav = user.role === "admin" ? ADMIN_NAV : PARTNER_NAV;

  useEffect(() => setMenuOpen(false), [path]);

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          reftrack
          <span class="brand-role">{user.role === "admin" ? "dashboard" : "partner portal"}</span>
        </a>
        <button
          type="button"
          class="menu-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" class={menuOpen ? "open" : undefined}>
          <ul>
            {nav.map((item) => {
              const active = item.exact ? path === item.href : path === item.href || path.startsWith(`${item.href}/`);
              return (
                <li key={item.href}>
                  <a href={item.href} aria-current={active ? "page" : undefined}>
                    {item.label}
                  </a>
                </li>
              );
            })}
          </ul>
          <div class="account">
            <span class="account-email" title={user.email}>
              {user.email}
            </span>
            <button
              type="button"
              class="secondary small"
              onClick={async () => {
                try {
                  await logOut();
                  navigate("/login", { replace: true });
                } catch (e) {
                  setLogoutError(e);
                }
              }}
            >
              Log out
            </button>
          </div>
        </nav>
      </header>
      {logoutError ? (
        <p class="banner error" role="alert">
          Logging out failed: {describeError(logoutError)}
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

// A page's heading row: the title, and the controls that scope the page (program, range).
export function PageHeader({ title, children }: { title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{title}</h1>
      {children && <div class="page-controls">{children}</div>}
    </div>
  );
}
