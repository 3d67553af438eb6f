/**
 * Firmware update campaigns: every campaign with its state and progress (live), and the planner for
 * firmware engineers (a model's component to an approved release, racks, the UTC window, max in flight).
 */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { LiveRefresh } from "../../../_components/live-refresh";
import { CampaignPlanner } from "../../../_components/firmware/campaigns";
import { plural } from "../../../_components/ui/format";

export const dynamic = "force-dynamic";

const CAMPAIGN_TONE: Record<string, string> = {
  DRAFT: "bg-slate-200 text-slate-900",
  SCHEDULED: "bg-sky-100 text-sky-900",
  RUNNING: "bg-amber-100 text-amber-900",
  PAUSED: "bg-slate-200 text-slate-900",
  COMPLETED: "bg-green-100 text-green-900",
  FAILED: "bg-red-100 text-red-900",
};

export default async function CampaignsPage() {
  const r = await load(async (api) => {
    const [me, campaigns, baselines, racks] = await Promise.all([api.auth.me(), api.firmware.campaigns({}), api.firmware.baselines({}), api.locations.list({ kind: "RACK" })]);
    return { me, campaigns, baselines, racks };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { me, campaigns, baselines, racks } = r.data;
  return (
    <div className="space-y-6">
      <LiveRefresh channels="firmware" throttleMs={1000} />
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Firmware campaigns</h1>
        <Link className="btn btn-secondary" href="/firmware">
          Back to firmware
        </Link>
      </div>
      <section className="card p-4">
        <table className="w-full text-left text-sm" data-testid="fw-campaigns">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Campaign</th>
              <th className="p-2">Model · component</th>
              <th className="p-2">Target</th>
              <th className="p-2">State</th>
              <th className="p-2">Progress</th>
              <th className="p-2">Window (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.items.map((c) => (
              <tr key={c.id} className="border-t">
                <td className="p-2">
                  <Link className="inline-flex min-h-11 items-center text-blue-800 underline" href={`/firmware/campaigns/${c.id}`}>
                    {c.name}
                  </Link>
                </td>
                <td className="p-2">
                  {c.modelName} · {c.component}
                </td>
                <td className="p-2">{c.targetVersion}</td>
                <td className="p-2">
                  <span className={`rounded px-2 ${CAMPAIGN_TONE[c.status]}`}>{c.status.toLowerCase()}</span>
                </td>
                <td className="p-2">
                  {c.counts.DONE} of {plural(Object.values(c.counts).reduce((a, b) => a + b, 0), "asset")} · wave {Math.min(c.currentWave + 1, c.waves)} of {c.waves}
                </td>
                <td className="p-2">
                  {c.window.start}–{c.window.end}
                </td>
              </tr>
            ))}
            {!campaigns.items.length && (
              <tr>
                <td className="p-2 text-slate-600" colSpan={6}>
                  No campaigns yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      {me.can.runCampaigns && (
        <CampaignPlanner
          baselines={baselines.items.map((b) => ({ modelId: b.modelId, modelName: b.modelName, component: b.component, releases: b.releases.map((x) => ({ version: x.version, status: x.status })) }))}
          racks={racks.map((x) => ({ id: x.id, name: x.name }))}
        />
      )}
    </div>
  );
}
