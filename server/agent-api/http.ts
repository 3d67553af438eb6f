/**
 * The agent API's HTTP transport (contracts in server/contracts/agent.ts), a
 * web-standard Request → Response handler mounted at app/api/agent/v1/[...path]:
 *
 *   GET  /api/agent/v1/work                    → TAgentWork
 *   POST /api/agent/v1/observations            TObservationBatch → TObservationAck
 *   GET  /api/agent/v1/commands?wait=SECONDS   → TAgentCommands (long poll)
 *   POST /api/agent/v1/lldp                    TLldpObservationBatch → TObservationAck
 *
 * Authentication, routing, body limits and the error mapping (shared with REST:
 * server/http.ts errorResponse) live here; what each call does is the BMC
 * domain's (server/domains/bmc/agent-service.ts). Credentials are never logged.
 */
import { AGENT_COMMANDS_MAX_WAIT_SEC } from "../contracts/agent";
import type { TDeps } from "../context";
import { agentFromToken, agentWork, ingestObservations, pollCommands } from "../domains/bmc/agent-service";
import { ingestLldpObservations, switchWork } from "../domains/cabling/lldp-service";
import { bearer, BODY_LIMITS, BodyTooLargeError, errorBody, errorResponse, json, readTextLimited, tooLargeResponse } from "../http";

export const AGENT_API_PREFIX = "/api/agent/v1";

/** GET /api/agent/v1/work, POST /api/agent/v1/observations, GET /api/agent/v1/commands. */
export async function handleAgentApi(req: Request, deps: TDeps): Promise<Response> {
  const path = new URL(req.url).pathname.replace(/\/+$/, "");
  try {
    const agent = await agentFromToken(deps, bearer(req.headers));
    if (!agent) return json(401, errorBody("UNAUTHORIZED", "The agent token is unknown or revoked. Create an agent token in IronLedger (Admin → Agents) and pass it with --token."), { "www-authenticate": "Bearer" });
    if (path === `${AGENT_API_PREFIX}/work`) {
      if (req.method !== "GET") return json(405, errorBody("METHOD_NOT_ALLOWED", "Use GET for the work."), { allow: "GET" });
      const [work, switches] = await Promise.all([agentWork(deps, agent), switchWork(deps, agent.id)]);
      return json(200, { ...work, switches });
    }
    if (path === `${AGENT_API_PREFIX}/commands`) {
      if (req.method !== "GET") return json(405, errorBody("METHOD_NOT_ALLOWED", "Use GET for the commands."), { allow: "GET" });
      const raw = Number(new URL(req.url).searchParams.get("wait") ?? "0");
      const waitMs = Math.round(Math.min(AGENT_COMMANDS_MAX_WAIT_SEC, Math.max(0, Number.isFinite(raw) ? raw : 0)) * 1000);
      return json(200, await pollCommands(deps, agent, waitMs, req.signal));
    }
    if (path === `${AGENT_API_PREFIX}/observations` || path === `${AGENT_API_PREFIX}/lldp`) {
      if (req.method !== "POST") return json(405, errorBody("METHOD_NOT_ALLOWED", "Use POST for observations."), { allow: "POST" });
      // counted while it arrives: a batch over the limit is refused before it is all read
      let text: string;
      try {
        text = await readTextLimited(req, BODY_LIMITS.agentObservations);
      } catch (e) {
        if (e instanceof BodyTooLargeError) return tooLargeResponse(e);
        throw e;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return json(400, errorBody("BAD_REQUEST", "The request body must be JSON (Content-Type: application/json)."));
      }
      return json(200, path.endsWith("/lldp") ? await ingestLldpObservations(deps, agent, body) : await ingestObservations(deps, agent, body));
    }
    return json(404, errorBody("NOT_FOUND", `No agent API route ${req.method} ${path}.`));
  } catch (e) {
    return errorResponse(e, {
      internalMessage: "Something went wrong on the server; the agent will retry.",
      // the error may carry a payload; log only its kind
      onInternal: (x) => console.error("agent API failed", req.method, path, x instanceof Error ? x.name : typeof x),
    });
  }
}
