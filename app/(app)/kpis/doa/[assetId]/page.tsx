/** One DOA asset's evidence: the failing lifecycle event, and the burn-in evidence when there is one. */
import Link from "next/link";
import { load } from "../../../../_lib/server-trpc";
import { fmtTime } from "../../../../_components/ui/format";

export const dynamic = "force-dynamic";

export default async function DoaEvidencePage({ params }: { params: Promise<{ assetId: string }> }) {
  const { assetId } = await params;
  const r = await load((api) => api.acceptance.doaEvidence({ assetId }));
  if (!r.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{r.message}</p>;
  const e = r.data;
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <p className="text-sm text-slate-600"><Link className="underline" href="/kpis">KPIs</Link> · DOA evidence</p>
      <h1 className="text-2xl font-semibold">
        <Link className="underline font-mono" href={`/assets/${e.assetId}`}>{e.serial}</Link> {e.doa ? "was dead on arrival" : "is not counted as DOA"}
      </h1>
      {e.doa && (
        <section className="card p-4 space-y-1" data-testid="doa-event">
          <h2 className="font-semibold">The failure</h2>
          <p>Failed {fmtTime(e.failedAt)} from {e.fromStatus ?? "—"}</p>
          <p>Reason: {e.reason ?? "none given"}</p>
          {e.payload && <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-sm">{JSON.stringify(e.payload, null, 2)}</pre>}
        </section>
      )}
      <section className="card p-4 space-y-1" data-testid="doa-burnin">
        <h2 className="font-semibold">Burn-in</h2>
        {e.burnIn ? (
          <>
            <p>{e.burnIn.summary}</p>
            {e.burnIn.runId && (
              <p>
                <Link className="text-blue-800 underline" href={`/burnin/${e.burnIn.runId}`}>The burn-in run</Link> ·{" "}
                <a className="text-blue-800 underline" href={`/api/burnin/evidence?runId=${e.burnIn.runId}`}>
                  evidence (PDF)
                </a>
              </p>
            )}
            {e.burnIn.details && <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-sm">{JSON.stringify(e.burnIn.details, null, 2)}</pre>}
          </>
        ) : (
          <p className="text-slate-600">No burn-in evidence for this asset.</p>
        )}
      </section>
    </div>
  );
}
