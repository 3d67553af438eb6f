"use client";
/**
 * Write a burn-in profile: a new one, or the next version of one (same name, same family). Every part
 * of the spec the judge reads is here: duration and cadence, stages, sensor rules, SEL rules and the
 * in-band stages with their pass criteria. The server checks it all again (zod, duplicate rule ids,
 * stages after the end) and answers with errors next to the fields.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { SENSOR_TYPES, STAGE_KINDS, type TProfileSpec } from "@/server/domains/burnin/schema";
import { ErrorBox, Field, fieldError, OkBox } from "../ui/form";
import { errorInfo, useTRPC } from "../trpc";

type TStageRow = { kind: (typeof STAGE_KINDS)[number]; atH: string; durationMin: string };
type TSensorRow = { id: string; type: string; name: string; above: string; below: string; forMin: string };
type TSelRow = { id: string; sensorType: string; event: string; action: "fail" | "count"; threshold: string };
type TInbandRow = { stage: string; tool: string; criteria: string };

export type TProfileSeed = { name: string; family: string; spec: TProfileSpec };

const STAGE_LABELS: Record<TStageRow["kind"], string> = {
  "cpu-memory-stress": "CPU / memory stress",
  "memory-test": "Memory test",
  disk: "Disk read/write",
  network: "Network",
  "power-cycle": "Power cycle (through the BMC)",
};
const str = (n: number | undefined) => (n === undefined ? "" : String(n));
const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
/** Hours / minutes as the form shows them, without trailing float noise. */
const round = (n: number) => String(Math.round(n * 1000) / 1000);

/** "figure min..max" per line (either end may be empty) ⇄ the criteria record. */
export function criteriaText(c: Record<string, { min?: number; max?: number }>): string {
  return Object.entries(c)
    .map(([k, v]) => `${k} ${str(v.min)}..${str(v.max)}`)
    .join("\n");
}
export function parseCriteria(text: string): { ok: true; value: Record<string, { min?: number; max?: number }> } | { ok: false; message: string } {
  const out: Record<string, { min?: number; max?: number }> = {};
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = /^(\S+)\s+(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/.exec(line);
    if (!m || (m[2] === undefined && m[3] === undefined)) return { ok: false, message: `Criteria line ${i + 1} ("${line}"): write "figure min..max", e.g. "bogo_ops 1000.." or "MiB_s 500..2000".` };
    out[m[1]!] = { ...(m[2] !== undefined ? { min: Number(m[2]) } : {}), ...(m[3] !== undefined ? { max: Number(m[3]) } : {}) };
  }
  return { ok: true, value: out };
}

