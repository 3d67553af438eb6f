/**
 * A host's own LLDP view: `lldpcli -f json0 show neighbors` (json0 keeps one shape whatever the number
 * of neighbours: every value is a list) converted to the LLDP view. The host's interfaces that have a
 * neighbour are its local ports, numbered in the order lldpcli lists them.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { ZLldpView, type TLldpIdSubtype, type TLldpLocalPort, type TLldpNeighbor, type TLldpView } from "../../contracts/lldp";

const ZValue = z.array(z.object({ value: z.string() }).passthrough());
const ZId = z.array(z.object({ type: z.string(), value: z.string() }).passthrough());

const ZJson0Interface = z
  .object({
    name: z.string().min(1).max(255),
    chassis: z.array(z.object({ id: ZId.optional(), name: ZValue.optional() }).passthrough()).optional(),
    port: z.array(z.object({ id: ZId.optional(), descr: ZValue.optional() }).passthrough()).optional(),
  })
  .passthrough();

export const ZLldpJson0 = z
  .object({
    lldp: z.array(z.object({ interface: z.array(ZJson0Interface).max(4096).optional() }).passthrough()).max(1),
  })
  .passthrough();

/** lldpd's names for ID subtypes (lldpctl's "type") → ours */
const TYPES: Record<string, TLldpIdSubtype> = { mac: "mac", ifname: "ifname", ifalias: "ifalias", local: "local", ip: "network", component: "component" };

function subtype(t: string | undefined): TLldpIdSubtype {
  return (t && TYPES[t]) || "unknown";
}

function macLower(kind: TLldpIdSubtype, value: string): string {
  return kind === "mac" ? value.toLowerCase().replace(/-/g, ":") : value;
}

/** Parses lldpcli json0 output (already JSON-decoded); bad input is a BAD_REQUEST error naming the path. */
export function hostViewFromJson0(input: unknown, host: { sysName?: string; chassisId?: string } = {}): TLldpView {
  const parsed = ZLldpJson0.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      "BAD_REQUEST",
      `not lldpcli json0 output (at ${issue.path.join(".") || "the top"}: ${issue.message}); post the output of \`lldpcli -f json0 show neighbors\` (json0, not json or keyvalue)`,
    );
  }
  const localPorts: TLldpLocalPort[] = [];
  const neighbors: TLldpNeighbor[] = [];
  const portNum = new Map<string, number>();
  for (const itf of parsed.data.lldp[0]?.interface ?? []) {
    let num = portNum.get(itf.name);
    if (num === undefined) {
      num = localPorts.length + 1;
      portNum.set(itf.name, num);
      localPorts.push({ portNum: num, portId: itf.name, portIdSubtype: "ifname", portDesc: "", ifName: itf.name });
    }
    const chassis = itf.chassis?.[0];
    const port = itf.port?.[0];
    const cst = subtype(chassis?.id?.[0]?.type);
    const pst = subtype(port?.id?.[0]?.type);
    neighbors.push({
      localPortNum: num,
      localPortId: itf.name,
      chassisId: macLower(cst, chassis?.id?.[0]?.value ?? ""),
      chassisIdSubtype: cst,
      portId: macLower(pst, port?.id?.[0]?.value ?? ""),
      portIdSubtype: pst,
      portDesc: port?.descr?.[0]?.value ?? "",
      sysName: chassis?.name?.[0]?.value ?? "",
    });
  }
  const view = ZLldpView.safeParse({ sysName: host.sysName ?? "", chassisId: host.chassisId ?? "", localPorts, neighbors });
  if (!view.success) throw new AppError("BAD_REQUEST", `lldpcli output too large or malformed: ${view.error.issues[0].message}`);
  return view.data;
}

/** The same from the raw text (as `lldpcli -f json0 show neighbors` prints it). */
export function hostViewFromJson0Text(text: string, host: { sysName?: string; chassisId?: string } = {}): TLldpView {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError("BAD_REQUEST", `lldpcli output is not JSON (${err instanceof Error ? err.message : String(err)}); run \`lldpcli -f json0 show neighbors\``);
  }
  return hostViewFromJson0(json, host);
}
