"use client";
/**
 * Firmware update campaigns: the planner (model, component, an approved target release of the baseline,
 * racks or assets, the UTC window, max in flight) and a campaign's start / pause buttons. The pages are
 * server-rendered and follow the `firmware` live scope; after an action the page refreshes from the server.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { ErrorBox, Field, fieldError } from "../ui/form";
import { useToast } from "../ui/toast";
import { useTRPC } from "../trpc";

type TBaseline = { modelId: string; modelName: string; component: string; releases: { version: string; status: string }[] };
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function CampaignPlanner({ baselines, racks }: { baselines: TBaseline[]; racks: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [key, setKey] = useState("");
  const [target, setTarget] = useState("");
  const [name, setName] = useState("");
  const [imageUri, setImageUri] = useState("");
  const [rackIds, setRackIds] = useState<string[]>([]);
  const [days, setDays] = useState<number[]>([6, 0]);
  const [start, setStart] = useState("01:00");
  const [end, setEnd] = useState("05:00");
  const [maxInFlight, setMaxInFlight] = useState(2);
  const b = baselines.find((x) => `${x.modelId}|${x.component}` === key);
  const create = useMutation(
    trpc.firmware.createCampaign.mutationOptions({
      onSuccess: (c) => {
        toast.success(`Planned "${c.name}": ${c.counts.PENDING} assets in ${c.waves} waves. Start it when ready.`);
        router.push(`/firmware/campaigns/${c.id}`);
      },
    }),
  );
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="fw-campaign-planner"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, modelId: b?.modelId ?? "", component: b?.component ?? "", targetVersion: target, imageUri, rackIds, assetIds: [], window: { days, start, end }, maxInFlight });
      }}
    >
      <h2 className="text-lg font-semibold">Plan a campaign</h2>
      {create.error && <ErrorBox>{create.error.message}</ErrorBox>}
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Name" error={fieldError(create.error, "name")}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="BIOS 2.20 in hall A" data-testid="fw-campaign-name" />
        </Field>
        <Field label="Model and component (from the baselines)" error={fieldError(create.error, "component") ?? fieldError(create.error, "modelId")}>
          <select className="input" value={key} onChange={(e) => (setKey(e.target.value), setTarget(""))} data-testid="fw-campaign-baseline">
            <option value="">— choose —</option>
            {baselines.map((x) => (
              <option key={`${x.modelId}|${x.component}`} value={`${x.modelId}|${x.component}`}>
                {x.modelName} · {x.component}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Target release (approved)" error={fieldError(create.error, "targetVersion")}>
          <select className="input" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="fw-campaign-target">
            <option value="">— choose —</option>
            {(b?.releases ?? [])
              .filter((r) => r.status === "APPROVED")
              .map((r) => (
                <option key={r.version} value={r.version}>
                  {r.version}
                </option>
              ))}
          </select>
        </Field>
        <Field label="Image URL the BMCs can reach" error={fieldError(create.error, "imageUri")}>
          <input className="input" value={imageUri} onChange={(e) => setImageUri(e.target.value)} placeholder="http://repo.site.example/bios.exe" data-testid="fw-campaign-image" />
        </Field>
      </div>
      <fieldset>
        <legend className="text-sm text-slate-700">Racks (one wave per rack, in name order)</legend>
        {fieldError(create.error, "rackIds") && <p className="text-sm text-red-700">{fieldError(create.error, "rackIds")}</p>}
        {fieldError(create.error, "assetIds") && <p className="text-sm text-red-700">{fieldError(create.error, "assetIds")}</p>}
        <div className="flex flex-wrap gap-2">
          {racks.map((r) => (
            <label key={r.id} className="flex min-h-11 items-center gap-2 rounded border px-3">
              <input type="checkbox" checked={rackIds.includes(r.id)} onChange={(e) => setRackIds(e.target.checked ? [...rackIds, r.id] : rackIds.filter((x) => x !== r.id))} data-testid={`fw-campaign-rack-${r.name}`} />
              {r.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="text-sm text-slate-700">Maintenance window for assets in service (UTC)</legend>
        <div className="flex flex-wrap items-end gap-2">
          {DAYS.map((d, i) => (
            <label key={d} className="flex min-h-11 items-center gap-1 rounded border px-3">
              <input type="checkbox" checked={days.includes(i)} onChange={(e) => setDays(e.target.checked ? [...days, i] : days.filter((x) => x !== i))} />
              {d}
            </label>
          ))}
          <Field label="From" error={fieldError(create.error, "window.start")}>
            <input className="input" type="time" value={start} onChange={(e) => setStart(e.target.value)} data-testid="fw-campaign-start" />
          </Field>
          <Field label="To" error={fieldError(create.error, "window.end")}>
            <input className="input" type="time" value={end} onChange={(e) => setEnd(e.target.value)} data-testid="fw-campaign-end" />
          </Field>
          <Field label="At most in flight" error={fieldError(create.error, "maxInFlight")}>
            <input className="input w-24" type="number" min={1} max={100} value={maxInFlight} onChange={(e) => setMaxInFlight(Number(e.target.value))} />
          </Field>
        </div>
      </fieldset>
      <button className="btn btn-primary" disabled={create.isPending} data-testid="fw-campaign-create">
        {create.isPending ? "Planning…" : "Plan campaign"}
      </button>
    </form>
  );
}

export function CampaignActions({ id, name, status, version }: { id: string; name: string; status: string; version: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const done = (verb: string) => () => {
    toast.success(`Campaign "${name}" ${verb}.`);
    setConfirm(false);
    router.refresh();
  };
  const start = useMutation(trpc.firmware.startCampaign.mutationOptions({ onSuccess: done("started") }));
  const pause = useMutation(trpc.firmware.pauseCampaign.mutationOptions({ onSuccess: done("paused"), onError: (e) => toast.error(e.message) }));
  const canStart = status === "DRAFT" || status === "PAUSED";
  const canPause = status === "SCHEDULED" || status === "RUNNING";
  return (
    <div className="flex gap-2">
      {canStart && (
        <button className="btn btn-primary" onClick={() => setConfirm(true)} disabled={start.isPending} data-testid="fw-campaign-launch">
          {status === "PAUSED" ? "Resume" : "Launch"}
        </button>
      )}
      {canPause && (
        <button className="btn btn-secondary" onClick={() => pause.mutate({ id, expectedVersion: version })} disabled={pause.isPending} data-testid="fw-campaign-pause">
          {pause.isPending ? "Pausing…" : "Pause"}
        </button>
      )}
      {confirm && (
        <ConfirmDialog
          title={`Launch "${name}"?`}
          body="The site agents flash the firmware wave by wave; assets in service go to quarantine for their update, only inside the window."
          confirmLabel="Launch"
          tone="primary"
          pending={start.isPending}
          error={start.error}
          onConfirm={() => start.mutate({ id, expectedVersion: version })}
          onCancel={() => setConfirm(false)}
          testId="fw-campaign-launch-ok"
        />
      )}
    </div>
  );
}
