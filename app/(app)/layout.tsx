"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";
import { ScanField } from "../_components/scan-field";
import { trpcError, useTRPC } from "../_components/trpc";

const NAV = [
  { href: "/assets", label: "Assets", roles: null },
  { href: "/places", label: "Setup", roles: null },
  { href: "/admin", label: "Admin", roles: ["admin"] },
] as const;

export default function AppLayout({ children }: { children: React.ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => router.replace("/login") }));
  const unauth = trpcError(me.error)?.data?.code === "UNAUTHORIZED";

  useEffect(() => {
    if (unauth) router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [unauth, pathname, router]);

  if (!me.data) return <div className="p-8 text-slate-600">{me.isError && !unauth ? "The server is not answering. Retrying…" : "Loading…"}</div>;
  return (
    <div className="min-h-full flex flex-col">
      <header className="sticky top-0 z-10 bg-slate-900 text-white">
        <div className="flex items-center gap-4 px-4 py-2">
          <Link href="/assets" className="text-lg font-semibold whitespace-nowrap">IronLedger</Link>
          <nav className="flex gap-1">
            {NAV.filter((n) => !n.roles || (n.roles as readonly string[]).includes(me.data!.role)).map((n) => (
              <Link key={n.href} href={n.href} className={`rounded-lg px-3 py-2 ${pathname.startsWith(n.href) ? "bg-slate-700" : "hover:bg-slate-800"}`}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="flex-1 flex justify-center text-slate-900">
            <ScanField />
          </div>
          <div className="flex items-center gap-3 whitespace-nowrap">
            <span className="text-sm text-slate-300" data-testid="whoami">
              {me.data.name} · {me.data.role}
            </span>
            <button className="btn btn-secondary min-h-9 px-3 text-sm" onClick={() => logout.mutate()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="flex-1 p-4">{children}</main>
    </div>
  );
}
