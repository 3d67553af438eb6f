/** RMA & disposal (warehouse tablet): cases, the breach board, sanitisation and disposal batches. Pages call procedures from the browser. */
import Link from "next/link";
import { RpcProvider } from "../../_components/rpc-provider";

const SECTIONS = [
  { href: "/rma", label: "RMA cases" },
  { href: "/rma/disposal", label: "Sanitisation & disposal" },
];

export default function Layout({ children }: { children: React.ReactNode }) {
  return (
    <RpcProvider>
      <div className="space-y-4">
        <nav aria-label="RMA" className="flex flex-wrap gap-2">
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
