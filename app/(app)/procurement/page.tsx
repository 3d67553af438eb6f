/** Procurement → RFQs (server-rendered list). */
import Link from "next/link";
import { load } from "../../_lib/server-trpc";
import { ErrorBox } from "../../_components/ui/form";
import { RfqTable } from "../../_components/procurement/lists";

export const dynamic = "force-dynamic";

export default async function RfqsPage() {
  const r = await load((api) => api.procurement.rfqs());
  return (
    <div className="space-y-4">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Requests for quotation</h1>
        <Link href="/procurement/rfqs/new" className="btn btn-primary" data-testid="new-rfq">
          New RFQ
        </Link>
      </div>
      {r.ok ? <RfqTable rows={r.data.items} /> : <ErrorBox>{r.message}</ErrorBox>}
    </div>
  );
}
