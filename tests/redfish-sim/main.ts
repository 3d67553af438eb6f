/**
 * Run the Redfish simulator standalone:
 *   npx tsx tests/redfish-sim/main.ts --port 8443 --flavour hpe-like
 * Options: --host 127.0.0.1 --user admin --password password --no-sessions
 *          --latency-ms 0 --dimms N --drives N --sel N --page-size N --serial S
 *          shapes: --sensors-and-power --dpu --simple-storage --sel-service ID
 *          --session-status 200|201|204
 * Prints one JSON line {url, port, fingerprint, flavour} and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startRedfishSim } from "./server";
import type { SimFlavour } from "./model";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8443" },
    host: { type: "string", default: "127.0.0.1" },
    flavour: { type: "string", default: "dell-like" },
    user: { type: "string", default: "admin" },
    password: { type: "string", default: "password" },
    "no-sessions": { type: "boolean", default: false },
    "latency-ms": { type: "string" },
    dimms: { type: "string" },
    drives: { type: "string" },
    sel: { type: "string" },
    "page-size": { type: "string" },
    serial: { type: "string" },
    "sensors-and-power": { type: "boolean", default: false },
    dpu: { type: "boolean", default: false },
    "simple-storage": { type: "boolean", default: false },
    "sel-service": { type: "string" },
    "session-status": { type: "string" },
  },
});

const flavour = values.flavour as SimFlavour;
if (flavour !== "dell-like" && flavour !== "hpe-like") {
  console.error(`unknown flavour ${values.flavour}: use dell-like or hpe-like`);
  process.exit(2);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

const sim = await startRedfishSim({
  flavour,
  host: values.host,
  port: Number(values.port),
  username: values.user,
  password: values.password,
  sessions: !values["no-sessions"],
  latencyMs: num(values["latency-ms"]),
  dimms: num(values.dimms),
  drives: num(values.drives),
  sel: num(values.sel),
  pageSize: num(values["page-size"]),
  systemSerial: values.serial,
  sensorsAndPower: values["sensors-and-power"],
  dpu: values.dpu,
  simpleStorage: values["simple-storage"],
  ...(values["sel-service"] ? { selService: { id: values["sel-service"], name: `${values["sel-service"]} Log Service` } } : {}),
  ...(values["session-status"] ? { sessionCreateStatus: Number(values["session-status"]) as 200 | 201 | 204 } : {}),
});
console.log(JSON.stringify({ url: sim.url, port: sim.port, fingerprint: sim.fingerprint, flavour: sim.flavour }));
const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
