"use client";
/**
 * The asset page's BMC panel. Live readings first: power (with the power
 * action that makes sense as the primary button), sensors, the SEL coloured by
 * severity, firmware and identity; the agent's state (online, last contacted),
 * "last seen" flagged stale after two poll intervals, the last error as a
 * sentence (raw detail on demand), "probe now" and what the panel is waiting
 * for (agent → probe queued → probing → done). Findings come below, collapsed
 * with their count: accept / dismiss one or all (with feedback and an undo for
 * this session), and "add all unknown parts as parts". Power actions go to the
 * agent as commands (cancellable while queued) or, without an agent, to the
 * BMC directly. The page renders it first with the server's data (`initial`);
 * what the user may do comes from the server (`can`).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { TCommandAction, TCommandStatus, TFindingKind } from "@/server/domains/bmc/schema";
import { explainBmcError, FINDING_META, SEL_SEVERITY_META, selSeverity, SENSOR_STATUS_META } from "@/server/domains/bmc/status";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
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

/** the buttons: every action but "status" (a read) and "probe" (its own button) */
type TPowerAction = Exclude<TCommandAction, "status" | "probe">;
const POWER_LABELS: Record<TPowerAction, { label: string; question: string; danger: boolean }> = {
  on: { label: "Power on", question: "Power on", danger: false },
  soft: { label: "Shut down", question: "Ask the OS to shut down", danger: true },
  off: { label: "Power off", question: "Cut power to", danger: true },
  cycle: { label: "Power cycle", question: "Power cycle", danger: true },
  reset: { label: "Reset", question: "Hard reset", danger: true },
};

/** Which power buttons make sense in a power state, and which one is primary (none when the state is unknown). */
export function powerButtons(state: string | null): { actions: TPowerAction[]; primary: TPowerAction | null } {
  if (state === "on") return { actions: ["off", "soft", "cycle", "reset"], primary: "off" };
  if (state === "off") return { actions: ["on"], primary: "on" };
  return { actions: ["on", "off", "soft", "cycle", "reset"], primary: null };
}

