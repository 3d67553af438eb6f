"use client";
/** The interactive bits of the signed-in header: the current section and Sign out. */
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "./trpc";

export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav className="flex gap-1" aria-label="Sections">
      {items.map((n) => (
        <Link key={n.href} href={n.href} aria-current={pathname.startsWith(n.href) ? "page" : undefined} className={`rounded-lg px-3 min-h-11 inline-flex items-center ${pathname.startsWith(n.href) ? "bg-slate-700" : "hover:bg-slate-800"}`}>
          {n.label}
        </Link>
      ))}
    </nav>
  );
}

export function SignOutButton() {
  const trpc = useTRPC();
  // a full page load: nothing of this user's data stays in the browser's caches
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => window.location.assign("/login") }));
  return (
    <button type="button" className="btn btn-secondary px-3 text-sm" disabled={logout.isPending} onClick={() => logout.mutate()}>
      Sign out
    </button>
  );
}
