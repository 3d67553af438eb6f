/**
 * The real BMC protocol clients behind server/contracts/bmc.ts TBmcClients:
 * IPMI (agents/ipmi) and Redfish (agents/redfish), each module loaded when
 * first used. The server receives this object through its dependencies
 * (TDeps.bmc), wired by its composition root; it never imports agents/.
 */
import type { TBmcClients, TBmcTarget } from "../server/contracts/bmc";

const ipmi = () => import("./ipmi/probe");
const redfish = () => import("./redfish/probe");

function ipmiOptions(t: Extract<TBmcTarget, { protocol: "ipmi" }>) {
  return { host: t.host, port: t.port, username: t.username, password: t.password, allowCipherZero: t.allowCipherZero, privilege: t.privilege, ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}) };
}

export const bmcClients: TBmcClients = {
  async power(target, action) {
    if (target.protocol === "redfish") {
      const { redfishPower } = await redfish();
      return redfishPower({ url: target.url, username: target.username, password: target.password, pinnedFingerprint: target.pinnedFingerprint, timeoutMs: target.timeoutMs ?? 10_000 }, action);
    }
    const { ipmiPower } = await ipmi();
    return ipmiPower(ipmiOptions(target), action);
  },
  async probe(target) {
    if (target.protocol === "redfish") {
      const { probeRedfish } = await redfish();
      const { result, fingerprint } = await probeRedfish({ url: target.url, username: target.username, password: target.password, pinnedFingerprint: target.pinnedFingerprint, timeoutMs: target.timeoutMs ?? 10_000 });
      return { result, tlsFingerprint: fingerprint };
    }
    const { probeIpmi } = await ipmi();
    return { result: await probeIpmi(ipmiOptions(target)), tlsFingerprint: null };
  },
};
