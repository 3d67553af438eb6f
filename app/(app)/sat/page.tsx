/** SAT: runs in progress and finished, and starting one (for a Cabled asset or a rack). */
import Link from "next/link";
import { SAT_WRITERS } from "@/server/domains/acceptance/schema";
import { fmtTime } from "../../_components/ui/format";
import { load, requireMe } from "../../_lib/server-trpc";
import { StartSat } from "./start-form";
import { RunStatus } from "./status";

export const dynamic = "force-dynamic";

export default async function SatPage() {
  const me = await requireMe();
  const canWrite = SAT_WRITERS.includes(me.role);
  const r = await load(async (api) => {
    const [open, done, templates, cabled, racks] = await Promise.all([
      api.acceptance.runs({ status: "OPEN", take: 100 }),
      api.acceptance.runs({ take: 30 }),
      api.acceptance.templates({}),
      canWrite ? api.assets.list({ status: ["CABLED"], pageSize: 200 }) : null,
      canWrite ? api.locations.list({ kind: "RACK" }) : null,
    ]);
    return { open, done, templates, cabled, racks };
  });
  if (!r.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{r.message}</p>;
  const { open, done, templates, cabled, racks } = r.data;
  const rows = (items: typeof open.items) =>
    items.map((x) => (
      <li key={x.id}>
        <Link href={`/sat/${x.id}`} className="card flex min-h-14 flex-wrap items-center gap-3 px-4 py-2 hover:bg-slate-50" data-testid="sat-run-link">
          <span className="font-mono">{x.rackPath ? `rack ${x.rackPath}` : x.firstAsset}</span>
          <span className="text-slate-600">{x.templateName} v{x.templateVersion}</span>
          <span className="text-slate-600">{x.assetCount === 1 ? "1 asset" : `${x.assetCount} assets`}</span>
          <span className="ml-auto text-sm text-slate-600">{fmtTime(x.finishedAt ?? x.startedAt)}</span>
          <RunStatus status={x.status} />
        </Link>
      </li>
    ));
  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-2xl font-semibold">Site acceptance tests</h1>
        <Link className="btn btn-secondary" href="/sat/templates">Checklists</Link>
        <Link className="btn btn-secondary" href="/kpis">KPIs</Link>
      </div>
      {canWrite && cabled && racks && (
        <StartSat
          assets={cabled.items.map((a) => ({ id: a.id, label: `${a.assetTag ? `${a.assetTag} · ` : ""}${a.serial} · ${a.model.name}` }))}
          racks={racks.map((x) => ({ id: x.id, path: x.path }))}
          templates={templates.items.map((t) => ({ id: t.id, label: `${t.name} v${t.version}${t.modelName ? ` (${t.modelName})` : ""}` }))}
        />
      )}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">In progress</h2>
        {open.items.length ? <ul className="space-y-2" data-testid="sat-open">{rows(open.items)}</ul> : <p className="text-slate-600">No SAT is in progress.</p>}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Recent</h2>
        <ul className="space-y-2">{rows(done.items.filter((x) => x.status !== "OPEN"))}</ul>
      </section>
    </div>
  );
}
