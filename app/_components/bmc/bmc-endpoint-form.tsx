"use client";
/**
 * Add or edit an asset's BMC endpoint (admins and technicians). The password
 * is write-only: never prefilled, and left empty on edit to keep the stored one.
 * A new endpoint preselects the agent of the asset's site, suggests a short
 * first poll interval and offers to probe it at once; an agent of another site
 * is warned about here (the server refuses it).
 * Changing where the password goes (address, port, agent) or forgetting the
 * TLS pin asks for the password again; an admin may instead approve keeping
 * the stored one (the server insists on the same).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox, Field, fieldError } from "../ui/form";
import { errorInfo, useTRPC } from "../trpc";

/** the interval a new BMC starts with: readings within a minute; 300 s is plenty once it works */
const FIRST_INTERVAL_SEC = 60;

type TEndpointLike = {
  id: string;
  protocol: string;
  address: string;
  username: string;
  intervalSec: number;
  allowCipherZero: boolean;
  agentId: string | null;
  agentName: string | null;
  tlsFingerprint: string | null;
};

export function BmcEndpointForm({
  assetId,
  endpoint,
  canChooseAgent,
  canApprove = false,
  site = null,
  onDone,
}: {
  assetId: string;
  endpoint: TEndpointLike | null;
  canChooseAgent: boolean;
  /** an admin may keep the stored password when the address or agent changes */
  canApprove?: boolean;
  /** the site the asset stands in: its agent is preselected, another site's agent warned about */
  site?: { id: string; name: string } | null;
  /** after a save (`probeNow`: read the new BMC at once), or on Cancel (no argument) */
  onDone: (r?: { probeNow: boolean }) => void;
}) {
  const trpc = useTRPC();
  const agents = useQuery(trpc.bmc.agents.queryOptions(undefined, { enabled: canChooseAgent }));
  const [protocol, setProtocol] = useState<"ipmi" | "redfish">(endpoint?.protocol === "redfish" ? "redfish" : "ipmi");
  const [address, setAddress] = useState(endpoint?.address ?? "");
  const [username, setUsername] = useState(endpoint?.username ?? "");
  const [password, setPassword] = useState("");
  // a new BMC: a short interval shows readings soon; raise it once it works
  const [interval, setIntervalSec] = useState(String(endpoint?.intervalSec ?? FIRST_INTERVAL_SEC));
  /** null until someone chooses: a new endpoint then takes the site's agent */
  const [agentChoice, setAgentChoice] = useState<string | null>(null);
  const [probeNow, setProbeNow] = useState(true);
  const live = agents.data?.filter((a) => !a.revokedAt) ?? [];
  const siteAgent = site ? live.find((a) => a.siteId === site.id) : undefined;
  const agentId = agentChoice ?? (endpoint ? (endpoint.agentId ?? "") : (siteAgent?.id ?? ""));
  const setAgentId = (v: string) => setAgentChoice(v);
  const chosenAgent = agents.data?.find((a) => a.id === agentId);
  const otherSite = Boolean(site && chosenAgent?.siteId && chosenAgent.siteId !== site.id);
  const [cipherZero, setCipherZero] = useState(endpoint?.allowCipherZero ?? false);
  const [resetPin, setResetPin] = useState(false);
  const [keepPassword, setKeepPassword] = useState(false);
  const [nothing, setNothing] = useState(false);
  const [needPassword, setNeedPassword] = useState(false);
  // the stored password would go somewhere new: ask for it again
  const redirects =
    endpoint !== null && (address.trim() !== endpoint.address || (canChooseAgent && (agentId || null) !== endpoint.agentId) || resetPin);

  const create = useMutation(trpc.bmc.createEndpoint.mutationOptions({ onSuccess: (ep) => onDone({ probeNow: probeNow && Boolean(ep.agentId) }) }));
  const update = useMutation(trpc.bmc.updateEndpoint.mutationOptions({ onSuccess: () => onDone({ probeNow: false }) }));
  const m = endpoint ? update : create;
  const err = m.error;
  const fe = (name: string) => fieldError(err, name);

  const submit = () => {
    setNothing(false);
    setNeedPassword(false);
    const intervalSec = Number(interval);
    if (!endpoint) {
      create.mutate({
        assetId,
        protocol,
        address: address.trim(),
        username,
        password,
        intervalSec: Number.isFinite(intervalSec) ? intervalSec : FIRST_INTERVAL_SEC,
        allowCipherZero: protocol === "ipmi" ? cipherZero : false,
        agentId: canChooseAgent ? agentId || null : undefined,
      });
      return;
    }
    const data: {
      address?: string;
      username?: string;
      password?: string;
      intervalSec?: number;
      allowCipherZero?: boolean;
      agentId?: string | null;
      resetTlsPin?: true;
      keepCredentials?: true;
    } = {};
    if (address.trim() !== endpoint.address) data.address = address.trim();
    if (username !== endpoint.username) data.username = username;
    if (password) data.password = password;
    if (intervalSec !== endpoint.intervalSec) data.intervalSec = intervalSec;
    if (protocol === "ipmi" && cipherZero !== endpoint.allowCipherZero) data.allowCipherZero = cipherZero;
    if (canChooseAgent && (agentId || null) !== endpoint.agentId) data.agentId = agentId || null;
    if (resetPin) data.resetTlsPin = true;
    if (redirects && !password) {
      if (!(canApprove && keepPassword)) {
        setNeedPassword(true);
        return;
      }
      data.keepCredentials = true;
    }
    if (Object.keys(data).length === 0) {
      setNothing(true);
      return;
    }
    update.mutate({ id: endpoint.id, data });
  };

  return (
    <form
      className="rounded-xl border border-slate-200 bg-slate-50 p-4 space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="bmc-form"
    >
      <h3 className="font-semibold">{endpoint ? "Edit BMC settings" : "Add BMC endpoint"}</h3>
      <div className="grid gap-3 md:grid-cols-3">
        <Field label="Protocol" error={fe("protocol")} hint={endpoint ? "Fixed once set up" : undefined}>
          <select className="input" value={protocol} disabled={Boolean(endpoint)} onChange={(e) => { setProtocol(e.target.value as "ipmi" | "redfish"); create.reset(); }} data-testid="bmc-protocol">
            <option value="ipmi">IPMI (RMCP+)</option>
            <option value="redfish">Redfish (HTTPS)</option>
          </select>
        </Field>
        <Field label="Address" error={fe("address")} hint={protocol === "ipmi" ? "host or host:port, e.g. 10.0.0.5:623" : "https:// URL, e.g. https://10.0.0.5"} className="md:col-span-2">
          <input className="input font-mono" value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" data-testid="bmc-address" />
        </Field>
        <Field label="BMC user name" error={fe("username")}>
          <input className="input" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" data-testid="bmc-username" />
        </Field>
        <Field
          label="BMC password"
          error={needPassword ? "Enter the BMC password again: the address, agent or certificate pin changed" : fe("password")}
          hint={!endpoint ? "Stored encrypted; never shown again" : redirects ? "Required: the stored password would go to a new address, agent or certificate" : "Leave empty to keep the stored password"}
        >
          <input className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="bmc-password" />
        </Field>
        <Field label="Poll every (seconds)" error={fe("intervalSec")} hint={endpoint ? "5 to 86400" : `Start short (${FIRST_INTERVAL_SEC} s) to see readings soon; 300 s is enough once it works`}>
          <input className="input" inputMode="numeric" value={interval} onChange={(e) => setIntervalSec(e.target.value.replace(/[^0-9]/g, ""))} data-testid="bmc-interval" />
        </Field>
        {canChooseAgent ? (
          <Field
            label="Site agent (optional)"
            error={fe("agentId")}
            hint={!endpoint && siteAgent && agentId === siteAgent.id ? `The agent of ${site?.name ?? "this site"}, where this asset stands` : "The agent inside this BMC's out-of-band network"}
          >
            <select className="input" value={agentId} onChange={(e) => setAgentId(e.target.value)} data-testid="bmc-agent">
              <option value="">No agent (direct)</option>
              {agents.data?.filter((a) => !a.revokedAt || a.id === agentId).map((a) => (
                <option key={a.id} value={a.id}>{a.name}{a.site ? ` (${a.site.code})` : ""}{a.revokedAt ? " — revoked" : ""}</option>
              ))}
            </select>
          </Field>
        ) : (
          <div className="text-sm text-slate-600 self-center">Site agent: {endpoint?.agentName ?? "none"}. An administrator assigns agents.</div>
        )}
      </div>
      {otherSite && chosenAgent && (
        <p className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900" role="alert" data-testid="bmc-agent-site-warning">
          {chosenAgent.name} works in {chosenAgent.site?.name ?? "another site"}, but this asset stands in {site?.name}: that agent cannot reach this BMC&apos;s network, and saving is refused. Choose an agent of {site?.name}.
        </p>
      )}
      {!endpoint && agentId && (
        <label className="flex items-center gap-3 min-h-11">
          <input type="checkbox" className="h-6 w-6" checked={probeNow} onChange={(e) => setProbeNow(e.target.checked)} data-testid="bmc-probe-after-save" />
          <span>Probe it right after saving (the first reading in seconds, not at the agent&apos;s next turn)</span>
        </label>
      )}
      {protocol === "ipmi" && (
        <div className="space-y-1">
          <label className="flex items-center gap-3 min-h-11">
            <input type="checkbox" className="h-6 w-6" checked={cipherZero} onChange={(e) => setCipherZero(e.target.checked)} data-testid="bmc-cipher-zero" />
            <span>Allow IPMI cipher suite 0</span>
          </label>
          {cipherZero && (
            <p className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900" role="note">
              Cipher suite 0 means no authentication and no encryption: anyone on the management network can control this BMC. Use it only for old BMCs that offer nothing else, and disable cipher 0 on the BMC as soon as you can.
            </p>
          )}
        </div>
      )}
      {endpoint?.protocol === "redfish" && endpoint.tlsFingerprint && (
        <label className="flex items-center gap-3 min-h-11">
          <input type="checkbox" className="h-6 w-6" checked={resetPin} onChange={(e) => setResetPin(e.target.checked)} />
          <span>Forget the pinned certificate (only after the BMC was replaced; the next probe pins again)</span>
        </label>
      )}
      {redirects && canApprove && !password && (
        <label className="flex items-center gap-3 min-h-11">
          <input type="checkbox" className="h-6 w-6" checked={keepPassword} onChange={(e) => setKeepPassword(e.target.checked)} data-testid="bmc-keep-password" />
          <span>Keep the stored password: I approve sending it to the new address, agent or certificate</span>
        </label>
      )}
      {err && <ErrorBox error={err}>{errorInfo(err).fields?.data ? <span className="block">{errorInfo(err).fields!.data![0]}</span> : null}</ErrorBox>}
      {nothing && <p className="text-slate-600">Nothing changed.</p>}
      <div className="flex gap-2 justify-end">
        <button type="button" className="btn btn-secondary" onClick={() => onDone()}>Cancel</button>
        <button type="submit" className="btn btn-primary" disabled={m.isPending} data-testid="bmc-save">{m.isPending ? "Saving…" : endpoint ? "Save changes" : "Add BMC endpoint"}</button>
      </div>
    </form>
  );
}