function Rows<T>({ title, hint, rows, setRows, blank, testId, render }: { title: string; hint: string; rows: T[]; setRows: (f: (rs: T[]) => T[]) => void; blank: () => T; testId: string; render: (row: T, set: (p: Partial<T>) => void, i: number) => React.ReactNode }) {
  return (
    <fieldset className="space-y-2" data-testid={testId}>
      <legend className="font-semibold">{title}</legend>
      <p className="text-sm text-slate-600">{hint}</p>
      {rows.map((row, i) => (
        <div key={i} className="flex flex-wrap items-end gap-2 border-t border-slate-200 pt-2" data-testid={`${testId}-row`}>
          {render(row, (p) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...p } : r))), i)}
          <button type="button" className="btn btn-secondary" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} aria-label={`Remove ${title.toLowerCase()} row ${i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-secondary" onClick={() => setRows((rs) => [...rs, blank()])} data-testid={`${testId}-add`}>
        Add
      </button>
    </fieldset>
  );
}

export function ProfileForm({ seed, families }: { seed: TProfileSeed | null; families: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const s = seed?.spec;
  const [name, setName] = useState(seed?.name ?? "");
  const [family, setFamily] = useState(seed?.family ?? "");
  const [durationH, setDurationH] = useState(s ? round(s.durationSec / 3600) : "48");
  const [cadenceSec, setCadenceSec] = useState(s ? String(s.cadenceSec) : "10");
  const [graceMin, setGraceMin] = useState(s ? round(s.graceSec / 60) : "5");
  const [silenceMin, setSilenceMin] = useState(s ? round(s.maxSilenceSec / 60) : "15");
  const [retentionDays, setRetentionDays] = useState(s ? String(s.rawRetentionDays) : "30");
  const [stages, setStages] = useState<TStageRow[]>(s ? s.stages.map((x) => ({ kind: x.kind, atH: round(x.atSec / 3600), durationMin: round(x.durationSec / 60) })) : []);
  const [sensors, setSensors] = useState<TSensorRow[]>(s ? s.sensorRules.map((r) => ({ id: r.id, type: r.match.type ?? "", name: r.match.name ?? "", above: str(r.above), below: str(r.below), forMin: round(r.forSec / 60) })) : [{ id: "inlet-hot", type: "temperature", name: "inlet", above: "35", below: "", forMin: "5" }]);
  const [sels, setSels] = useState<TSelRow[]>(
    s
      ? s.selRules.map((r) => ({ id: r.id, sensorType: r.sensorType ?? "", event: r.event, action: r.action, threshold: str(r.threshold) }))
      : [
          { id: "sel.uncorrectable-ecc", sensorType: "memory", event: "Uncorrectable ECC", action: "fail", threshold: "" },
          { id: "sel.psu-failure", sensorType: "power supply", event: "Failure detected", action: "fail", threshold: "" },
          { id: "sel.thermal-trip", sensorType: "", event: "Thermal Trip", action: "fail", threshold: "" },
          { id: "sel.correctable-ecc", sensorType: "memory", event: "Correctable ECC", action: "count", threshold: "100" },
        ],
  );
  const [inband, setInband] = useState<TInbandRow[]>(s ? s.inband.map((x) => ({ stage: x.stage, tool: x.tool, criteria: criteriaText(x.criteria) })) : []);
  const [local, setLocal] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const save = useMutation(
    trpc.burnin.createProfile.mutationOptions({
      onSuccess: (p) => {
        setOk(`Saved ${p.name} v${p.version}.`);
        router.push("/burnin/profiles");
        router.refresh();
      },
    }),
  );
  const fe = (k: string) => fieldError(save.error, k);
  const fields = save.error ? (errorInfo(save.error).fields ?? {}) : {};
  const specErrors = Object.entries(fields).filter(([k]) => k.startsWith("spec."));

  return (
    <form
      className="card p-4 space-y-4"
      data-testid="burnin-profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        setLocal(null);
        setOk(null);
        const crit = inband.map((r) => parseCriteria(r.criteria));
        const bad = crit.findIndex((c) => !c.ok);
        if (bad >= 0) {
          const c = crit[bad] as { ok: false; message: string };
          setLocal(`In-band stage ${bad + 1}: ${c.message}`);
          return;
        }
        save.mutate({
          name: name.trim(),
          family: family.trim(),
          spec: {
            durationSec: Math.round(Number(durationH) * 3600),
            cadenceSec: Number(cadenceSec),
            graceSec: Math.round(Number(graceMin) * 60),
            maxSilenceSec: Math.round(Number(silenceMin) * 60),
            rawRetentionDays: Number(retentionDays),
            stages: stages.map((x) => ({ kind: x.kind, atSec: Math.round(Number(x.atH) * 3600), durationSec: Math.round((num(x.durationMin) ?? 0) * 60) })),
            sensorRules: sensors.map((r) => ({
              id: r.id.trim(),
              match: { ...(r.type ? { type: r.type as (typeof SENSOR_TYPES)[number] } : {}), ...(r.name.trim() ? { name: r.name.trim() } : {}) },
              above: num(r.above),
              below: num(r.below),
              forSec: Math.round((num(r.forMin) ?? 0) * 60),
            })),
            selRules: sels.map((r) => ({ id: r.id.trim(), sensorType: r.sensorType.trim() || undefined, event: r.event.trim(), action: r.action, threshold: r.action === "count" ? num(r.threshold) : undefined })),
            inband: inband.map((r, i) => ({ stage: r.stage.trim(), tool: r.tool.trim(), criteria: (crit[i] as { ok: true; value: Record<string, { min?: number; max?: number }> }).value })),
          },
        });
      }}
    >
      <h2 className="text-lg font-semibold">{seed ? `New version of ${seed.name}` : "New profile"}</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Name (lower-case; the same name saves a new version)" error={fe("name")}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} readOnly={!!seed} required data-testid="profile-name" />
        </Field>
        <Field label="Model family" hint="e.g. PowerEdge R7xx" error={fe("family")}>
          <input className="input" value={family} onChange={(e) => setFamily(e.target.value)} readOnly={!!seed} required list="burnin-families" data-testid="profile-family" />
        </Field>
        <datalist id="burnin-families">
          {families.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <Field label="Duration (hours)" error={fe("spec.durationSec")}>
          <input className="input" type="number" min={1 / 60} step="any" value={durationH} onChange={(e) => setDurationH(e.target.value)} required data-testid="profile-duration" />
        </Field>
        <Field label="Sampling cadence (seconds)" error={fe("spec.cadenceSec")}>
          <input className="input" type="number" min={5} max={3600} value={cadenceSec} onChange={(e) => setCadenceSec(e.target.value)} required data-testid="profile-cadence" />
        </Field>
        <Field label="Grace for late readings (minutes)" error={fe("spec.graceSec")}>
          <input className="input" type="number" min={0} step="any" value={graceMin} onChange={(e) => setGraceMin(e.target.value)} required />
        </Field>
        <Field label="BMC silent at most (minutes) before the run fails" error={fe("spec.maxSilenceSec")}>
          <input className="input" type="number" min={1} step="any" value={silenceMin} onChange={(e) => setSilenceMin(e.target.value)} required />
        </Field>
        <Field label="Keep raw readings (days after the run)" error={fe("spec.rawRetentionDays")}>
          <input className="input" type="number" min={0} value={retentionDays} onChange={(e) => setRetentionDays(e.target.value)} required />
        </Field>
      </div>

      <Rows
        title="Stages"
        hint="When each stage starts (hours after the start) and how long it lasts; power cycles go through the BMC and are verified."
        testId="profile-stages"
        rows={stages}
        setRows={setStages}
        blank={(): TStageRow => ({ kind: "cpu-memory-stress", atH: "0", durationMin: "60" })}
        render={(r, set, i) => (
          <>
            <Field label={`Stage ${i + 1}`}>
              <select className="input" value={r.kind} onChange={(e) => set({ kind: e.target.value as TStageRow["kind"] })}>
                {STAGE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {STAGE_LABELS[k]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Starts at (h)">
              <input className="input w-28" type="number" min={0} step="any" value={r.atH} onChange={(e) => set({ atH: e.target.value })} required />
            </Field>
            <Field label="Lasts (min)">
              <input className="input w-28" type="number" min={0} step="any" value={r.durationMin} onChange={(e) => set({ durationMin: e.target.value })} />
            </Field>
          </>
        )}
      />

      <Rows
        title="Sensor rules"
        hint="A limit on sensors by type or by part of their name; the run fails when it is broken for the whole time given (0: at once)."
        testId="profile-sensor-rules"
        rows={sensors}
        setRows={setSensors}
        blank={() => ({ id: "", type: "temperature", name: "", above: "", below: "", forMin: "5" })}
        render={(r, set, i) => (
          <>
            <Field label="Rule id" error={fe(`spec.sensorRules.${i}.id`)}>
              <input className="input w-40" value={r.id} onChange={(e) => set({ id: e.target.value })} required pattern="[a-z0-9][a-z0-9._\-]*" title="lower-case letters, digits, . _ -" data-testid="sensor-rule-id" />
            </Field>
            <Field label="Sensor type">
              <select className="input" value={r.type} onChange={(e) => set({ type: e.target.value })}>
                <option value="">(any)</option>
                {SENSOR_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Name contains" error={fe(`spec.sensorRules.${i}.match`)}>
              <input className="input w-36" value={r.name} onChange={(e) => set({ name: e.target.value })} data-testid="sensor-rule-name" />
            </Field>
            <Field label="Above">
              <input className="input w-24" type="number" step="any" value={r.above} onChange={(e) => set({ above: e.target.value })} data-testid="sensor-rule-above" />
            </Field>
            <Field label="Below" error={fe(`spec.sensorRules.${i}`)}>
              <input className="input w-24" type="number" step="any" value={r.below} onChange={(e) => set({ below: e.target.value })} />
            </Field>
            <Field label="For (min)">
              <input className="input w-24" type="number" min={0} step="any" value={r.forMin} onChange={(e) => set({ forMin: e.target.value })} />
            </Field>
          </>
        )}
      />

      <Rows
        title="SEL rules"
        hint="Event log entries matched by sensor type and event text: Fail fails the run at once; Count fails it at the threshold."
        testId="profile-sel-rules"
        rows={sels}
        setRows={setSels}
        blank={(): TSelRow => ({ id: "", sensorType: "", event: "", action: "fail", threshold: "" })}
        render={(r, set, i) => (
          <>
            <Field label="Rule id" error={fe(`spec.selRules.${i}.id`)}>
              <input className="input w-48" value={r.id} onChange={(e) => set({ id: e.target.value })} required pattern="[a-z0-9][a-z0-9._\-]*" title="lower-case letters, digits, . _ -" />
            </Field>
            <Field label="Sensor type contains">
              <input className="input w-36" value={r.sensorType} onChange={(e) => set({ sensorType: e.target.value })} />
            </Field>
            <Field label="Event contains" error={fe(`spec.selRules.${i}.event`)}>
              <input className="input w-44" value={r.event} onChange={(e) => set({ event: e.target.value })} required />
            </Field>
            <Field label="Then">
              <select className="input" value={r.action} onChange={(e) => set({ action: e.target.value as TSelRow["action"] })}>
                <option value="fail">Fail at once</option>
                <option value="count">Count</option>
              </select>
            </Field>
            {r.action === "count" && (
              <Field label="Threshold" error={fe(`spec.selRules.${i}`)}>
                <input className="input w-24" type="number" min={1} value={r.threshold} onChange={(e) => set({ threshold: e.target.value })} required />
              </Field>
            )}
          </>
        )}
      />

      <Rows
        title="In-band stages"
        hint={'Results the burn-in image must report, each with pass criteria: one per line, "figure min..max" (either end may be empty), e.g. "bogo_ops 1000..".'}
        testId="profile-inband"
        rows={inband}
        setRows={setInband}
        blank={() => ({ stage: "", tool: "", criteria: "" })}
        render={(r, set, i) => (
          <>
            <Field label="Stage" error={fe(`spec.inband.${i}.stage`)}>
              <input className="input w-32" value={r.stage} onChange={(e) => set({ stage: e.target.value })} required placeholder="cpu" />
            </Field>
            <Field label="Tool">
              <input className="input w-32" value={r.tool} onChange={(e) => set({ tool: e.target.value })} required placeholder="stress-ng" />
            </Field>
            <Field label="Pass criteria">
              <textarea className="input w-64 min-h-11" rows={2} value={r.criteria} onChange={(e) => set({ criteria: e.target.value })} data-testid="inband-criteria" />
            </Field>
          </>
        )}
      />

      {local && <ErrorBox>{local}</ErrorBox>}
      {save.error && (
        <ErrorBox error={save.error}>
          {specErrors.length > 0 && (
            <ul className="list-disc pl-5">
              {specErrors.map(([k, v]) => (
                <li key={k}>
                  {k.replace(/^spec\./, "")}: {v?.[0]}
                </li>
              ))}
            </ul>
          )}
        </ErrorBox>
      )}
      {ok && <OkBox>{ok}</OkBox>}
      <button className="btn btn-primary" disabled={save.isPending} data-testid="profile-save">
        {save.isPending ? "Saving…" : seed ? `Save ${seed.name} as a new version` : "Save the profile"}
      </button>
    </form>
  );
}
