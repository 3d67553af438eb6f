/**
 * A firmware update through Redfish UpdateService (DMTF DSP0266 "Simple update"):
 *
 *   1. POST {UpdateService}/Actions/UpdateService.SimpleUpdate { ImageURI, TransferProtocol?, Targets? }
 *      → 202 Accepted with a Location header (the Task or its task monitor), or 200/204 done at once;
 *   2. GET the task until TaskState is Completed (or Exception / Killed / Cancelled), polling with
 *      backoff (0.5 s doubling to 10 s), bounded by the whole operation's budget;
 *   3. when the task's messages say the update waits for a reset (Update.*.AwaitToActivate,
 *      Base.*.ResetRequired or anything naming ComputerSystem.Reset), POST the system's Reset.
 *
 * Throws a RedfishError (code "protocol") with the task's message when the update fails; the caller
 * probes afterwards, so the new version is read from the BMC, never assumed.
 */
import { z } from "zod";
import type { TFirmwareUpdateParams } from "../../server/contracts/agent";
import { RedfishClient, type RedfishConnectOptions } from "./client";
import { RedfishError } from "./errors";

const ZUpdateService = z.looseObject({
  Actions: z.looseObject({ "#UpdateService.SimpleUpdate": z.looseObject({ target: z.string() }).optional() }).optional(),
});
const ZTask = z.looseObject({
  TaskState: z.string().optional(),
  PercentComplete: z.number().nullish(),
  Messages: z.array(z.looseObject({ MessageId: z.string().optional(), Message: z.string().optional() })).optional(),
});
const ZRoot = z.looseObject({ UpdateService: z.looseObject({ "@odata.id": z.string() }).optional(), Systems: z.looseObject({ "@odata.id": z.string() }).optional() });
const ZSys = z.looseObject({ Actions: z.looseObject({ "#ComputerSystem.Reset": z.looseObject({ target: z.string() }).optional() }).optional() });

export interface FirmwareUpdateOutcome {
  taskState: string;
  /** the reset that activated it, when one was needed */
  reset: string | null;
  messages: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitsForReset(messages: Array<{ MessageId?: string; Message?: string }>): boolean {
  return messages.some((m) => /AwaitToActivate|ResetRequired|ComputerSystem\.Reset/i.test(`${m.MessageId ?? ""} ${m.Message ?? ""}`));
}

export async function redfishFirmwareUpdate(opts: RedfishConnectOptions, params: TFirmwareUpdateParams): Promise<{ value: FirmwareUpdateOutcome; fingerprint: string }> {
  const c = await RedfishClient.open({ ...opts, timeoutMs: Math.min(opts.timeoutMs ?? params.maxMs, params.maxMs) });
  try {
    const root = await c.get("/redfish/v1", ZRoot);
    if (!root.UpdateService) throw new RedfishError("protocol", "the BMC offers no UpdateService; update this component another way");
    const us = await c.get(c.resolveLink(root.UpdateService["@odata.id"]), ZUpdateService);
    const action = us.Actions?.["#UpdateService.SimpleUpdate"];
    if (!action) throw new RedfishError("protocol", "the BMC's UpdateService offers no #UpdateService.SimpleUpdate action");
    const body: Record<string, unknown> = { ImageURI: params.imageUri };
    if (params.transferProtocol) body.TransferProtocol = params.transferProtocol;
    if (params.targets?.length) body.Targets = params.targets;
    const accepted = await c.post(c.resolveLink(action.target), body);
    let state = accepted.status === 202 ? "New" : "Completed";
    let messages: Array<{ MessageId?: string; Message?: string }> = [];
    if (accepted.status === 202) {
      const loc = accepted.headers.location;
      let taskPath = typeof loc === "string" ? c.resolveLink(loc) : null;
      if (!taskPath) {
        try {
          const j = JSON.parse(accepted.text) as { "@odata.id"?: unknown };
          if (typeof j["@odata.id"] === "string") taskPath = c.resolveLink(j["@odata.id"]);
        } catch {
          /* answered below */
        }
      }
      if (!taskPath) throw new RedfishError("protocol", "the BMC accepted the update (202) but named no task to follow (no Location header)");
      let wait = 500;
      for (;;) {
        const t = await c.get(taskPath, ZTask);
        state = t.TaskState ?? "Running";
        messages = t.Messages ?? [];
        if (!["New", "Starting", "Running", "Pending", "Service", "Suspended", "Stopping", "Cancelling"].includes(state)) break;
        if (Date.now() + wait >= c.deadline - 2_000) throw new RedfishError("timeout", `the update task ${taskPath} was still ${state} (${t.PercentComplete ?? "?"} %) when the agent's time for it ran out`);
        await sleep(wait);
        wait = Math.min(10_000, wait * 2);
      }
    }
    const text = messages.map((m) => m.Message ?? m.MessageId ?? "").filter(Boolean);
    if (state !== "Completed") throw new RedfishError("protocol", `the update task ended ${state}: ${text.join(" ") || "no message"}`);
    let reset: string | null = null;
    if (waitsForReset(messages)) {
      const sysLinks = root.Systems ? await c.collection(root.Systems["@odata.id"]) : [];
      const sysPath = sysLinks[0];
      if (!sysPath) throw new RedfishError("protocol", "the update waits for a system reset but the BMC lists no system");
      const sys = await c.get(sysPath, ZSys);
      const target = sys.Actions?.["#ComputerSystem.Reset"]?.target;
      if (!target) throw new RedfishError("protocol", "the update waits for a system reset but the system offers no #ComputerSystem.Reset");
      await c.post(c.resolveLink(target), { ResetType: params.resetType });
      reset = params.resetType;
    }
    return { value: { taskState: state, reset, messages: text }, fingerprint: c.fingerprint ?? "" };
  } finally {
    await c.close();
  }
}
