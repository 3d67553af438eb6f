/** One RMA case: its fields, SLA clock, burn-in evidence, the next step and the replacement scan. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { LiveRefresh } from "../../../_components/live-refresh";
import { CaseActions, ExportButtons } from "../../../_components/rma/forms";
import { RMA_STATUS_LABELS } from "@/server/domains/rma/schema";

export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—");

export default async function CasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load((api) => api.rma.get({ id }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const c = r.data;
  const rows: [string, React.ReactNode][] = [
    ["Asset", <Link key="a" className="link" href={`/assets/${c.assetId}`}>{`${c.assetTag ?? c.assetSerial} · ${c.modelName} (${c.assetStatus})`}</Link>],
    ["Vendor", c.vendorName ?? "—"],
    ["Fault", `${c.reason}${c.faultCode ? ` (${c.faultCode})` : ""}`],
    ["Vendor RMA number", c.vendorRmaNumber ?? "—"],
    ["Replacement", c.mode === "ADVANCE" ? "advance" : "return first"],
    ["Keep your drive", c.keepDrive ? `yes${c.keptDrives.length ? `: ${c.keptDrives.map((d) => d.serial).join(", ")} kept for destruction` : ""}` : "no"],
    ["Shipping", c.carrier ? `${c.carrier} ${c.trackingNumber ?? ""} · shipped ${day(c.shippedAt)}` : "—"],
    ["Replacement serial", c.replacementAssetId ? <Link key="r" className="link font-mono" href={`/assets/${c.replacementAssetId}`}>{c.replacementSerial}</Link> : "—"],
    ["SLA clock", `${c.slaDays} days · opened ${day(c.openedAt)} · due ${day(c.dueAt)}${c.turnaroundDays !== null ? ` · turnaround ${c.turnaroundDays} d` : ""}${c.breached ? " · BREACHED" : ""}`],
    ["Outcome", c.outcome ?? "—"],
  ];
  const burnIn = (c.evidence?.burnIn ?? null) as { runId: string; failure: { rule?: string; detail?: string } | null } | null;
  return (
    <div className="space-y-4">
      <LiveRefresh channels={`rma:${c.id}`} throttleMs={1000} />
      <h1 className="text-2xl font-semibold" data-testid="rma-title">
        {c.number} · <span data-testid="rma-status">{RMA_STATUS_LABELS[c.status]}</span>
      </h1>
      <dl className="card p-4 grid gap-2 md:grid-cols-[14rem_1fr] text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-semibold">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {burnIn && (
        <p className="card p-4 text-sm">
          Burn-in evidence: {burnIn.failure ? `rule ${burnIn.failure.rule ?? "?"} ${burnIn.failure.detail ?? ""}` : "failed run"} ·{" "}
          <Link className="link" href={`/burnin/${burnIn.runId}`}>
            the run
          </Link>
        </p>
      )}
      {(c.actions.length > 0 || c.canReceive) && <CaseActions id={c.id} version={c.version} actions={c.actions} canReceive={c.canReceive} />}
      <ExportButtons id={c.id} />
    </div>
  );
}
