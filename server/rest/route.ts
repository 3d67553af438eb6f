/**
 * What a REST route is. Each domain declares its routes beside its router
 * (server/domains/<domain>/rest.ts) from its own zod schemas; server/rest only
 * assembles them (./routes.ts), dispatches (./http.ts) and writes the OpenAPI
 * document (./openapi.ts).
 */
import type { z } from "zod";
import type { TActor, TDeps } from "../context";
import type { TRole } from "../auth/roles";

export interface TRoute {
  method: "GET" | "POST";
  /** OpenAPI style: /assets/{id} */
  path: string;
  operationId: string;
  summary: string;
  roles: readonly TRole[];
  /** a token of the route's own instead of an API token (e.g. a burn-in run's results token): the actor it names, or null (401) */
  auth?: { scheme: string; description: string; actor(deps: TDeps, token: string): Promise<TActor | null> };
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * A raw text body accepted besides JSON (e.g. text/csv): when the request has this content type, the
   * dispatcher parses `query` from the query string and builds the JSON body with `toBody`, then checks
   * it against `body` as usual (same size limit).
   */
  textBody?: { contentType: string; query: z.ZodObject; toBody(text: string, query: any): unknown };
  /**
   * A body the handler's module parses itself (e.g. several JSON objects run together, as some devices
   * post): the dispatcher reads the text and passes what `parse(text, query)` returns to `body` as usual;
   * `parse` throws AppError BAD_REQUEST for a body it cannot read.
   */
  rawBody?: { description: string; parse(text: string, query: Record<string, string>): unknown };
  /**
   * A binary body accepted besides JSON (e.g. application/pdf, an upload): with this content type the
   * dispatcher reads up to `maxBytes`, parses `query` from the query string and builds the JSON body
   * with `toBody`, then checks it against `body` as usual.
   */
  binaryBody?: { contentType: string; maxBytes: number; query: z.ZodObject; toBody(bytes: Buffer, query: any): unknown };
  /**
   * A file answer: the handler returns {filename, contentType, base64} (checked by `response`), and the
   * dispatcher sends the bytes with that content type as an attachment.
   */
  file?: { contentTypes: string[] };
  /** what the route answers; the dispatcher parses the handler's result with it, so unknown keys never leave */
  response: z.ZodType;
  status?: number;
  /** what a 404 means for this route (routes with path parameters) */
  notFound?: string;
  handler(deps: TDeps, actor: TActor, input: { params: any; query: any; body: any }): Promise<unknown>;
}

type TOut<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Declares a route with its handler typed by the route's own schemas. */
export function route<P extends z.ZodObject | undefined = undefined, Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined, R extends z.ZodType = z.ZodType>(
  r: Omit<TRoute, "params" | "query" | "body" | "response" | "handler" | "textBody" | "rawBody" | "binaryBody"> & {
    binaryBody?: TRoute["binaryBody"];
    textBody?: TRoute["textBody"];
    rawBody?: TRoute["rawBody"];
    params?: P;
    query?: Q;
    body?: B;
    response: R;
    handler(deps: TDeps, actor: TActor, input: { params: TOut<P>; query: TOut<Q>; body: TOut<B> }): Promise<z.input<R>>;
  },
): TRoute {
  return r as TRoute;
}
