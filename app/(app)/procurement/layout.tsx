/** Procurement: RFQs, TCO comparison, awards, purchase orders, vendors, KPIs. Pages here call procedures from the browser too. */
import Link from "next/link";
import { RpcProvider } from "../../_components/rpc-provider";

const SECTIONS = [
  { href: "/procurement", label: "RFQs" },
  { href: "/procurement/purchase-orders", label: "Purchase orders" },
  { href: "/procurement/vendors", label: "Vendors" },
  { href: "/procurement/kpis", label: "KPIs" },
  { href: "/procurement/setup", label: "Setup and CapEx plan" },
];

export default function Layout({ children }: { children: React.ReactNode }) {
  return (
    <RpcProvider>
      <div className="space-y-4">
        <nav aria-label="Procurement" className="flex flex-wrap gap-2">
          {SECTIONS.map((s) => (
            <Link key={s.href} href={s.href} className="btn btn-secondary">
              {s.label}
            </Link>
          ))}
        </nav>
        {children}
      </div>
    </RpcProvider>
  );
}
