"use client";
/**
 * The asset page's BMC panel: power state, sensors, recent SEL, firmware, last
 * seen, open findings (accept / dismiss) and power actions (technicians and
 * admins, after a confirmation). Without an agent the server switches the
 * power directly; behind a site agent the action is queued as a command and
 * followed here (queued → sent → done / failed / expired) with the recent
 * command history. The page renders it first with the server's data
 * (`initial`); what the user may do comes from the server (`can`).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TCommandAction, TCommandStatus, TFindingKind } from "@/server/domains/bmc/schema";
import { FINDING_META, SENSOR_STATUS_META } from "@/server/domains/bmc/status";
import dynamic from "next/dynamic";
import { useLive } from "../live";
import { errorInfo, useTRPC } from "../trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { fmtTime } from "../ui/format";
import { useToast } from "../ui/toast";
import type { AppRouter } from "@/server/router";
import type { inferRouterOutputs } from "@trpc/server";

type TAssetBmc = inferRouterOutputs<AppRouter>["bmc"]["forAsset"];

// the endpoint form loads only when someone opens it: the page's first load stays small
const BmcEndpointForm = dynamic(() => import("./bmc-endpoint-form").then((m) => m.BmcEndpointForm), { loading: () => <p className="text-slate-600">Loading the form…</p> });

/** the buttons: every action but "status" (a read) */
type TPowerAction = Exclude<TCommandAction, "status">;
const POWER_LABELS: Record<TPowerAction, { label: string; question: string; danger: boolean }> = {
  on: { label: "Power on", question: "Power on", danger: false },
  soft: { label: "Shut down", question: "Ask the OS to shut down", danger: true },
  off: { label: "Power off", question: "Cut power to", danger: true },
  cycle: { label: "Power cycle", question: "Power cycle", danger: true },
  reset: { label: "Reset", question: "Hard reset", danger: true },
};

function when(iso: string | Date | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  const mins = Math.round((Date.now() - d.getTime()) / 60_000);
  const ago = mins < 1 ? "just now" : mins < 60 ? `${mins} min ago` : mins < 48 * 60 ? `${Math.round(mins / 60)} h ago` : `${Math.round(mins / 1440)} days ago`;
  return `${fmtTime(d)} (${ago})`;
}

const COMMAND_STEPS: { status: TCommandStatus[]; label: string }[] = [
  { status: ["QUEUED"], label: "Queued" },
  { status: ["SENT"], label: "Sent to the agent" },
  { status: ["DONE", "FAILED", "EXPIRED"], label: "Result" },
];
const COMMAND_STATUS_META: Record<TCommandStatus, { label: string; className: string }> = {
  QUEUED: { label: "Queued", className: "bg-slate-100 text-slate-800" },
  SENT: { label: "Sent", className: "bg-blue-100 text-blue-800" },
  DONE: { label: "Done", className: "bg-green-100 text-green-800" },
  FAILED: { label: "Failed", className: "bg-red-100 text-red-800" },
  EXPIRED: { label: "Expired", className: "bg-amber-100 text-amber-800" },
};
const ACTION_LABELS: Record<string, string> = { on: "Power on", off: "Power off", cycle: "Power cycle", reset: "Reset", soft: "Shut down", status: "Read power state" };
const isOpen = (status: string) => status === "QUEUED" || status === "SENT";

