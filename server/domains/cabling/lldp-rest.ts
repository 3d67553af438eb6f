/** LLDP's REST routes (/api/v1): a host posts its own LLDP view; switches polled over SNMP (secrets write-only). */
import { z } from "zod";
import { ANY_ROLE } from "../../auth/roles";
import { route, type TRoute } from "../../rest/route";
import { ZLldpJson0 } from "./lldp-host";
import { LLDP_WRITERS, ZHostViewAck, ZLldpObserved, ZSwitch, ZSwitchCreate, ZSwitchUpdate } from "./lldp-schema";
import { createSwitch, deleteSwitch, latestLldpViews, listSwitches, recordHostView, updateSwitch } from "./lldp-service";

const W = LLDP_WRITERS;
const ZAssetParams = z.object({ id: z.string().min(1) });
const ZSwitchParams = z.object({ id: z.string().min(1) });

export const lldpRestRoutes: TRoute[] = [
  route({
    method: "POST",
    path: "/assets/{id}/lldp",
    operationId: "postHostLldp",
    summary: "Store a host's own LLDP view: the output of `lldpcli -f json0 show neighbors` as it is (json0, not json), e.g. from the burn-in image",
    roles: W,
    params: ZAssetParams,
    body: ZLldpJson0,
    response: ZHostViewAck,
    status: 201,
    handler: (deps, actor, { params, body }) => recordHostView(deps, actor, params.id, body),
  }),
  route({
    method: "GET",
    path: "/assets/{id}/lldp",
    operationId: "getAssetLldp",
    summary: "The latest LLDP view of an asset (a switch walked over SNMP, or a host's own), if any",
    roles: ANY_ROLE,
    params: ZAssetParams,
    response: z.object({ items: z.array(ZLldpObserved) }),
    handler: async (deps, _a, { params }) => ({ items: await latestLldpViews(deps, { assetIds: [params.id] }) }),
  }),
  route({ method: "GET", path: "/lldp/switches", operationId: "listLldpSwitches", summary: "Switches the site agents poll for LLDP over SNMP (never their community or keys)", roles: W, response: z.object({ items: z.array(ZSwitch) }), handler: async (deps) => ({ items: await listSwitches(deps) }) }),
  route({ method: "POST", path: "/lldp/switches", operationId: "createLldpSwitch", summary: "Register a switch to poll over SNMP (v2c community, or SNMPv3 authPriv user and keys; stored encrypted, never returned)", roles: W, body: ZSwitchCreate, response: ZSwitch, status: 201, handler: (deps, actor, { body }) => createSwitch(deps, actor, body) }),
  route({ method: "POST", path: "/lldp/switches/{id}", operationId: "updateLldpSwitch", summary: "Change a polled switch; secrets given are replaced, secrets left out are kept", roles: W, params: ZSwitchParams, body: ZSwitchUpdate.shape.data, response: ZSwitch, handler: (deps, actor, { params, body }) => updateSwitch(deps, actor, { id: params.id, data: body }) }),
  route({ method: "POST", path: "/lldp/switches/{id}/delete", operationId: "deleteLldpSwitch", summary: "Stop polling a switch (its stored LLDP views stay)", roles: W, params: ZSwitchParams, response: z.object({ id: z.string() }), handler: (deps, actor, { params }) => deleteSwitch(deps, actor, params.id) }),
];
