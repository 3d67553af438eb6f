/** OpenAPI 3.1 document for /api/v1, generated from the routes the domains declare (./routes.ts) with the same zod schemas the dispatcher validates with. */
import { z } from "zod";
import { APP_ERROR_CODES, type TAppErrorCode } from "../errors";
import { ROUTES } from "./routes";

type JsonSchema = Record<string, unknown>;

function schema(s: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(s, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string } } })._zod.def;
      if (def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

const ZError = z.object({
  error: z.object({
    code: z.enum(Object.keys(APP_ERROR_CODES) as [TAppErrorCode, ...TAppErrorCode[]]),
    message: z.string().describe("what happened and what to do next, for a person"),
    fields: z.record(z.string(), z.array(z.string())).optional().describe("field path -> problems (400)"),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

let cached: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const errorRef = { $ref: "#/components/schemas/Error" };
  const paths: Record<string, Record<string, unknown>> = {};
  const schemes: Record<string, unknown> = { bearer: { type: "http", scheme: "bearer" } };
  for (const r of ROUTES) {
    const parameters: unknown[] = [];
    for (const [where, obj] of [["path", r.params], ["query", r.query]] as const) {
      if (!obj) continue;
      const js = schema(obj, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: prop, ...(prop.description ? { description: prop.description } : {}) });
      }
    }
    if (r.binaryBody) {
      const js = schema(r.binaryBody.query, "input") as { properties?: Record<string, JsonSchema> };
      for (const [name, prop] of Object.entries(js.properties ?? {})) parameters.push({ name, in: "query", required: false, schema: prop, description: `Required with a ${r.binaryBody.contentType} body (ignored with JSON)` });
    }
    if (r.textBody) {
      const js = schema(r.textBody.query, "input") as { properties?: Record<string, JsonSchema> };
      for (const [name, prop] of Object.entries(js.properties ?? {})) parameters.push({ name, in: "query", required: false, schema: prop, description: `Required with a ${r.textBody.contentType} body (ignored with JSON)` });
    }
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: r.file
        ? { description: "The file", content: Object.fromEntries(r.file.contentTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }])) }
        : { description: "OK", content: { "application/json": { schema: schema(r.response, "output") } } },
      "400": { description: "Bad input: `fields` says what to fix", content: { "application/json": { schema: errorRef } } },
      "401": { description: "Missing, unknown, revoked or expired token", content: { "application/json": { schema: errorRef } } },
      "403": { description: "The token's role may not do this", content: { "application/json": { schema: errorRef } } },
    };
    if (r.params || r.notFound) responses["404"] = { description: r.notFound ?? "Not found", content: { "application/json": { schema: errorRef } } };
    if (r.method === "POST") responses["409"] = { description: "Invalid transition, conflict with a concurrent change, or duplicate", content: { "application/json": { schema: errorRef } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      description: `Roles: ${r.roles.join(", ")}`,
      parameters,
      ...(r.body && r.rawBody ? { requestBody: { required: true, description: r.rawBody.description, content: { "application/json": { schema: { type: "string", description: r.rawBody.description } } } } } : {}),
      ...(r.body && !r.rawBody ? { requestBody: { required: true, content: { "application/json": { schema: schema(r.body, "input") }, ...(r.textBody ? { [r.textBody.contentType]: { schema: { type: "string", description: `The raw body; then the query parameters ${Object.keys(r.textBody.query.shape).join(", ")} are required` } } } : {}), ...(r.binaryBody ? { [r.binaryBody.contentType]: { schema: { type: "string", format: "binary", description: `The file itself (at most ${r.binaryBody.maxBytes} bytes); then the query parameters ${Object.keys(r.binaryBody.query.shape).join(", ")} are required` } } } : {}) } } } : {}),
      responses,
      ...(r.auth ? { security: [{ [r.auth.scheme]: [] }], description: `${r.auth.description} Roles: ${r.roles.join(", ")}` } : {}),
    };
    if (r.auth) schemes[r.auth.scheme] = { type: "http", scheme: "bearer", description: r.auth.description };
  }
  cached = {
    openapi: "3.1.0",
    info: { title: "IronLedger API", version: "1.0.0", description: "Datacenter hardware lifecycle and CMDB. Authenticate with an API token created by an administrator: `Authorization: Bearer ilt_…`." },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    components: { securitySchemes: schemes, schemas: { Error: schema(ZError, "output") } },
    paths,
  };
  return cached;
}
