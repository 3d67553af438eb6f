"use client";
/**
 * The status moves the server allows this user on this asset
 * (`allowedTransitions`, computed on the server), each behind the one
 * confirmation dialog with an optional reason. Plain fetch (rpc-fetch.ts), no
 * tRPC client or react-query: the asset page's first load stays small.
 *
 * - The move names what the user saw (expectedStatus + expectedVersion). If the
 *   asset changed meanwhile, the server refuses it and says who changed it to
 *   what and when; the dialog closes with that, and that nothing was changed.
 * - If the page learns of a change while the dialog is open (live updates
 *   re-render it with the server's data), the dialog closes the same way: it
 *   never offers a move from the status the asset has already left.
 * - Slow network: the confirm button says "Working…" at once; after the server
 *   answers, a toast says so, and every move button stays disabled until the
 *   page shows the new state (the server render that follows).
 * - The open dialog and its reason are kept as a draft (ui/draft.ts): a session
 *   that ended mid-way comes back to it after sign-in.
 */
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { clearDraft, useDraft } from "../ui/draft";
import { fmtTime } from "../ui/format";
import { useToast } from "../ui/toast";
import { errorCode, errorMessage, rpcMutation, rpcQuery } from "../rpc-fetch";

/** The asset's latest status change, as the page shows it in the timeline. */
export type TLastChange = { by: string; from: TAssetStatus | null; to: TAssetStatus; at: Date | string };

type TOpen = { to: TAssetStatus; from: TAssetStatus; version: number };
type TDraft = { to: TAssetStatus; reason: string; version: number };

export function TransitionActions({ assetId, label, status, version, allowed, lastChange }: { assetId: string; label: string; status: TAssetStatus; version: number; allowed: TAssetStatus[]; lastChange: TLastChange | null }) {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState<TOpen | null>(null);
  const [reason, setReason] = useState("");
  const [inFlight, setInFlight] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const busy = inFlight || refreshing;
  // RACKED is the placement step: the dialog asks for the rack and U (checked by the server like a plan)
  const [racks, setRacks] = useState<{ id: string; path: string; heightU: number | null }[] | null>(null);
  const [rackId, setRackId] = useState("");
  const [rackUnit, setRackUnit] = useState("");
  useEffect(() => {
    if (open?.to !== "RACKED" || racks) return;
    rpcQuery<{ id: string; path: string; heightU: number | null }[]>("locations.list", { kind: "RACK" })
      .then((r) => setRacks(r))
      .catch((e) => setError(e));
  }, [open, racks]);

  useDraft<TDraft>("transition", open ? { to: open.to, reason, version: open.version } : null, (d) => {
    // only the very move the user was about to make: same version, still allowed
    if (d.version !== version || !allowed.includes(d.to)) return;
    setOpen({ to: d.to, from: status, version });
    setReason(d.reason);
  });

  // the page now shows another status than the one the open dialog was about: close it and say why
  useEffect(() => {
    if (!open || inFlight || status === open.from) return;
    const who = lastChange && lastChange.to === status ? `${lastChange.by} moved ${label} from ${lastChange.from ? STATUS_META[lastChange.from].label : "—"} to ${STATUS_META[status].label} at ${fmtTime(lastChange.at)}` : `${label} is now ${STATUS_META[status].label}`;
    setOpen(null);
    setReason("");
    setError(null);
    setNotice(`Nothing was changed: ${who}, while you were confirming. Check what it is now, then choose again.`);
  }, [open, inFlight, status, label, lastChange]);

  async function confirm(move: TOpen) {
    setInFlight(true);
    setError(null);
    try {
      if (move.to === "RACKED") await rpcMutation("cabling.rackNow", { assetId, rackId, rackUnit: Number(rackUnit), expectedVersion: move.version });
      else await rpcMutation("assets.transition", { assetId, to: move.to, expectedStatus: move.from, expectedVersion: move.version, reason: reason.trim() || undefined });
      setOpen(null);
      setReason("");
      clearDraft("transition");
      toast.success(`${label} moved to ${STATUS_META[move.to].label}.`);
    } catch (e) {
      const code = errorCode(e);
      if (code === "CONFLICT" || code === "INVALID_TRANSITION") {
        // the asset changed meanwhile: the server says who did what, and when; nothing was written
        setOpen(null);
        setReason("");
        setNotice(errorMessage(e));
      } else {
        setError(e);
      }
    } finally {
      setInFlight(false);
      // show what the server has now (the new status, or someone else's); buttons stay disabled until then
      startRefresh(() => router.refresh());
    }
  }

  return (
    <div className="space-y-2">
      <h2 className="text-lg font-semibold">Actions</h2>
      {allowed.length === 0 && <p className="text-slate-600">Your role has no status change to make here.</p>}
      <div className="flex flex-wrap gap-2" aria-busy={busy}>
        {allowed.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn ${to === "FAILED" || to === "QUARANTINE" ? "btn-secondary text-red-800" : "btn-primary"}`}
            disabled={busy}
            onClick={() => {
              setError(null);
              setNotice(null);
              setOpen({ to, from: status, version });
            }}
            data-testid={`transition-${to}`}
          >
            {status === "QUARANTINE" ? `Release to ${STATUS_META[to].label}` : `→ ${STATUS_META[to].label}`}
          </button>
        ))}
      </div>
      {busy && !open && (
        <p role="status" className="text-slate-700" data-testid="transition-progress">
          Updating the page…
        </p>
      )}
      {notice && (
        <div role="alert" className="flex items-start gap-3 rounded-lg bg-amber-50 border border-amber-300 text-amber-950 px-3 py-2" data-testid="transition-notice">
          <p className="min-w-0 flex-1">{notice}</p>
          <button type="button" className="shrink-0 min-h-11 min-w-11 rounded-lg px-2 underline" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {open && (
        <ConfirmDialog
          title={`Move ${label} from ${STATUS_META[open.from].label} to ${STATUS_META[open.to].label}?`}
          tone={open.to === "FAILED" || open.to === "QUARANTINE" ? "danger" : "primary"}
          confirmLabel="Confirm"
          pending={inFlight}
          error={error}
          testId="confirm-transition"
          onCancel={() => {
            setOpen(null);
            setReason("");
            setError(null);
          }}
          onConfirm={() => void confirm(open)}
          body={
            open.to === "RACKED" ? (
              <div className="space-y-2" data-testid="placement-step">
                <label className="block space-y-1">
                  <span className="text-slate-700">Rack</span>
                  <select className="input" value={rackId} onChange={(e) => setRackId(e.target.value)} disabled={inFlight || !racks} data-testid="placement-rack">
                    <option value="">{racks ? "Choose a rack" : "Loading racks…"}</option>
                    {(racks ?? []).map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.path} ({r.heightU} U)
                      </option>
                    ))}
                  </select>
                </label>
                <label className="block space-y-1">
                  <span className="text-slate-700">Lowest U it occupies</span>
                  <input className="input" type="number" inputMode="numeric" min={1} max={60} value={rackUnit} onChange={(e) => setRackUnit(e.target.value)} disabled={inFlight} data-testid="placement-u" />
                </label>
              </div>
            ) : (
            <label className="block space-y-1">
              <span className="text-slate-700">Reason or note (optional)</span>
              <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} disabled={inFlight} data-testid="transition-reason" />
            </label>
            )
          }
        />
      )}
    </div>
  );
}
