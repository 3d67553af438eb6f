/**
 * One-shot BMC probe and power control over IPMI v2.0 / RMCP+ (cipher suite 3).
 * Used by the CLI (`ironledger bmc probe`, `bmc power`) and the agent runner.
 */
import type { TBmcProbeResult, TPowerAction } from "../../server/contracts/bmc";
import { chassisControl, formatGuid, getChassisStatus, getDeviceId, getLanMac, getSystemGuid, readAllSensors, readFru, readSel, type ChassisAction } from "./commands";
import { IpmiError, IpmiTimeoutError, toIpmiError } from "./errors";
import { IpmiSession, type PrivilegeName } from "./session";
import type { IpmiTransport } from "./transport";

export interface IpmiProbeOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  privilege?: "user" | "operator" | "administrator";
  timeoutMs?: number;
  retries?: number;
  allowCipherZero?: boolean;
  /** BMC key (KG), if the BMC has one */
  kg?: string;
  /** overall deadline for the whole operation (default: generous multiple of timeoutMs) */
  deadlineMs?: number;
  /** wait for the Close Session answer (default true; sweeps fire it off) */
  waitForClose?: boolean;
  transport?: IpmiTransport;
}

function sessionFor(opts: IpmiProbeOptions, privilege: PrivilegeName): IpmiSession {
  return new IpmiSession({
    host: opts.host,
    port: opts.port ?? 623,
    username: opts.username,
    password: opts.password,
    kg: opts.kg,
    privilege,
    timeoutMs: opts.timeoutMs ?? 1000,
    retries: opts.retries ?? 2,
    allowCipherZero: opts.allowCipherZero,
    transport: opts.transport,
  });
}

/**
 * Open a session, run `fn`, always close. The whole thing is bounded by a
 * deadline: a BMC that stops answering mid-way yields a timeout error.
 */
export async function withIpmiSession<T>(opts: IpmiProbeOptions, fn: (s: IpmiSession) => Promise<T>, privilege?: PrivilegeName): Promise<T> {
  const s = sessionFor(opts, privilege ?? opts.privilege ?? "administrator");
  const timeoutMs = opts.timeoutMs ?? 1000;
  const deadline = opts.deadlineMs ?? Math.max(5000, timeoutMs * ((opts.retries ?? 2) + 1) * 6);
  let timer: NodeJS.Timeout | null = null;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new IpmiTimeoutError(`operation did not finish within ${deadline} ms`, { target: s.target });
      s.abort(e);
      reject(e);
    }, deadline);
  });
  guard.catch(() => undefined);
  try {
    return await Promise.race([
      (async () => {
        await s.open();
        try {
          return await fn(s);
        } finally {
          await s.close(opts.waitForClose ?? true);
        }
      })(),
      guard,
    ]);
  } catch (e) {
    s.abort(toIpmiError(e, s.target));
    throw toIpmiError(e, s.target);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Probe a BMC: identity, power, FRU, sensors, SEL, firmware and MACs. */
export async function probeIpmi(opts: IpmiProbeOptions): Promise<TBmcProbeResult> {
  return withIpmiSession(opts, async (s) => {
    const soft = <T,>(p: Promise<T>, fallback: T): Promise<T> =>
      p.catch((e: unknown) => {
        // optional data: a BMC without a FRU or LAN parameter still gets probed; timeouts still fail the probe
        if (e instanceof IpmiError && (e.code === "protocol" || e.code === "decode" || e.code === "privilege")) return fallback;
        throw e;
      });
    const [dev, guid, chassis, sensors, sel, fru, mac] = await Promise.all([
      getDeviceId(s),
      soft(getSystemGuid(s).then(formatGuid), null as string | null),
      getChassisStatus(s),
      readAllSensors(s),
      soft(readSel(s), []),
      soft(readFru(s), { chassis: null, board: null, product: null }),
      soft(getLanMac(s), null as string | null),
    ]);
    const result: TBmcProbeResult = {
      protocol: "ipmi",
      power: chassis.power,
      deviceId: { firmwareRevision: dev.firmwareRevision, manufacturerId: dev.manufacturerId, productId: dev.productId },
      guid,
      fru: {
        manufacturer: fru.product?.manufacturer ?? fru.board?.manufacturer ?? null,
        productName: fru.product?.name ?? fru.board?.productName ?? null,
        productSerial: fru.product?.serial ?? null,
        boardSerial: fru.board?.serial ?? null,
        chassisSerial: fru.chassis?.serial ?? null,
        assetTag: fru.product?.assetTag ?? null,
      },
      sensors: sensors.map((x) => ({
        name: x.name,
        value: x.value,
        unit: x.unit,
        status: x.status,
        ...(x.states ? { states: x.states } : {}),
        ...(x.error ? { error: x.error } : {}),
      })),
      sel: sel.map((e) => ({ id: e.id, timestamp: e.timestamp, sensorType: e.sensorType, event: e.event })),
      firmware: [{ component: "BMC", version: dev.firmwareRevision, source: "ipmi.deviceId" }],
      macs: mac && mac !== "00:00:00:00:00:00" ? [mac] : [],
    };
    return result;
  });
}

/** Power control / status. Actions other than "status" need operator privilege or more. */
export async function ipmiPower(
  opts: IpmiProbeOptions,
  action: TPowerAction,
): Promise<{ power: "on" | "off" }> {
  return withIpmiSession(opts, async (s) => {
    if (action !== "status") await chassisControl(s, action as ChassisAction);
    const st = await getChassisStatus(s);
    return { power: st.power };
  });
}
