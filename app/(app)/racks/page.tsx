/** Racks: each room as a row of racks (units used and reserved, power against the budget, cables verified). */
import Link from "next/link";
import { load } from "../../_lib/server-trpc";
import { ErrorBox } from "../../_components/ui/form";
import { LiveRefresh } from "../../_components/live-refresh";

export const dynamic = "force-dynamic";

export default async function RacksPage() {
  const r = await load((api) => api.cabling.rooms());
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  return (
    <div className="space-y-4">
      <LiveRefresh channels="cabling" throttleMs={2000} />
      <h1 className="text-2xl font-semibold">Racks</h1>
      {r.data.length === 0 && <p className="text-slate-700">No racks yet: add rooms and racks under Setup.</p>}
      {r.data.map((room) => (
        <section key={room.id} className="space-y-2" data-testid={`room-${room.path}`}>
          <h2 className="text-lg font-semibold">{room.path}</h2>
          <ul className="flex flex-wrap gap-3">
            {room.racks.map((k) => (
              <li key={k.id}>
                <Link href={`/racks/${k.id}`} className="card block p-3 w-44 min-h-11 hover:bg-slate-50" data-testid={`rack-${k.code}`}>
                  <span className="block font-semibold">{k.code}</span>
                  <span className="block text-sm text-slate-700">
                    {k.usedU}/{k.heightU} U used{k.reservedU ? `, ${k.reservedU} reserved` : ""}
                  </span>
                  <span className="block text-sm text-slate-700">
                    {k.powerW} W{k.powerBudgetW !== null ? ` of ${k.powerBudgetW} W` : ""}
                  </span>
                  <span className="block text-sm text-slate-700">
                    cables {k.cables.verified}/{k.cables.total} verified
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
