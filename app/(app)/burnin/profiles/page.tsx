/** Burn-in profiles: every version of every profile, and writing a new profile or the next version of one. */
import Link from "next/link";
import { fmtTime } from "../../../_components/ui/format";
import { ErrorBox } from "../../../_components/ui/form";
import { ProfileForm } from "../../../_components/burnin/profile-form";
import { load, requireMe } from "../../../_lib/server-trpc";

export const dynamic = "force-dynamic";

const hours = (sec: number) => `${Math.round((sec / 3600) * 10) / 10} h`;

export default async function BurnInProfilesPage({ searchParams }: { searchParams: Promise<{ from?: string }> }) {
  const sp = await searchParams;
  const me = await requireMe();
  const r = await load((api) => api.burnin.profiles({ latestOnly: false }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const all = r.data;
  const latest = new Map<string, number>();
  for (const p of all) latest.set(p.name, Math.max(latest.get(p.name) ?? 0, p.version));
  const seed = sp.from ? all.find((p) => p.id === sp.from) : undefined;
  const canWrite = me.can.editSoakProfiles;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-2xl font-semibold">Burn-in profiles</h1>
        <Link className="btn btn-secondary" href="/burnin">
          Back to the board
        </Link>
      </div>
      <section className="card p-0 overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="burnin-profiles">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Name</th>
              <th className="p-2">Version</th>
              <th className="p-2">Family</th>
              <th className="p-2">Duration</th>
              <th className="p-2">Cadence</th>
              <th className="p-2">Rules</th>
              <th className="p-2">Saved</th>
              <th className="p-2" />
            </tr>
          </thead>
          <tbody>
            {all.map((p) => (
              <tr key={p.id} className="border-t" data-testid={`burnin-profile-${p.name}-v${p.version}`}>
                <td className="p-2 font-mono">{p.name}</td>
                <td className="p-2">
                  v{p.version}
                  {latest.get(p.name) === p.version ? " (latest)" : ""}
                </td>
                <td className="p-2">{p.family}</td>
                <td className="p-2">{hours(p.spec.durationSec)}</td>
                <td className="p-2">{p.spec.cadenceSec} s</td>
                <td className="p-2">
                  {p.spec.sensorRules.length} sensor · {p.spec.selRules.length} SEL · {p.spec.inband.length} in-band · {p.spec.stages.length} stage(s)
                </td>
                <td className="p-2">
                  {fmtTime(p.createdAt)} by {p.createdBy}
                </td>
                <td className="p-2">
                  {canWrite && latest.get(p.name) === p.version && (
                    <Link className="link min-h-11 inline-flex items-center" href={`/burnin/profiles?from=${p.id}`} data-testid={`burnin-profile-next-${p.name}`}>
                      New version
                    </Link>
                  )}
                </td>
              </tr>
            ))}
            {all.length === 0 && (
              <tr>
                <td className="p-2 text-slate-600" colSpan={8}>
                  No profile yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      {canWrite ? (
        <ProfileForm key={seed?.id ?? "new"} seed={seed ? { name: seed.name, family: seed.family, spec: seed.spec } : null} families={[...new Set(all.map((p) => p.family))]} />
      ) : (
        <p className="text-sm text-slate-700">Your role reads profiles; technicians and administrators write them.</p>
      )}
    </div>
  );
}
