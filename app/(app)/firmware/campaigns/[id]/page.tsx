/**
 * One firmware campaign, live: its state (and why it paused or failed), the window, and every asset of
 * every wave with its update state and the version its BMC reports; launch, pause and resume.
 */
import Link from "next/link";
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { LiveRefresh } from "../../../../_components/live-refresh";
import { CampaignActions } from "../../../../_components/firmware/campaigns";

export const dynamic = "force-dynamic";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const ASSET_LABEL: Record<string, string> = { PENDING: "Pending", UPDATING: "Updating", VERIFYING: "Verifying", DONE: "Done", FAILED: "Failed" };
const ASSET_TONE: Record<string, string> = { PENDING: "bg-slate-200 text-slate-900", UPDATING: "bg-amber-100 text-amber-900", VERIFYING: "bg-sky-100 text-sky-900", DONE: "bg-green-100 text-green-900", FAILED: "bg-red-100 text-red-900" };

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load(async (api) => {
    const [me, c] = await Promise.all([api.auth.me(), api.firmware.campaign({ id })]);
    return { me, c };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { me, c } = r.data;
  const waves = [...new Set(c.assets.map((a) => a.wave))].sort((a, b) => a - b);
  return (
    <div className="space-y-6">
      <LiveRefresh channels={`firmware:${c.id}`} throttleMs={1000} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="mr-auto">
          <p className="text-sm">
            <Link className="inline-flex min-h-11 items-center text-blue-800 underline" href="/firmware/campaigns">
              Campaigns
            </Link>
          </p>
          <h1 className="text-2xl font-semibold">{c.name}</h1>
          <p className="text-slate-700">
            {c.modelName} · {c.component} → {c.targetVersion} · at most {c.maxInFlight} at a time
          </p>
          <p className="text-slate-700">
            Window (UTC): {c.window.days.map((d) => DAYS[d]).join(", ")} {c.window.start}–{c.window.end} · {c.windowOpen ? "open now" : "closed now"}
          </p>
        </div>
        {me.can.runCampaigns && <CampaignActions id={c.id} name={c.name} status={c.status} version={c.version} />}
      </div>
      <p className="text-lg" data-testid="fw-campaign-status" data-status={c.status}>
        State: <strong>{c.status.toLowerCase()}</strong>
        {c.reason ? ` — ${c.reason}` : ""}
      </p>
      {waves.map((w) => {
        const rows = c.assets.filter((a) => a.wave === w);
        return (
          <section key={w} className="card p-4 space-y-2" data-testid={`fw-wave-${w + 1}`}>
            <h2 className="text-lg font-semibold">
              Wave {w + 1}: {rows[0]?.rackName ?? "no rack"} {w === c.currentWave && (c.status === "RUNNING" || c.status === "SCHEDULED") ? "(current)" : ""}
            </h2>
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-100">
                <tr>
                  <th className="p-2">Asset</th>
                  <th className="p-2">Status</th>
                  <th className="p-2">Update</th>
                  <th className="p-2">Was</th>
                  <th className="p-2">Runs now</th>
                  <th className="p-2">Note</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.assetId} className="border-t" data-testid={`fw-campaign-asset-${a.serial}`} data-state={a.status}>
                    <td className="p-2">
                      <Link className="inline-flex min-h-11 items-center text-blue-800 underline" href={`/assets/${a.assetId}`}>
                        {a.assetTag ?? a.serial}
                      </Link>
                    </td>
                    <td className="p-2">{a.assetStatus.toLowerCase().replace(/_/g, " ")}</td>
                    <td className="p-2">
                      <span className={`rounded px-2 ${ASSET_TONE[a.status]}`}>{ASSET_LABEL[a.status]}</span>
                    </td>
                    <td className="p-2">{a.fromVersion ?? "—"}</td>
                    <td className="p-2">{a.observed ?? "—"}</td>
                    <td className="p-2">{a.waitingForWindow ? "in service: waits for the window" : (a.error ?? "")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}
