/** One SAT run on the tablet: the assets, the checklist (a client part on plain fetch), who signed it off and when. */
import Link from "next/link";
import { SAT_WRITERS } from "@/server/domains/acceptance/schema";
import { STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import { fmtTime } from "../../../_components/ui/format";
import { load, requireMe } from "../../../_lib/server-trpc";
import { SatChecklist } from "../checklist";
import { RunStatus } from "../status";

export const dynamic = "force-dynamic";

export default async function SatRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [me, r] = await Promise.all([requireMe(), load((api) => api.acceptance.run({ id }))]);
  if (!r.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{r.message}</p>;
  const run = r.data;
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto">
          <p className="text-sm text-slate-600">
            <Link className="underline" href="/sat">SAT</Link> · {run.template.name} v{run.template.version}
            {run.rack ? ` · rack ${run.rack.path}` : ""}
          </p>
          <h1 className="text-2xl font-semibold">
            Site acceptance test <RunStatus status={run.status} />
          </h1>
          <p className="text-slate-700">
            started {fmtTime(run.startedAt)} by {run.startedBy}
            {run.previousRunId && (
              <>
                {" "}· re-run of <Link className="underline" href={`/sat/${run.previousRunId}`}>the failed run</Link>: {run.reason}
              </>
            )}
          </p>
          {run.status === "PASSED" && (
            <p className="text-green-800 font-medium" data-testid="sat-signed">
              Passed, signed off by {run.finishedBy} at {fmtTime(run.finishedAt)}
            </p>
          )}
          {run.status === "FAILED" && (
            <p className="text-red-800 font-medium" data-testid="sat-failed">
              Failed by {run.finishedBy} at {fmtTime(run.finishedAt)}: {run.reason}
            </p>
          )}
        </div>
      </div>
      <section className="card p-4">
        <h2 className="font-semibold">Assets ({run.assets.length})</h2>
        <ul className="flex flex-wrap gap-2 mt-2" data-testid="sat-assets">
          {run.assets.map((a) => (
            <li key={a.id}>
              <Link className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-slate-300 px-3" href={`/assets/${a.id}`}>
                <span className="font-mono">{a.serial}</span>
                <span className="text-sm text-slate-600">{a.model}</span>
                <span className="text-sm" data-testid={`sat-asset-status-${a.serial}`}>{STATUS_META[a.status as TAssetStatus]?.label ?? a.status}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <SatChecklist key={`${run.id}:${run.version}`} run={run} canWrite={SAT_WRITERS.includes(me.role)} />
    </div>
  );
}
