/** One soak: its status, the sensors against their limits (server-rendered ECharts SVG), the SEL timeline, in-band results, the verdict, the evidence PDF. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { LiveRefresh } from "../../../_components/live-refresh";
import { RunActions } from "../../../_components/burnin/forms";

export const dynamic = "force-dynamic";
const at = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "—");

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  const r = await load(async (api) => {
    const [run, charts] = await Promise.all([api.burnin.run({ runId }), api.burnin.charts({ runId })]);
    return { run, charts };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { run, charts } = r.data;
  const sel = run.events.filter((e) => e.severity !== "baseline");
  return (
    <div className="space-y-4">
      <LiveRefresh channels={`burnin:${run.id}`} />
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">
          Burn-in of{" "}
          <Link className="link font-mono" href={`/assets/${run.assetId}`}>
            {run.serial}
          </Link>
        </h1>
        <a className="btn btn-secondary min-h-11" href={`/api/burnin/evidence?runId=${run.id}`} data-testid="burnin-pdf">
          Evidence (PDF)
        </a>
        <Link className="btn btn-secondary min-h-11" href="/burnin">
          Board
        </Link>
      </div>
      <section className="card p-4 grid gap-2 sm:grid-cols-2 text-sm">
        <p>
          Status: <strong data-testid="burnin-status">{run.status}</strong>
        </p>
        <p>Profile: {run.profile}</p>
        <p>
          {at(run.startedAt)} → {at(run.endsAt)} UTC
        </p>
        <p>{run.samples} readings, last {at(run.lastSampleAt)}</p>
        {run.failure && (
          <p className="sm:col-span-2 text-red-800" data-testid="burnin-failure">
            {run.failure.rule}: {run.failure.message}
          </p>
        )}
        {run.reason && <p className="sm:col-span-2 text-slate-700">Reason: {run.reason}</p>}
      </section>
      {run.canDecide && <RunActions runId={run.id} />}
      <section className="grid gap-3 lg:grid-cols-2" data-testid="burnin-charts">
        {charts.map((c) => (
          <div key={c.sensor} className="card p-2 overflow-x-auto" dangerouslySetInnerHTML={{ __html: c.svg }} />
        ))}
        {charts.length === 0 && <p className="text-sm text-slate-600">No readings yet.</p>}
      </section>
      <section className="card p-4">
        <h2 className="font-semibold">System event log during the soak</h2>
        <ol className="text-sm space-y-1 mt-2" data-testid="burnin-sel">
          {sel.map((e) => (
            <li key={e.selId} className={e.severity === "fatal" ? "text-red-800 font-semibold" : ""}>
              {at(e.at)} · {e.sensorType}: {e.event} <span className="text-slate-500">({e.severity})</span>
            </li>
          ))}
          {sel.length === 0 && <li className="text-slate-600">No entries since the soak started.</li>}
        </ol>
      </section>
      <section className="card p-4">
        <h2 className="font-semibold">In-band results</h2>
        <ul className="text-sm space-y-1 mt-2">
          {run.results.map((x) => (
            <li key={x.stage}>
              {x.stage} ({x.tool}): {x.passed ? "passed" : "failed"} · {Object.entries(x.figures).map(([k, v]) => `${k} ${v}`).join(", ")}
            </li>
          ))}
          {run.profileSpec.inband
            .filter((s) => !run.results.some((x) => x.stage === s.stage))
            .map((s) => (
              <li key={s.stage} className="text-slate-600">
                {s.stage} ({s.tool}): not reported yet
              </li>
            ))}
        </ul>
      </section>
    </div>
  );
}