/** "12 s ago", "3 min ago"; before the browser's clock is read (server render, hydration) the time itself, the same on both */
function ago(iso: string | Date, now: number): string {
  if (!now) return `at ${fmtTime(iso)}`;
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min ago` : m < 48 * 60 ? `${Math.round(m / 60)} h ago` : `${Math.round(m / 1440)} days ago`;
}

/** a clock that ticks every 5 s, so "N s ago" and "stale" stay true while the page is open */
const tick = { now: Date.now(), subs: new Set<() => void>(), timer: null as ReturnType<typeof setInterval> | null };
function subscribeClock(cb: () => void) {
  tick.subs.add(cb);
  if (!tick.timer) tick.now = Date.now(); // the first subscriber after a pause: the time is now, not when the clock last ticked
  tick.timer ??= setInterval(() => {
    tick.now = Date.now();
    for (const f of tick.subs) f();
  }, 5_000);
  return () => {
    tick.subs.delete(cb);
    if (tick.subs.size === 0 && tick.timer) {
      clearInterval(tick.timer);
      tick.timer = null;
    }
  };
}
function useNow(): number {
  return useSyncExternalStore(subscribeClock, () => tick.now, () => 0);
}

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
  CANCELLED: { label: "Cancelled", className: "bg-slate-100 text-slate-800" },
};
const ACTION_LABELS: Record<string, string> = { on: "Power on", off: "Power off", cycle: "Power cycle", reset: "Reset", soft: "Shut down", status: "Read power state", probe: "Probe now" };
const isOpen = (status: string) => status === "QUEUED" || status === "SENT";

function findingText(kind: TFindingKind, detail: Record<string, unknown>): string {
  switch (kind) {
    case "MODEL_MISMATCH":
      return `Record says ${String(detail.cmdbManufacturer ?? "")} ${String(detail.cmdbModel)}; the BMC reports ${String(detail.observedManufacturer ?? "")} ${String(detail.observedModel)}.`;
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

type TFinding = TAssetBmc["findings"][number];
type TDecided = { ids: string[]; text: string };
const PROBE_STEPS = [
  { id: "agent", label: "Agent" },
  { id: "queued", label: "Probe queued" },
  { id: "probing", label: "Probing" },
  { id: "done", label: "Done" },
] as const;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function BmcPanel({ assetId, initial, can }: { assetId: string; initial?: TAssetBmc; can: { power: boolean; decideFindings: boolean; editBmc: boolean; approveCredentials: boolean } }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const now = useNow();
  const bmc = useQuery(trpc.bmc.forAsset.queryOptions({ assetId }, { initialData: initial, staleTime: 10_000 }));
  const [confirm, setConfirm] = useState<TPowerAction | null>(null);
  const [editing, setEditing] = useState(false);
  const [findingsOpen, setFindingsOpen] = useState(false);
  const [addingParts, setAddingParts] = useState(false);
  /** decisions made on this page, newest first: each can be undone */
  const [decided, setDecided] = useState<TDecided[]>([]);
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
  const queue = useMutation(
    trpc.bmc.queueCommand.mutationOptions({
      onSuccess: async (_r, v) => {
        setConfirm(null);
        toast.info(v.action === "probe" ? "Probe queued for the site agent." : `${POWER_LABELS[v.action as TPowerAction]?.label ?? v.action}: queued for the site agent.`);
        await refreshCommands();
      },
      onError: (e, v) => {
        if (v.action === "probe") toast.error(errorInfo(e).message);
      },
    }),
  );
  const cancel = useMutation(
    trpc.bmc.cancelCommand.mutationOptions({
      onSuccess: async (c) => {
        toast.success(`${ACTION_LABELS[c.action] ?? c.action}: cancelled; nothing was sent to the BMC.`);
        await refreshCommands();
      },
      onError: (e) => toast.error(errorInfo(e).message),
    }),
  );
  const latest = commands.data?.[0] ?? null;
  const pending = latest !== null && isOpen(latest.status);
  const latestPower = commands.data?.find((c) => c.action !== "probe") ?? null;
  const latestProbe = commands.data?.find((c) => c.action === "probe") ?? null;
  // when a command finishes, the power state and readings on the panel follow
  const latestKey = latest ? `${latest.id}:${latest.status}` : "";
  useEffect(() => {
    if (latestKey.endsWith(":DONE")) void qc.invalidateQueries({ queryKey: trpc.bmc.forAsset.queryKey({ assetId }) });
  }, [latestKey, qc, trpc, assetId]);
  const remember = (ids: string[], text: string) => setDecided((d) => [{ ids, text }, ...d.filter((x) => !x.ids.some((i) => ids.includes(i)))].slice(0, 20));
  const decideMany = useMutation(
    trpc.bmc.decideFindings.mutationOptions({
      onSuccess: (r, v) => {
        const what = v.decision === "ACCEPTED" ? "accepted" : "dismissed";
        const label = r.count === 1 ? `${FINDING_META[r.findings[0]!.kind].label}: ${what}` : `${plural(r.count, "finding", "findings")} ${what}`;
        toast.success(`${label}. Undo it under “Decided on this page”.`);
        remember(r.findings.map((f) => f.id), label);
      },
      onError: (e) => toast.error(errorInfo(e).message),
      onSettled: refresh,
    }),
  );
  const reopen = useMutation(
    trpc.bmc.reopenFindings.mutationOptions({
      onSuccess: (r) => {
        toast.success(`${plural(r.count, "finding is", "findings are")} open again.`);
        setDecided((d) => d.filter((x) => !x.ids.some((i) => r.findings.some((f) => f.id === i))));
      },
      onError: (e) => toast.error(errorInfo(e).message),
      onSettled: refresh,
    }),
  );

  const canPower = can.power;
  const canDecide = can.decideFindings;
  const canEdit = can.editBmc;

  if (bmc.isError) return <section className="card p-5 lg:col-span-3"><p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(bmc.error).message}</p></section>;
  if (!bmc.data) return <section className="card p-5 lg:col-span-3"><p className="text-slate-600">Loading BMC…</p></section>;
  const { endpoint: ep, probe, findings, agent, site } = bmc.data;

  if (!ep) {
    return (
      <section className="card p-5 space-y-2 lg:col-span-3" data-testid="bmc-panel">
        <h2 className="text-lg font-semibold">BMC</h2>
        {canEdit ? (
          editing ? (
            <BmcEndpointForm
              assetId={assetId}
              canChooseAgent
              endpoint={null}
              site={site}
              onDone={(r) => {
                setEditing(false);
                void refresh();
                if (r?.probeNow) queue.mutate({ assetId, action: "probe", confirm: true });
              }}
            />
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
  const buttons = powerButtons(powerState);
  const lastSeenMs = ep.lastSeenAt ? now - new Date(ep.lastSeenAt).getTime() : null;
  const stale = now > 0 && lastSeenMs !== null && lastSeenMs > 2 * ep.intervalSec * 1000;
  const problem = ep.lastStatus && ep.lastStatus !== "ok" ? explainBmcError(ep.lastError, ep.lastStatus) : null;
  const agentOffline = agent !== null && !agent.online;
  const probeOpen = latestProbe !== null && isOpen(latestProbe.status);
  // the waiting box: while a probe runs, after one finished (until the next), or before the first reading
  const probeStep = !latestProbe ? "agent" : latestProbe.status === "QUEUED" ? "queued" : latestProbe.status === "SENT" ? "probing" : latestProbe.status === "DONE" ? "done" : "failed";
  const showWaiting = hasAgent && (probeOpen || !probe || (latestProbe !== null && latestProbe.finishedAt !== null && now > 0 && now - new Date(latestProbe.finishedAt).getTime() < 60_000));
  const unknownParts = findings.filter((f) => f.kind === "COMPONENT_UNEXPECTED");

  return (
    <section className="card p-5 space-y-4 lg:col-span-3" data-testid="bmc-panel">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto space-y-1">
          <h2 className="text-lg font-semibold">BMC</h2>
          <p className="text-sm text-slate-700">
            {ep.protocol.toUpperCase()} · <span className="font-mono">{ep.address}</span> · {ep.agentName ? `via agent ${ep.agentName}` : "direct (no agent)"} · every {ep.intervalSec} s
          </p>
          {agent && (
            <p className="text-sm" data-testid="bmc-agent-status" data-online={agent.online ? "true" : "false"}>
              <span className={`rounded px-2 py-0.5 font-semibold ${agent.online ? "bg-green-100 text-green-800" : "bg-red-100 text-red-800"}`}>{agent.revokedAt ? "Agent revoked" : agent.online ? "Agent online" : "Agent offline"}</span>{" "}
              {agent.name}: {agent.lastSeenAt ? `last contacted the server ${ago(agent.lastSeenAt, now)}` : "has never contacted the server"}
              {agentOffline && !agent.revokedAt && ". Nothing reaches this BMC until the agent runs again; check the agent host."}
            </p>
          )}
          <p className="text-sm text-slate-700" data-testid="bmc-last-seen" data-stale={stale ? "true" : "false"}>
            Last seen {when(ep.lastSeenAt)}
            {stale && <span className="ml-2 rounded bg-amber-100 px-2 py-0.5 font-semibold text-amber-900">Stale: no reading for over 2 poll intervals</span>}
          </p>
          {problem && (
            <div className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" role="status" data-testid="bmc-error">
              <p>{problem.sentence}</p>
              {problem.detail && (
                <details className="mt-1">
                  <summary className="cursor-pointer min-h-11 flex items-center">Technical detail</summary>
                  <p className="font-mono break-all" data-testid="bmc-error-detail">{problem.detail}</p>
                </details>
              )}
            </div>
          )}
          {ep.allowCipherZero && <p className="text-sm text-amber-900">IPMI cipher suite 0 (no authentication) is allowed for this BMC.</p>}
          <div className="flex flex-wrap gap-2 pt-1">
            {canEdit && !editing && (
              <button type="button" className="btn btn-secondary" onClick={() => setEditing(true)} data-testid="bmc-edit">Edit BMC settings</button>
            )}
            {canPower && hasAgent && (
              <button type="button" className="btn btn-secondary" disabled={pending || queue.isPending} onClick={() => queue.mutate({ assetId, action: "probe", confirm: true })} data-testid="bmc-probe-now">
                {queue.isPending && queue.variables?.action === "probe" ? "Queuing the probe…" : probeOpen ? "Probing…" : "Probe now"}
              </button>
            )}
          </div>
        </div>
        <div className="text-right space-y-2">
          <p data-testid="bmc-power" data-power={powerState ?? "unknown"}>
            Power:{" "}
            <span className={`rounded px-2 py-0.5 font-semibold ${powerState === "on" ? "bg-green-100 text-green-800" : powerState === "off" ? "bg-slate-200 text-slate-800" : "bg-slate-100 text-slate-700"}`}>
              {powerState ?? "unknown"}
            </span>
          </p>
          {canPower && (
            <div className="flex flex-wrap justify-end gap-2">
              {buttons.actions.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={`btn ${buttons.primary === a ? "btn-primary" : "btn-secondary"}`}
                  data-primary={buttons.primary === a ? "true" : undefined}
                  disabled={pending}
                  onClick={() => { power.reset(); queue.reset(); setConfirm(a); }}
                  data-testid={`bmc-power-${a}`}
                >
                  {POWER_LABELS[a].label}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>

      {showWaiting && (
        <div className="rounded-lg border border-blue-200 bg-blue-50 p-3 space-y-2" data-testid="bmc-waiting" data-step={probeStep}>
          <ol className="flex flex-wrap items-center gap-2 text-sm" aria-label="Waiting for a reading">
            {PROBE_STEPS.map((step, i) => {
              const at = PROBE_STEPS.findIndex((x) => x.id === (probeStep === "failed" ? "done" : probeStep));
              const current = i === at;
              const label =
                step.id === "agent"
                  ? agent?.lastSeenAt ? `Agent last contacted ${ago(agent.lastSeenAt, now)}` : "Agent has not called in yet"
                  : step.id === "done" && probeStep === "failed" && latestProbe ? COMMAND_STATUS_META[latestProbe.status].label : step.label;
              return (
                <li key={step.id} className="flex items-center gap-2">
                  {i > 0 && <span aria-hidden="true" className="text-slate-500">→</span>}
                  <span className={`rounded px-2 py-0.5 ${current ? "bg-blue-700 text-white font-semibold" : i < at ? "bg-white text-slate-800" : "text-slate-600"}`} aria-current={current ? "step" : undefined}>{label}</span>
                </li>
              );
            })}
          </ol>
          <p className="text-sm text-slate-800">
            {probeStep === "queued"
              ? agentOffline
                ? "Waiting for the agent to call in: it is offline. The probe is dropped if the agent does not take it in time."
                : "Waiting for the agent to take the probe (it asks for commands every few seconds)."
              : probeStep === "probing"
                ? "The agent is reading the BMC now."
                : probeStep === "done"
                  ? "Done: the readings below are fresh."
                  : probeStep === "failed" && latestProbe?.status === "CANCELLED"
                    ? "Cancelled before the agent took it: nothing was sent to the BMC."
                    : probeStep === "failed" && latestProbe
                    ? `The probe did not complete${latestProbe.error ? `: ${explainBmcError(latestProbe.error, "unreachable").sentence}` : "."}`
                    : `Waiting for the first reading: the agent picks this BMC up at its next call (every ${agent?.pollIntervalSec ?? 60} s) and reads it within ${Math.min(ep.intervalSec, 30)} s. “Probe now” asks for it at once.`}
          </p>
        </div>
      )}

      {!probe ? (
        <p className="text-slate-700">{hasAgent ? "No reading from this BMC yet." : "No reading from this BMC yet: readings come from a site agent; assign one in the BMC settings."}</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-3" data-testid="bmc-readings">
          <div className="space-y-2 lg:col-span-2">
            <h3 className="font-semibold">Sensors</h3>
            <table className="w-full text-left text-base" data-testid="bmc-sensors">
              <thead className="text-sm text-slate-700"><tr><th className="py-1">Sensor</th><th>Reading</th><th>Status</th></tr></thead>
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
              <p className="text-slate-700">The event log is empty.</p>
            ) : (
              <ul className="space-y-1 text-base" data-testid="bmc-sel">
                {probe.sel.map((e) => {
                  const sev = selSeverity(e.event);
                  return (
                    <li key={e.id} className={`rounded px-2 py-1 ${SEL_SEVERITY_META[sev].className}`} data-severity={sev}>
                      <span className="sr-only">{SEL_SEVERITY_META[sev].label}: </span>
                      <span className="text-sm text-slate-700 font-mono">{e.timestamp ? fmtTime(e.timestamp) : "pre-init"}</span> · {e.sensorType}: {e.event}
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
          <div className="space-y-2">
            <h3 className="font-semibold">Firmware</h3>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1" data-testid="bmc-firmware">
              {probe.firmware.map((f) => (
                <div key={f.component} className="contents"><dt className="text-slate-700">{f.component}</dt><dd className="font-mono">{f.version}</dd></div>
              ))}
            </dl>
            <h3 className="font-semibold pt-2">Identity (FRU)</h3>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1">
              <dt className="text-slate-700">Product</dt><dd>{[probe.system?.manufacturer ?? probe.fru.manufacturer, probe.system?.model ?? probe.fru.productName].filter(Boolean).join(" ") || "—"}</dd>
              <dt className="text-slate-700">Serial</dt><dd className="font-mono">{probe.fru.productSerial ?? probe.fru.chassisSerial ?? "—"}</dd>
              <dt className="text-slate-700">Board</dt><dd className="font-mono">{probe.fru.boardSerial ?? "—"}</dd>
            </dl>
            <p className="text-sm text-slate-700">Read {when(probe.observedAt)}</p>
          </div>
        </div>
      )}

      {hasAgent && (
        <div className="space-y-2" data-testid="bmc-commands">
          <h3 className="font-semibold">Commands via agent {ep.agentName ?? ""}</h3>
          {latestPower && (
            <div className="rounded-lg border border-slate-200 p-3 space-y-2" data-testid="bmc-command-latest" data-status={latestPower.status}>
              <p>
                <span className="font-medium">{ACTION_LABELS[latestPower.action] ?? latestPower.action}</span> · asked by {latestPower.requestedByName} · {when(latestPower.requestedAt)}
              </p>
              <ol className="flex flex-wrap items-center gap-2 text-sm" aria-label="Command progress">
                {COMMAND_STEPS.map((step, i) => {
                  const at = latestPower.status === "QUEUED" ? 0 : latestPower.status === "SENT" ? 1 : 2;
                  const skipped = i === 1 && at === 2 && !latestPower.sentAt; // expired or cancelled before the agent took it
                  const current = i === at;
                  const label = current && at === 2 ? COMMAND_STATUS_META[latestPower.status].label : skipped ? "Not sent" : step.label;
                  return (
                    <li key={step.label} className="flex items-center gap-2">
                      {i > 0 && <span aria-hidden="true" className="text-slate-500">→</span>}
                      <span
                        className={`rounded px-2 py-0.5 ${current ? `${COMMAND_STATUS_META[latestPower.status].className} font-semibold` : i < at && !skipped ? "bg-slate-100 text-slate-800" : "text-slate-600"}`}
                        aria-current={current ? "step" : undefined}
                      >
                        {label}
                      </span>
                    </li>
                  );
                })}
              </ol>
              {latestPower.status === "DONE" && latestPower.power && <p role="status">The BMC reports power {latestPower.power}.</p>}
              {latestPower.status === "FAILED" && <p role="alert" className="text-red-800">The agent could not carry it out: {explainBmcError(latestPower.error, "unreachable").sentence}</p>}
              {latestPower.status === "EXPIRED" && <p role="status" className="text-amber-900">Nothing was done: the agent did not pick the command up before {fmtTime(latestPower.expiresAt)}. Check that the agent is running, then try again.</p>}
              {latestPower.status === "CANCELLED" && <p role="status">Cancelled before the agent took it; nothing was sent to the BMC.</p>}
              {isOpen(latestPower.status) && (
                <p className="text-sm text-slate-700">
                  {agentOffline ? "The agent is offline: the command waits until it calls in" : "Waiting for the agent"}; a command not carried out by {fmtTime(latestPower.expiresAt)} is dropped.
                </p>
              )}
              {latestPower.status === "QUEUED" && canPower && (
                <button type="button" className="btn btn-secondary" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: latestPower.id })} data-testid="bmc-command-cancel">
                  {cancel.isPending ? "Cancelling…" : "Cancel this command"}
                </button>
              )}
            </div>
          )}
          {latestProbe?.status === "QUEUED" && canPower && latestProbe.id === latest?.id && (
            <button type="button" className="btn btn-secondary" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: latestProbe.id })} data-testid="bmc-probe-cancel">
              {cancel.isPending ? "Cancelling…" : "Cancel the queued probe"}
            </button>
          )}
          {commands.isError && <p role="alert" className="text-red-800">{errorInfo(commands.error).message}</p>}
          {(commands.data?.length ?? 0) > 0 ? (
            <table className="w-full text-left text-base" data-testid="bmc-command-history">
              <thead className="text-sm text-slate-700"><tr><th className="py-1">Requested</th><th>Action</th><th>By</th><th>Status</th><th>Result</th></tr></thead>
              <tbody>
                {commands.data!.map((c) => (
                  <tr key={c.id} className="border-t border-slate-200">
                    <td className="py-1 text-sm">{fmtTime(c.requestedAt)}</td>
                    <td>{ACTION_LABELS[c.action] ?? c.action}</td>
                    <td>{c.requestedByName}</td>
                    <td><span className={`rounded px-2 py-0.5 text-sm ${COMMAND_STATUS_META[c.status].className}`}>{COMMAND_STATUS_META[c.status].label}</span></td>
                    <td className="text-sm">{c.power ? `power ${c.power}` : c.error ? explainBmcError(c.error, "unreachable").sentence : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            !commands.isLoading && <p className="text-slate-700">No commands for this BMC yet.</p>
          )}
        </div>
      )}

      {editing && canEdit && <BmcEndpointForm assetId={assetId} canChooseAgent canApprove={can.approveCredentials} endpoint={ep} site={site} onDone={() => { setEditing(false); void refresh(); }} />}

      {(findings.length > 0 || decided.length > 0) && (
        <details className="rounded-lg border border-amber-300" open={findingsOpen} onToggle={(e) => setFindingsOpen(e.currentTarget.open)} data-testid="bmc-findings">
          <summary className="cursor-pointer min-h-11 flex items-center gap-2 px-3 font-semibold" data-testid="bmc-findings-summary">
            Findings <span className="rounded-full bg-amber-100 px-2 text-amber-900" data-testid="bmc-findings-count">{findings.length}</span>
            <span className="font-normal text-slate-700">{findings.length === 0 ? "none open" : "to check against the record"}</span>
          </summary>
          <div className="space-y-3 p-3">
            {canDecide && findings.length > 1 && (
              <div className="flex flex-wrap gap-2" data-testid="bmc-findings-bulk">
                <button type="button" className="btn btn-secondary" disabled={decideMany.isPending} onClick={() => decideMany.mutate({ assetId, ids: findings.map((f) => f.id), decision: "ACCEPTED" })} data-testid="bmc-accept-all">
                  Accept all {findings.length}
                </button>
                <button type="button" className="btn btn-secondary" disabled={decideMany.isPending} onClick={() => decideMany.mutate({ assetId, ids: findings.map((f) => f.id), decision: "DISMISSED" })} data-testid="bmc-dismiss-all">
                  Dismiss all {findings.length}
                </button>
              </div>
            )}
            {canDecide && unknownParts.length > 0 && (
              <button type="button" className="btn btn-primary" onClick={() => setAddingParts(true)} data-testid="bmc-add-parts">
                Add {unknownParts.length === 1 ? "the unknown part" : `all ${unknownParts.length} unknown parts`} as parts
              </button>
            )}
            <ul className="space-y-2">
              {findings.map((f) => (
                <li key={f.id} className="rounded-lg border border-amber-300 bg-amber-50 p-3 flex flex-wrap items-center gap-3" data-testid="bmc-finding" data-kind={f.kind}>
                  <div className="mr-auto">
                    <p className="font-medium">{FINDING_META[f.kind].label}</p>
                    <p className="text-sm">{findingText(f.kind, f.detail)}</p>
                    <p className="text-sm text-slate-700">{FINDING_META[f.kind].hint} Seen since {fmtTime(f.firstSeenAt)}, last {fmtTime(f.lastSeenAt)}.</p>
                  </div>
                  {canDecide && (
                    <div className="flex gap-2">
                      <button type="button" className="btn btn-secondary" disabled={decideMany.isPending} onClick={() => decideMany.mutate({ assetId, ids: [f.id], decision: "ACCEPTED" })} data-testid="bmc-finding-accept">Accept</button>
                      <button type="button" className="btn btn-secondary" disabled={decideMany.isPending} onClick={() => decideMany.mutate({ assetId, ids: [f.id], decision: "DISMISSED" })} data-testid="bmc-finding-dismiss">Dismiss</button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
            {decided.length > 0 && (
              <div className="space-y-1" data-testid="bmc-decided">
                <h4 className="font-medium">Decided on this page</h4>
                <ul className="space-y-1">
                  {decided.map((d) => (
                    <li key={d.ids.join(",")} className="flex flex-wrap items-center gap-2">
                      <span className="mr-auto">{d.text}</span>
                      <button type="button" className="btn btn-secondary" disabled={reopen.isPending} onClick={() => reopen.mutate({ assetId, ids: d.ids })} data-testid="bmc-undo">Undo</button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </details>
      )}

      {addingParts && <AddPartsDialog assetId={assetId} findings={unknownParts} onClose={() => setAddingParts(false)} onAdded={(text) => { setAddingParts(false); toast.success(text); void refresh(); router.refresh(); /* the page's parts list */ }} />}

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
              {agentOffline && <p className="text-amber-900">The agent is offline right now: the command waits for it, and you can cancel it until the agent takes it.</p>}
            </>
          }
        />
      )}
    </section>
  );
}

/** "Add all unknown parts as parts": one catalog model per kind of part, then the parts are registered under this asset. */
function AddPartsDialog({ assetId, findings, onClose, onAdded }: { assetId: string; findings: TFinding[]; onClose: () => void; onAdded: (text: string) => void }) {
  const trpc = useTRPC();
  const kinds = [...new Set(findings.map((f) => String(f.detail.kind ?? "OTHER")))].sort();
  const models = useQuery(trpc.catalog.models.queryOptions({}));
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const add = useMutation(
    trpc.bmc.addUnknownParts.mutationOptions({
      onSuccess: (r) => {
        const byKind = Object.entries(r.created.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.kind]: (acc[p.kind] ?? 0) + 1 }), {}))
          .map(([k, n]) => `${n} ${k}`)
          .join(", ");
        onAdded(`Registered ${plural(r.created.length, "part", "parts")} of this server (${byKind}); ${plural(r.accepted, "finding", "findings")} accepted.`);
      },
    }),
  );
  const suggested = (kind: string) => {
    const options = (models.data ?? []).filter((m) => m.kind === kind);
    const reported = findings.find((f) => f.detail.kind === kind)?.detail.model;
    const match = typeof reported === "string" ? options.find((m) => m.name.toLowerCase().includes(reported.toLowerCase()) || reported.toLowerCase().includes(m.name.toLowerCase())) : undefined;
    return (match ?? (options.length === 1 ? options[0] : undefined))?.id ?? "";
  };
  const value = (kind: string) => chosen[kind] ?? suggested(kind);
  const missing = kinds.filter((k) => !value(k));
  return (
    <ConfirmDialog
      title={`Add ${plural(findings.length, "unknown part", "unknown parts")} as parts of this server?`}
      tone="primary"
      confirmLabel={`Add ${plural(findings.length, "part", "parts")}`}
      pending={add.isPending}
      error={add.error}
      testId="bmc-add-parts-confirm"
      onCancel={onClose}
      onConfirm={() => {
        if (missing.length === 0) add.mutate({ assetId, ids: findings.map((f) => f.id), models: Object.fromEntries(kinds.map((k) => [k, value(k)])) });
      }}
      body={
        <>
          <p>Each part the BMC reported is registered as an asset of its own (status Received, at this server&apos;s location) and linked to this server; the findings are accepted. Choose the catalog model per kind:</p>
          {kinds.map((k) => {
            const options = (models.data ?? []).filter((m) => m.kind === k);
            const count = findings.filter((f) => f.detail.kind === k).length;
            return (
              <label key={k} className="block space-y-1">
                <span className="font-medium">{plural(count, k, k)} {count === 1 ? "part" : "parts"}</span>
                <select className="input w-full" value={value(k)} onChange={(e) => setChosen({ ...chosen, [k]: e.target.value })} data-testid={`bmc-add-parts-model-${k}`}>
                  <option value="">Choose a model…</option>
                  {options.map((m) => (
                    <option key={m.id} value={m.id}>{m.manufacturer.name} {m.name} ({m.partNumber})</option>
                  ))}
                </select>
                {options.length === 0 && <span className="block text-sm text-amber-900">No {k} model in the catalog yet: ask someone who edits the catalog to add one.</span>}
              </label>
            );
          })}
          {missing.length > 0 && <p className="text-sm text-slate-700">Choose a model for: {missing.join(", ")}.</p>}
        </>
      }
    />
  );
}