function findingText(kind: TFindingKind, detail: Record<string, unknown>): string {
  switch (kind) {
    case "SERIAL_MISMATCH": {
      const o: Record<string, unknown> = detail.observed && typeof detail.observed === "object" ? { ...detail.observed } : {};
      const seen = (["productSerial", "chassisSerial", "boardSerial"] as const)
        .filter((k) => typeof o[k] === "string" && o[k])
        .map((k) => `${k.replace("Serial", "")} ${String(o[k])}`)
        .join(", ");
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

export function BmcPanel({ assetId, initial, can }: { assetId: string; initial?: TAssetBmc; can: { power: boolean; decideFindings: boolean; editBmc: boolean; approveCredentials: boolean } }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const bmc = useQuery(trpc.bmc.forAsset.queryOptions({ assetId }, { initialData: initial, staleTime: 10_000 }));
  const [confirm, setConfirm] = useState<TPowerAction | null>(null);
  const [editing, setEditing] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.bmc.forAsset.queryKey({ assetId }) });
  const power = useMutation(trpc.bmc.power.mutationOptions({ onSuccess: async (_r, v) => { setConfirm(null); toast.success(`${POWER_LABELS[v.action as TPowerAction]?.label ?? v.action}: done.`); await refresh(); } }));
  const hasAgent = Boolean(bmc.data?.endpoint?.agentId);
  const commands = useQuery(
    trpc.bmc.commands.queryOptions(
      { assetId, take: 8 },
      {
        enabled: hasAgent,
        // progress arrives live; one refetch at an open command's deadline shows it expired if nothing else wrote that
        refetchInterval: (q) => {
          const open = (q.state.data ?? []).find((c) => isOpen(c.status));
          return open ? Math.max(1_000, new Date(open.expiresAt).getTime() - Date.now() + 500) : false;
        },
      },
    ),
  );
  const refreshCommands = () => qc.invalidateQueries({ queryKey: trpc.bmc.commands.queryKey({ assetId, take: 8 }) });
  // live: observations, findings, endpoint and power changes refetch the panel; command progress the command list
  useLive(`bmc:${assetId}`, (e) => {
    if (e.type === "reset" || e.data.kind !== "bmc.command") void refresh();
    if (e.type === "reset" || e.data.kind === "bmc.command") void refreshCommands();
  });
  const queue = useMutation(trpc.bmc.queueCommand.mutationOptions({ onSuccess: async (_r, v) => { setConfirm(null); toast.info(`${POWER_LABELS[v.action as TPowerAction]?.label ?? v.action}: queued for the site agent.`); await refreshCommands(); } }));
  const latest = commands.data?.[0] ?? null;
  const pending = latest !== null && isOpen(latest.status);
  // when a command finishes, the power state on the panel follows
  const latestKey = latest ? `${latest.id}:${latest.status}` : "";
  useEffect(() => {
    if (latestKey.endsWith(":DONE")) void qc.invalidateQueries({ queryKey: trpc.bmc.forAsset.queryKey({ assetId }) });
  }, [latestKey, qc, trpc, assetId]);
  const decide = useMutation(
    trpc.bmc.decideFinding.mutationOptions({ onSuccess: (_r, v) => toast.success(v.decision === "ACCEPTED" ? "Finding accepted." : "Finding dismissed."), onSettled: refresh }),
  );

  const canPower = can.power;
  const canDecide = can.decideFindings;
  const canEdit = can.editBmc;

  if (bmc.isError) return <section className="card p-5 lg:col-span-3"><p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(bmc.error).message}</p></section>;
  if (!bmc.data) return <section className="card p-5 lg:col-span-3"><p className="text-slate-600">Loading BMC…</p></section>;
  const { endpoint: ep, probe, findings } = bmc.data;

  if (!ep) {
    return (
      <section className="card p-5 space-y-2 lg:col-span-3" data-testid="bmc-panel">
        <h2 className="text-lg font-semibold">BMC</h2>
        {canEdit ? (
          editing ? (
            <BmcEndpointForm assetId={assetId} canChooseAgent endpoint={null} onDone={() => { setEditing(false); void refresh(); }} />
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
                <button key={a} type="button" className={`btn ${POWER_LABELS[a].danger ? "btn-secondary" : "btn-primary"}`} disabled={pending} onClick={() => { power.reset(); queue.reset(); setConfirm(a); }} data-testid={`bmc-power-${a}`}>
                  {POWER_LABELS[a].label}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>

      {hasAgent && (
        <div className="space-y-2" data-testid="bmc-commands">
          <h3 className="font-semibold">Power commands via agent {ep.agentName ?? ""}</h3>
          {latest && (
            <div className="rounded-lg border border-slate-200 p-3 space-y-2" data-testid="bmc-command-latest" data-status={latest.status}>
              <p>
                <span className="font-medium">{ACTION_LABELS[latest.action] ?? latest.action}</span> · asked by {latest.requestedByName} · {when(latest.requestedAt)}
              </p>
              <ol className="flex flex-wrap items-center gap-2 text-sm" aria-label="Command progress">
                {COMMAND_STEPS.map((step, i) => {
                  const at = latest.status === "QUEUED" ? 0 : latest.status === "SENT" ? 1 : 2;
                  const skipped = i === 1 && at === 2 && !latest.sentAt; // expired before the agent took it
                  const current = i === at;
                  const label = current && at === 2 ? COMMAND_STATUS_META[latest.status].label : skipped ? "Not sent" : step.label;
                  return (
                    <li key={step.label} className="flex items-center gap-2">
                      {i > 0 && <span aria-hidden="true" className="text-slate-400">→</span>}
                      <span
                        className={`rounded px-2 py-0.5 ${current ? `${COMMAND_STATUS_META[latest.status].className} font-semibold` : i < at && !skipped ? "bg-slate-100 text-slate-700" : "text-slate-400"}`}
                        aria-current={current ? "step" : undefined}
                      >
                        {label}
                      </span>
                    </li>
                  );
                })}
              </ol>
              {latest.status === "DONE" && latest.power && <p role="status">The BMC reports power {latest.power}.</p>}
              {latest.status === "FAILED" && <p role="alert" className="text-red-800">The agent could not carry it out: {latest.error ?? "no detail"}. Check that the BMC is reachable and its credentials have operator rights, then try again.</p>}
              {latest.status === "EXPIRED" && <p role="status" className="text-amber-800">Nothing was done: the agent did not pick the command up before {fmtTime(latest.expiresAt)}. Check that the agent is running, then try again.</p>}
              {pending && <p className="text-sm text-slate-600">Waiting for the agent; a command not carried out by {fmtTime(latest.expiresAt)} is dropped.</p>}
            </div>
          )}
          {commands.isError && <p role="alert" className="text-red-800">{errorInfo(commands.error).message}</p>}
          {(commands.data?.length ?? 0) > 0 ? (
            <table className="w-full text-left text-base" data-testid="bmc-command-history">
              <thead className="text-sm text-slate-600"><tr><th className="py-1">Requested</th><th>Action</th><th>By</th><th>Status</th><th>Result</th></tr></thead>
              <tbody>
                {commands.data!.map((c) => (
                  <tr key={c.id} className="border-t border-slate-200">
                    <td className="py-1 text-sm">{fmtTime(c.requestedAt)}</td>
                    <td>{ACTION_LABELS[c.action] ?? c.action}</td>
                    <td>{c.requestedByName}</td>
                    <td><span className={`rounded px-2 py-0.5 text-sm ${COMMAND_STATUS_META[c.status].className}`}>{COMMAND_STATUS_META[c.status].label}</span></td>
                    <td className="text-sm">{c.power ? `power ${c.power}` : (c.error ?? "—")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            !commands.isLoading && <p className="text-slate-600">No power commands for this BMC yet.</p>
          )}
        </div>
      )}

      {editing && canEdit && <BmcEndpointForm assetId={assetId} canChooseAgent canApprove={can.approveCredentials} endpoint={ep} onDone={() => { setEditing(false); void refresh(); }} />}

      {findings.length > 0 && (
        <div className="space-y-2" data-testid="bmc-findings">
          <h3 className="font-semibold">Findings</h3>
          <ul className="space-y-2">
            {findings.map((f) => (
              <li key={f.id} className="rounded-lg border border-amber-300 bg-amber-50 p-3 flex flex-wrap items-center gap-3" data-testid="bmc-finding" data-kind={f.kind}>
                <div className="mr-auto">
                  <p className="font-medium">{FINDING_META[f.kind].label}</p>
                  <p className="text-sm">{findingText(f.kind, f.detail)}</p>
                  <p className="text-sm text-slate-600">{FINDING_META[f.kind].hint} Seen since {fmtTime(f.firstSeenAt)}, last {fmtTime(f.lastSeenAt)}.</p>
                </div>
                {canDecide && (
                  <div className="flex gap-2">
                    <button type="button" className="btn btn-primary" disabled={decide.isPending} onClick={() => decide.mutate({ id: f.id, decision: "ACCEPTED" })} data-testid="bmc-finding-accept">Accept</button>
                    <button type="button" className="btn btn-secondary" disabled={decide.isPending} onClick={() => decide.mutate({ id: f.id, decision: "DISMISSED" })} data-testid="bmc-finding-dismiss">Dismiss</button>
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
                  <tr key={s.name} className="border-t border-slate-200" data-testid="bmc-sensor">
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
                  <li key={e.id}><span className="text-sm text-slate-600 font-mono">{e.timestamp ? fmtTime(e.timestamp) : "pre-init"}</span> · {e.sensorType}: {e.event}</li>
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
        <ConfirmDialog
          title={`${POWER_LABELS[confirm].question} this server?`}
          tone={POWER_LABELS[confirm].danger ? "danger" : "primary"}
          confirmLabel={POWER_LABELS[confirm].label}
          pending={power.isPending || queue.isPending}
          error={power.error ?? queue.error}
          testId="bmc-power-confirm"
          onCancel={() => setConfirm(null)}
          onConfirm={() => (hasAgent ? queue.mutate({ assetId, action: confirm, confirm: true }) : power.mutate({ assetId, action: confirm, confirm: true }))}
          body={
            <>
              <p>This acts on the real machine{POWER_LABELS[confirm].danger ? " and interrupts whatever runs on it" : ""}. It is recorded in the audit log under your name.</p>
              {hasAgent && <p className="text-slate-700">The site agent {ep.agentName ?? ""} carries it out within 2 minutes, or not at all; follow it on this page.</p>}
            </>
          }
        />
      )}
    </section>
  );
}
