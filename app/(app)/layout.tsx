/**
 * The signed-in shell. A Server Component: the session is checked on the
 * server before anything renders (an expired or missing session goes to
 * /login?next=<this page>, no flash of the app); the navigation follows the
 * server's `me.can`, never a role list.
 */
import Link from "next/link";
import { requireMe } from "../_lib/server-trpc";
import { SCAN_RESULT_SLOT, ScanField } from "../_components/assets/scan-field";
import { ReadOnlyNotice } from "../_components/read-only-notice";
import { NavLinks, SignOutButton } from "../_components/shell";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const me = await requireMe();
  const nav = [
    { href: "/assets", label: "Assets" },
    ...(["admin", "procurement", "viewer"].includes(me.role) ? [{ href: "/procurement", label: "Procurement" }] : []),
    ...(["admin", "warehouse", "viewer"].includes(me.role) ? [{ href: "/warehouse", label: "Warehouse" }] : []),
    { href: "/sat", label: "SAT" },
    { href: "/kpis", label: "KPIs" },
    ...(["admin", "firmware", "technician", "viewer"].includes(me.role) ? [{ href: "/firmware", label: "Firmware" }] : []),
    { href: "/burnin", label: "Burn-in" },
    { href: "/places", label: "Setup" },
    ...(me.can.administer ? [{ href: "/admin", label: "Admin" }] : []),
    { href: "/racks", label: "Racks" },
    { href: "/rma", label: "RMA" },
  ];
  return (
    <div className="min-h-full flex flex-col">
      <header className="sticky top-0 z-10 bg-slate-900 text-white">
        <div className="flex items-center gap-4 px-4 py-2">
          <Link href="/assets" className="text-lg font-semibold whitespace-nowrap min-h-11 inline-flex items-center">IronLedger</Link>
          <NavLinks items={nav} />
          <div className="flex-1 flex justify-center text-slate-900">
            <ScanField canRegister={me.can.registerAssets} />
          </div>
          <div className="flex items-center gap-3 whitespace-nowrap">
            <span className="text-sm text-slate-300" data-testid="whoami">
              {me.name} · {me.role}
            </span>
            <SignOutButton />
          </div>
        </div>
        {/* the scan field's answer: under the header row, never over the page's own buttons */}
        <div id={SCAN_RESULT_SLOT} />
      </header>
      <main className="flex-1 p-4">
        {me.readOnly && <ReadOnlyNotice />}
        {children}
      </main>
    </div>
  );
}
