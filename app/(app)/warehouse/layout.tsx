/** Warehouse (tablet): bins and moves, cycle counts, RFID sweeps, labels and printers. Pages call procedures from the browser. */
import Link from "next/link";
import { RpcProvider } from "../../_components/rpc-provider";

const SECTIONS = [
  { href: "/warehouse", label: "Overview" },
  { href: "/warehouse/moves", label: "Bins & moves" },
  { href: "/warehouse/counts", label: "Cycle counts" },
  { href: "/warehouse/rfid", label: "RFID sweep" },
  { href: "/warehouse/printers", label: "Labels & printers" },
];

export default function Layout({ children }: { children: React.ReactNode }) {
  return (
    <RpcProvider>
      <div className="space-y-4">
        <nav aria-label="Warehouse" className="flex flex-wrap gap-2">
          {SECTIONS.map((s) => (
            <Link key={s.href} href={s.href} className="btn btn-secondary min-h-11">
              {s.label}
            </Link>
          ))}
        </nav>
        {children}
      </div>
    </RpcProvider>
  );
}
