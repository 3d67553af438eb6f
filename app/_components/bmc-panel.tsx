"use client";
/**
 * The asset page's BMC panel: power state, sensors, recent SEL, firmware, last
 * seen, open findings (accept / dismiss) and power actions (technicians and
 * admins, after a confirmation). Data comes through tRPC; there is no
 * transformer, so dates arrive as ISO strings.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FINDING_META, SENSOR_STATUS_META, type TFindingKind } from "@/server/domains/bmc/schema";
import { BmcEndpointForm } from "./bmc-endpoint-form";
import { errorInfo, useTRPC } from "./trpc";

type TPowerAction = "on" | "off" | "cycle" | "reset" | "soft";
const POWER_LABELS: Record<TPowerAction, { label: string; question: string; danger: boolean }> = {
  on: { label: "Power on", question: "Power on", danger: false },
  soft: { label: "Shut down", question: "Ask the OS to shut down", danger: true },
  off: { label: "Power off", question: "Cut power to", danger: true },
  cycle: { label: "Power cycle", question: "Power cycle", danger: true },
  reset: { label: "Reset", question: "Hard reset", danger: true },
};
const POWER_ROLES = ["admin", "technician"];
const DECIDE_ROLES = ["admin", "technician"];
const BMC_EDITORS = ["admin", "technician"];

function when(iso: string | Date | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  const mins = Math.round((Date.now() - d.getTime()) / 60_000);
  const ago = mins < 1 ? "just now" : mins < 60 ? `${mins} min ago` : mins < 48 * 60 ? `${Math.round(mins / 60)} h ago` : `${Math.round(mins / 1440)} days ago`;
  return `${d.toLocaleString()} (${ago})`;
}

function findingText(kind: TFindingKind, detail: Record<string, unknown>): string {
  switch (kind) {
    case "SERIAL_MISMATCH": {
      const o = (detail.observed ?? {}) as Record<string, string | null>;
      const seen = [o.productSerial && `product ${o.productSerial}`, o.chassisSerial && `chassis ${o.chassisSerial}`, o.boardSerial && `board ${o.boardSerial}`].filter(Boolean).join(", ");
      return `Record says ${String(detail.cmdbSerial)}; the BMC reports ${seen}.`;
    }
    case "COMPONENT_MISSING":
      return `${String(detail.kind ?? "Part")} ${String(detail.serial)} is in the record but was not reported.`;
    case "COMPONENT_UNEXPECTED":
      return `${String(detail.kind ?? "Part")} ${String(detail.serial)}${detail.slot ? ` in ${String(detail.slot)}` : ""}${detail.model ? ` (${String(detail.model)})` : ""} is not in the record.`;
    case "UNREACHABLE":
      return `${String(detail.reason)}: ${String(detail.message ?? "")}`;
    case "TLS_MISMATCH":
      return `Pinned ${String(detail.pinned)}, presented ${String(detail.presented)}.`;
  }
}

export function BmcPanel({ assetId }: { assetId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const bmc = useQuery(trpc.bmc.forAsset.queryOptions({ assetId }, { refetchInterval: 30_000 }));
  const [confirm, setConfirm] = useState<TPowerAction | null>(null);
  const [editing, setEditing] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.bmc.forAsset.queryKey({ assetId }) });
  const power = useMutation(trpc.bmc.power.mutationOptions({ onSuccess: async () => { setConfirm(null); await refresh(); } }));
  const decide = useMutation(trpc.bmc.decideFinding.mutationOptions({ onSettled: refresh }));

  const role = me.data?.role ?? "viewer";
  const canPower = POWER_ROLES.includes(role);
  const canDecide = DECIDE_ROLES.includes(role);
  const canEdit = BMC_EDITORS.includes(role);

  if (bmc.isError) return <section className="card p-5 lg:col-span-3"><p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(bmc.error).message}</p></section>;
  if (!bmc.data) return <section className="card p-5 lg:col-span-3"><p className="text-slate-600">Loading BMC…</p></section>;
  const { endpoint: ep, probe, findings } = bmc.data;

  if (!ep) {
    return (
      <section className="card p-5 space-y-2 lg:col-span-3" data-testid="bmc-panel">
        <h2 className="text-lg font-semibold">BMC</h2>
        {canEdit ? (
          editing ? (
            <BmcEndpointForm assetId={assetId} isAdmin={role === "admin"} endpoint={null} onDone={() => { setEditing(false); void refresh(); }} />
          ) : (
            <>
              <p className="text-slate-600">No BMC endpoint is set up for this asset yet. Add its address and credentials so a site agent watches it.</p>
              <button type="button" className="btn btn-primary" onClick={() => setEditing(true)} data-testid="bmc-add">Add BMC endpoint</button>
            </>
          )
        ) : (
          <p className="text-slate-600">No BMC endpoint is set up for this asset. An administrator or technician can add one (address, protocol, credentials) so a site agent watches it.</p>
        )}
      </section>
    );
  }

  const powerState = ep.lastPower ?? probe?.power ?? null;
  return (
    <section className="card p-5 space-y-4 lg:col-span-3" data-testid="bmc-panel">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto">
          <h2 className="text-lg font-semibold">BMC</h2>
          <p className="text-sm text-slate-600">
            {ep.protocol.toUpperCase()} · <span className="font-mono">{ep.address}</span> · {ep.agentName ? `via agent ${ep.agentName}` : "direct (no agent)"} · every {ep.intervalSec} s
          </p>
          <p className="text-sm text-slate-600" data-testid="bmc-last-seen">Last seen {when(ep.lastSeenAt)}</p>
          {ep.lastStatus && ep.lastStatus !== "ok" && <p className="text-sm text-red-800" role="status">{ep.lastError ?? ep.lastStatus}</p>}
          {ep.allowCipherZero && <p className="text-sm text-amber-800">IPMI cipher suite 0 (no authentication) is allowed for this BMC.</p>}
          {canEdit && !editing && (
            <button type="button" className="btn btn-secondary mt-2" onClick={() => setEditing(true)} data-testid="bmc-edit">Edit BMC settings</button>
          )}
        </div>
        <div className="text-right space-y-2">
          <p data-testid="bmc-power">
            Power:{" "}
            <span className={`rounded px-2 py-0.5 font-semibold ${powerState === "on" ? "bg-green-100 text-green-800" : powerState === "off" ? "bg-slate-200 text-slate-800" : "bg-slate-100 text-slate-500"}`}>
              {powerState ?? "unknown"}
            </span>
          </p>
          {canPower && (
            <div className="flex flex-wrap justify-end gap-2">
              {(Object.keys(POWER_LABELS) as TPowerAction[]).map((a) => (
                <button key={a} type="button" className={`btn ${POWER_LABELS[a].danger ? "btn-secondary" : "btn-primary"}`} onClick={() => { power.reset(); setConfirm(a); }} data-testid={`bmc-power-${a}`}>
                  {POWER_LABELS[a].label}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>

      {editing && canEdit && <BmcEndpointForm assetId={assetId} isAdmin={role === "admin"} endpoint={ep} onDone={() => { setEditing(false); void refresh(); }} />}

      {findings.length > 0 && (
        <div className="space-y-2" data-testid="bmc-findings">
          <h3 className="font-semibold">Findings</h3>
          <ul className="space-y-2">
            {findings.map((f) => (
              <li key={f.id} className="rounded-lg border border-amber-300 bg-amber-50 p-3 flex flex-wrap items-center gap-3" data-testid="bmc-finding">
                <div className="mr-auto">
                  <p className="font-medium">{FINDING_META[f.kind].label}</p>
                  <p className="text-sm">{findingText(f.kind, f.detail)}</p>
                  <p className="text-sm text-slate-600">{FINDING_META[f.kind].hint} Seen since {new Date(f.firstSeenAt).toLocaleString()}, last {new Date(f.lastSeenAt).toLocaleString()}.</p>
                </div>
                {canDecide && (
                  <div className="flex gap-2">
                    <button type="button" className="btn btn-primary" disabled={decide.isPending} onClick={() => decide.mutate({ id: f.id, decision: "ACCEPTED" })}>Accept</button>
                    <button type="button" className="btn btn-secondary" disabled={decide.isPending} onClick={() => decide.mutate({ id: f.id, decision: "DISMISSED" })}>Dismiss</button>
                  </div>
                )}
              </li>
            ))}
          </ul>
          {decide.isError && <p role="alert" className="text-red-800">{errorInfo(decide.error).message}</p>}
        </div>
      )}

      {!probe ? (
        <p className="text-slate-600">No reading from this BMC yet. The agent reports within {ep.intervalSec} seconds of picking up its work.</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="space-y-2 lg:col-span-2">
            <h3 className="font-semibold">Sensors</h3>
            <table className="w-full text-left text-base" data-testid="bmc-sensors">
              <thead className="text-sm text-slate-600"><tr><th className="py-1">Sensor</th><th>Reading</th><th>Status</th></tr></thead>
              <tbody>
                {probe.sensors.map((s) => (
                  <tr key={s.name} className="border-t border-slate-200">
                    <td className="py-1">{s.name}</td>
                    <td className="font-mono">{s.value === null ? "—" : `${s.value} ${s.unit}`}</td>
                    <td><span className={`rounded px-2 py-0.5 text-sm ${SENSOR_STATUS_META[s.status].className}`} data-status={s.status}>{SENSOR_STATUS_META[s.status].label}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3 className="font-semibold pt-2">Recent events (SEL)</h3>
            {probe.sel.length === 0 ? (
              <p className="text-slate-600">The event log is empty.</p>
            ) : (
              <ul className="space-y-1 text-base" data-testid="bmc-sel">
                {probe.sel.map((e) => (
                  <li key={e.id}><span className="text-sm text-slate-600 font-mono">{e.timestamp ? new Date(e.timestamp).toLocaleString() : "pre-init"}</span> · {e.sensorType}: {e.event}</li>
                ))}
              </ul>
            )}
          </div>
          <div className="space-y-2">
            <h3 className="font-semibold">Firmware</h3>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1" data-testid="bmc-firmware">
              {probe.firmware.map((f) => (
                <div key={f.component} className="contents"><dt className="text-slate-600">{f.component}</dt><dd className="font-mono">{f.version}</dd></div>
              ))}
            </dl>
            <h3 className="font-semibold pt-2">Identity (FRU)</h3>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1">
              <dt className="text-slate-600">Product</dt><dd>{[probe.fru.manufacturer, probe.fru.productName].filter(Boolean).join(" ") || "—"}</dd>
              <dt className="text-slate-600">Serial</dt><dd className="font-mono">{probe.fru.productSerial ?? probe.fru.chassisSerial ?? "—"}</dd>
              <dt className="text-slate-600">Board</dt><dd className="font-mono">{probe.fru.boardSerial ?? "—"}</dd>
            </dl>
            <p className="text-sm text-slate-600">Read {when(probe.observedAt)}</p>
          </div>
        </div>
      )}

      {confirm && (
        <div className="fixed inset-0 z-30 flex items-center justify-center bg-black/40 p-4" role="dialog" aria-modal="true" aria-labelledby="bmc-confirm-title">
          <form
            className="card w-full max-w-lg p-6 space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              power.mutate({ assetId, action: confirm, confirm: true });
            }}
          >
            <h2 id="bmc-confirm-title" className="text-xl font-semibold">{POWER_LABELS[confirm].question} this server?</h2>
            <p>This acts on the real machine{POWER_LABELS[confirm].danger ? " and interrupts whatever runs on it" : ""}. It is recorded in the audit log under your name.</p>
            {power.isError && <p role="alert" className="text-red-800">{errorInfo(power.error).message}</p>}
            <div className="flex justify-end gap-2">
              <button type="button" className="btn btn-secondary" onClick={() => setConfirm(null)}>Cancel</button>
              <button type="submit" className="btn btn-primary" disabled={power.isPending} data-testid="bmc-power-confirm">{power.isPending ? "Working…" : POWER_LABELS[confirm].label}</button>
            </div>
          </form>
        </div>
      )}
    </section>
  );
}
