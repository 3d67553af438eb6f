"use client";
/** The interactive bits of the signed-in header: the current section and Sign out. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { rpcMutation } from "./rpc-fetch";

export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav className="flex gap-1 min-w-0 overflow-x-auto" aria-label="Sections">
      {items.map((n) => (
        <Link key={n.href} href={n.href} aria-current={pathname.startsWith(n.href) ? "page" : undefined} className={`shrink-0 whitespace-nowrap rounded-lg px-3 min-h-11 inline-flex items-center ${pathname.startsWith(n.href) ? "bg-slate-700" : "hover:bg-slate-800"}`}>
          {n.label}
        </Link>
      ))}
    </nav>
  );
}

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  // auth.logout by plain fetch with the CSRF header (rpc-fetch.ts); then a full page load:
  // nothing of this user's data stays in the browser's caches
  const signOut = () => {
    setPending(true);
    rpcMutation("auth.logout")
      .catch(() => undefined)
      .finally(() => window.location.assign("/login"));
  };
  return (
    <button type="button" className="btn btn-secondary px-3 text-sm" disabled={pending} onClick={signOut} data-testid="sign-out">
      Sign out
    </button>
  );
}
