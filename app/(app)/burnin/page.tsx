/** The burn-in board: every running soak (time left, readings, the first failing rule), live; recent results; start a soak. */
import Link from "next/link";
import { load, requireMe } from "../../_lib/server-trpc";
import { ErrorBox } from "../../_components/ui/form";
import { LiveRefresh } from "../../_components/live-refresh";
import { StartForm } from "../../_components/burnin/forms";

export const dynamic = "force-dynamic";

const left = (ms: number) => (ms <= 0 ? "due" : ms < 3_600_000 ? `${Math.ceil(ms / 60_000)} min` : `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`);
const at = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "—");
const BADGE: Record<string, string> = { RUNNING: "bg-sky-100 text-sky-900", PASSED: "bg-green-100 text-green-900", FAILED: "bg-red-100 text-red-900", ABORTED: "bg-slate-200 text-slate-800" };

export default async function BurnInBoard({ searchParams }: { searchParams: Promise<{ receiptId?: string }> }) {
  const sp = await searchParams;
  const me = await requireMe();
  const canStart = me.can.startSoaks;
  const r = await load(async (api) => {
    const [board, profiles, received, locations, receipts] = await Promise.all([
      api.burnin.board(),
      canStart ? api.burnin.profiles({ latestOnly: true }) : [],
      canStart ? api.assets.list({ status: ["RECEIVED"], pageSize: 200 }) : { items: [] },
      canStart ? api.locations.list({}) : [],
      canStart ? api.burnin.receipts() : [],
    ]);
    return { board, profiles, received, locations, receipts };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { board, profiles, received, locations, receipts } = r.data;
  const now = new Date(board.now).getTime();
  return (
    <div className="space-y-4">
      <LiveRefresh channels="burnin" throttleMs={1000} />
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-2xl font-semibold">Burn-in</h1>
        <Link className="btn btn-secondary" href="/burnin/profiles" data-testid="burnin-profiles-link">
          Profiles
        </Link>
      </div>
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Running soaks ({board.running.length})</h2>
        <table className="w-full text-left text-sm" data-testid="burnin-running">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Serial</th>
              <th className="p-2">Model</th>
              <th className="p-2">Profile</th>
              <th className="p-2">Time left</th>
              <th className="p-2">Readings</th>
              <th className="p-2">Last reading</th>
            </tr>
          </thead>
          <tbody>
            {board.running.map((x) => (
              <tr key={x.id} className="border-t" data-testid={`burnin-row-${x.serial}`}>
                <td className="p-2">
                  <Link className="link font-mono min-h-11 inline-flex items-center" href={`/burnin/${x.id}`}>
                    {x.serial}
                  </Link>
                </td>
                <td className="p-2">{x.model}</td>
                <td className="p-2">{x.profile}</td>
                <td className="p-2">{left(new Date(x.endsAt).getTime() - now)}</td>
                <td className="p-2">{x.samples}</td>
                <td className="p-2">{at(x.lastSampleAt)}</td>
              </tr>
            ))}
            {board.running.length === 0 && (
              <tr>
                <td className="p-2 text-slate-600" colSpan={6}>
                  No soak is running.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Finished lately</h2>
        <table className="w-full text-left text-sm" data-testid="burnin-recent">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Serial</th>
              <th className="p-2">Result</th>
              <th className="p-2">First failing rule</th>
              <th className="p-2">Finished</th>
            </tr>
          </thead>
          <tbody>
            {board.recent.map((x) => (
              <tr key={x.id} className="border-t" data-testid={`burnin-done-${x.serial}`}>
                <td className="p-2">
                  <Link className="link font-mono min-h-11 inline-flex items-center" href={`/burnin/${x.id}`}>
                    {x.serial}
                  </Link>
                </td>
                <td className="p-2">
                  <span className={`rounded px-2 py-0.5 ${BADGE[x.status] ?? ""}`}>{x.status}</span>
                </td>
                <td className="p-2">{x.failure ? `${x.failure.rule}: ${x.failure.message}` : "—"}</td>
                <td className="p-2">{at(x.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {canStart && (
        <StartForm
          profiles={profiles.map((p) => ({ id: p.id, label: `${p.name} v${p.version} (${p.family}, ${Math.round(p.spec.durationSec / 3600)} h)` }))}
          assets={received.items.filter((a) => a.model.kind === "SERVER").map((a) => ({ id: a.id, serial: a.serial, model: a.model.name }))}
          locations={locations.map((l) => ({ id: l.id, label: `${l.kind} ${l.code} · ${l.name}` }))}
          receipts={receipts.map((x) => ({ id: x.receiptId, label: `${x.number} · ${x.servers} server(s) received ${x.createdAt.toISOString().slice(0, 10)}` }))}
          initialReceiptId={receipts.some((x) => x.receiptId === sp.receiptId) ? sp.receiptId : undefined}
        />
      )}
    </div>
  );
}
