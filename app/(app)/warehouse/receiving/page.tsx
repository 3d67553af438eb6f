/** Receiving: choose or scan a purchase order (or its ASN) and a receiving bin, then scan. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { StartReceipt } from "./_components/start";
import { ReceivingSettingsForm } from "./_components/settings";

export const dynamic = "force-dynamic";

export default async function ReceivingPage() {
  const r = await load(async (api) => ({
    pos: await api.receiving.receivablePos(),
    open: await api.receiving.receipts({ status: "OPEN" }),
    bins: await api.locations.list({ kind: "BIN" }),
    settings: await api.receiving.settings(),
    me: await api.auth.me(),
  }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { pos, open, bins, settings, me } = r.data;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Receiving</h1>
      <StartReceipt pos={pos.items} bins={bins.map((b) => ({ id: b.id, path: b.path }))} defaultBinId={settings.defaultBinId} />
      {open.items.length > 0 && (
        <section className="card p-3">
          <h2 className="font-semibold mb-2">Open receipts</h2>
          <ul className="space-y-1" data-testid="open-receipts">
            {open.items.map((x) => (
              <li key={x.id}>
                <Link className="text-blue-800 underline min-h-11 inline-flex items-center" href={`/warehouse/receiving/${x.id}`}>
                  {x.number} · {x.poNumber}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {me.role === "admin" && <ReceivingSettingsForm initial={settings} bins={bins.map((b) => ({ id: b.id, path: b.path }))} />}
    </div>
  );
}
