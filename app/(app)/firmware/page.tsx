/**
 * Firmware: the firmware-lag KPI, drift against the approved baselines (worst first), the fleet view
 * (which versions run on how many assets, per model and component) and the baselines themselves.
 * Follows the inventory live: a probe that shows a new version refreshes the page.
 */
import Link from "next/link";
import { load } from "../../_lib/server-trpc";
import { ErrorBox } from "../../_components/ui/form";
import { LiveRefresh } from "../../_components/live-refresh";
import { BaselineEditor, BaselineTransfer } from "../../_components/firmware/baselines";

export const dynamic = "force-dynamic";

const STATE_LABEL: Record<string, string> = { COMPLIANT: "Compliant", BEHIND: "Behind", AHEAD: "Ahead", BLOCKED: "Blocked release", UNKNOWN: "Unknown version", MISSING: "Not reported" };
const STATE_TONE: Record<string, string> = { COMPLIANT: "bg-green-100 text-green-900", BEHIND: "bg-amber-100 text-amber-900", AHEAD: "bg-sky-100 text-sky-900", BLOCKED: "bg-red-100 text-red-900", UNKNOWN: "bg-slate-200 text-slate-900", MISSING: "bg-slate-200 text-slate-900" };
const pct = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(1)} %`);

export default async function FirmwarePage({ searchParams }: { searchParams: Promise<{ state?: string; siteId?: string; modelId?: string }> }) {
  const sp = await searchParams;
  const state = sp.state && sp.state in STATE_LABEL ? (sp.state as "COMPLIANT") : undefined;
  const filters = { siteId: sp.siteId || undefined, modelId: sp.modelId || undefined };
  const r = await load(async (api) => {
    const [me, lag, drift, fleet, baselines, sites, models, posture, policies] = await Promise.all([
      api.auth.me(),
      api.firmware.lag(filters),
      api.firmware.drift({ ...filters, state, take: 200 }),
      api.firmware.fleet(filters),
      api.firmware.baselines({}),
      api.locations.list({ kind: "SITE" }),
      api.catalog.models({}),
      api.firmware.posture({ siteId: filters.siteId, modelId: filters.modelId, take: 50 }),
      api.firmware.posturePolicies({}),
    ]);
    return { me, lag, drift, fleet, baselines, sites, models, posture, policies };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { me, lag, drift, fleet, baselines, sites, models, posture, policies } = r.data;
  const canWrite = me.role === "admin" || me.role === "firmware";
  const siteName = new Map(sites.map((s) => [s.id, s.path]));
  const link = (patch: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries({ ...sp, ...patch }).filter(([, v]) => v) as [string, string][]).toString();
    return `/firmware${q ? `?${q}` : ""}`;
  };
  return (
    <div className="space-y-6">
      <LiveRefresh channels="firmware" throttleMs={2000} />
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Firmware</h1>
        <Link className="btn btn-secondary" href="/firmware/campaigns" data-testid="fw-campaigns-link">
          Update campaigns
        </Link>
        <form className="flex flex-wrap items-end gap-2">
          <label className="block">
            <span className="block text-sm text-slate-700">Site</span>
            <select className="input" name="siteId" defaultValue={filters.siteId ?? ""}>
              <option value="">All sites</option>
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.path}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="block text-sm text-slate-700">Model</span>
            <select className="input" name="modelId" defaultValue={filters.modelId ?? ""}>
              <option value="">All models</option>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.manufacturer.name} {m.name}
                </option>
              ))}
            </select>
          </label>
          {state && <input type="hidden" name="state" value={state} />}
          <button className="btn btn-secondary">Show</button>
        </form>
      </div>

      <section className="grid gap-4 md:grid-cols-3">
        <div className="card p-4">
          <h2 className="font-semibold">Firmware lag &lt; 2 releases (in service)</h2>
          <p className="text-3xl" data-testid="fw-lag-share">
            {pct(lag.share)}
          </p>
          <p className="text-sm text-slate-600">
            {lag.withinTarget} of {lag.measured} components · target: every component less than 2 approved releases behind
          </p>
        </div>
        <div className="card p-4">
          <h2 className="font-semibold">Blocked releases running</h2>
          <p className="text-3xl" data-testid="fw-blocked">
            {lag.blocked}
          </p>
          <p className="text-sm text-slate-600">in-service components on a release marked blocked</p>
        </div>
        <div className="card p-4">
          <h2 className="font-semibold">Unknown versions</h2>
          <p className="text-3xl">{lag.unknown}</p>
          <p className="text-sm text-slate-600">matched no release of the baseline: never guessed</p>
        </div>
      </section>

      <section className="card p-4 space-y-3">
        <h2 className="text-lg font-semibold">Drift against the baselines</h2>
        <nav aria-label="Drift states" className="flex flex-wrap gap-2" data-testid="fw-drift-counts">
          <Link className={`btn ${state ? "btn-secondary" : "btn-primary"}`} href={link({ state: undefined })}>
            All {drift.total}
          </Link>
          {Object.entries(drift.counts).map(([s, n]) => (
            <Link key={s} className={`btn ${state === s ? "btn-primary" : "btn-secondary"}`} href={link({ state: s })} data-state={s}>
              {STATE_LABEL[s]} {n}
            </Link>
          ))}
        </nav>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="fw-drift">
            <thead className="bg-slate-100">
              <tr>
                <th className="p-2">Asset</th>
                <th className="p-2">Model</th>
                <th className="p-2">Site</th>
                <th className="p-2">Component</th>
                <th className="p-2">Runs</th>
                <th className="p-2">State</th>
                <th className="p-2 text-right">Lag</th>
                <th className="p-2">Newest approved</th>
              </tr>
            </thead>
            <tbody>
              {drift.rows.map((d) => (
                <tr key={`${d.assetId}-${d.component}`} className="border-t">
                  <td className="p-2">
                    <Link className="text-blue-800 underline" href={`/assets/${d.assetId}`}>
                      {d.assetTag ?? d.serial}
                    </Link>
                  </td>
                  <td className="p-2">{d.modelName}</td>
                  <td className="p-2">{d.siteId ? (siteName.get(d.siteId) ?? "—") : "—"}</td>
                  <td className="p-2">{d.component}</td>
                  <td className="p-2">{d.observed ?? "—"}</td>
                  <td className="p-2">
                    <span className={`rounded px-2 ${STATE_TONE[d.state]}`}>{STATE_LABEL[d.state]}</span>
                  </td>
                  <td className="p-2 text-right">{d.lag ?? "—"}</td>
                  <td className="p-2">{d.target ?? "—"}</td>
                </tr>
              ))}
              {!drift.rows.length && (
                <tr>
                  <td className="p-2 text-slate-600" colSpan={8}>
                    {baselines.items.length ? "Nothing in this state." : "No baselines yet: define one below."}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card p-4 space-y-3">
        <h2 className="text-lg font-semibold">Fleet: versions running</h2>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="fw-fleet">
            <thead className="bg-slate-100">
              <tr>
                <th className="p-2">Model</th>
                <th className="p-2">Component</th>
                <th className="p-2">Version</th>
                <th className="p-2 text-right">Assets</th>
                <th className="p-2">State</th>
              </tr>
            </thead>
            <tbody>
              {fleet.items.flatMap((g) =>
                g.versions.map((v, i) => (
                  <tr key={`${g.modelId}-${g.component}-${v.version}`} className={i === 0 ? "border-t" : ""}>
                    <td className="p-2">{i === 0 ? g.modelName : ""}</td>
                    <td className="p-2">{i === 0 ? g.component : ""}</td>
                    <td className="p-2">{v.version}</td>
                    <td className="p-2 text-right tabular-nums">{v.assets}</td>
                    <td className="p-2">{v.state ? <span className={`rounded px-2 ${STATE_TONE[v.state]}`}>{STATE_LABEL[v.state]}</span> : <span className="text-slate-600">no baseline</span>}</td>
                  </tr>
                )),
              )}
              {!fleet.items.length && (
                <tr>
                  <td className="p-2 text-slate-600" colSpan={5}>
                    No firmware observed yet: it comes from the BMC probes of the site agents.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="space-y-3" aria-labelledby="posture-h" data-testid="fw-posture">
        <h2 id="posture-h" className="text-lg font-semibold">Posture</h2>
        <p className="text-base">
          {posture.counts.COMPLIANT} compliant · {posture.counts.NON_COMPLIANT} not compliant · {posture.counts.UNKNOWN} unknown (assets of models with a posture policy)
        </p>
        {posture.rows.filter((p) => p.state !== "COMPLIANT").length > 0 && (
          <div className="card overflow-x-auto">
            <table className="w-full text-left">
              <thead>
                <tr className="border-b border-slate-200">
                  <th className="p-2">Asset</th>
                  <th className="p-2">Model</th>
                  <th className="p-2">Posture</th>
                  <th className="p-2">Why</th>
                </tr>
              </thead>
              <tbody>
                {posture.rows
                  .filter((p) => p.state !== "COMPLIANT")
                  .map((p) => (
                    <tr key={p.assetId} className="border-b border-slate-100">
                      <td className="p-2">
                        <Link className="font-mono text-blue-800 underline min-h-11 inline-flex items-center" href={`/assets/${p.assetId}`} prefetch={false}>{p.assetTag ?? p.serial}</Link>
                      </td>
                      <td className="p-2">{p.modelName}</td>
                      <td className="p-2">{p.state === "NON_COMPLIANT" ? "Not compliant" : "Unknown"}{p.waived ? " (waived)" : ""}</td>
                      <td className="p-2 text-sm">{p.reasons.join("; ")}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
        <ul className="space-y-2" data-testid="fw-posture-policies">
          {policies.items.map((p) => (
            <li key={p.id} className="card p-3">
              <p className="font-semibold">{p.modelName} · posture policy revision {p.revision}</p>
              <p className="text-sm text-slate-700">
                SecureBoot {p.secureBoot === "REQUIRED" ? "required" : "any"} · TPM {p.tpm === "REQUIRED" ? `required${p.tpmVersion ? ` (${p.tpmVersion})` : ""}` : "any"}
                {p.attributes.length ? ` · ${p.attributes.map((a) => `${a.name} = ${a.values.join(" / ")}`).join(", ")}` : ""}
              </p>
            </li>
          ))}
        </ul>
      </section>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Baselines</h2>
        <ul className="space-y-2" data-testid="fw-baselines">
          {baselines.items.map((b) => (
            <li key={b.id} className="card p-3">
              <p className="font-semibold">
                {b.modelName} · {b.component} · {b.matchRule.toLowerCase()} match · revision {b.revision}
              </p>
              <p className="text-sm text-slate-700">
                {b.releases.map((x) => `${x.version}${x.status === "APPROVED" ? "" : ` (${x.status.toLowerCase()})`}`).join(" → ")}
              </p>
              <p className="text-sm text-slate-500">
                by {b.updatedBy}, {b.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
              </p>
            </li>
          ))}
        </ul>
        {canWrite && <BaselineEditor models={models.map((m) => ({ id: m.id, name: `${m.manufacturer.name} ${m.name}` }))} baselines={baselines.items} />}
        <BaselineTransfer canWrite={canWrite} />
      </section>
    </div>
  );
}
