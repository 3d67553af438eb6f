// ESLint: typescript-eslint plus import zones that enforce the dependency rules
// (docs/architecture.md, CONTRIBUTING.md). tests/lint-zones.test.ts proves each zone fires.
//
// Zones (a file gets every rule of the zones it is in; flat config keeps only the
// last options of a rule, so each block below lists all patterns for its files):
//   everywhere      only server/db opens a database (drivers, Prisma client, generated/)
//   server/         never imports app/, workers/ or agents/ (server/runtime.ts, the web
//                   app's composition root, alone may import agents/clients)
//   server/domains  one domain imports another only through its service or schema, and
//                   touches only its own tables (TABLES)
//   app/            pages: the AppRouter type, auth/roles, a domain's status/schema only
//   app/api/        route handlers call server entry points, never server/db
//   agents/         only server/contracts from server/; never app/ or workers/
import tseslint from "typescript-eslint";

const DB = [
  { group: ["@prisma/*", "**/generated/**", "better-sqlite3", "pg"], message: "Only server/db opens a database: use createDatabase (server/db/client) or server/db/admin." },
];
const SERVER = [
  { group: ["**/app/**", "@/app/**", "**/workers/**", "@/workers/**"], message: "server/ must not import app/ or workers/." },
  { regex: "^(@/|(\\.\\./)+)agents/", message: "server/ never imports agents/: take the protocol clients from TDeps.bmc (server/contracts/bmc.ts TBmcClients); the composition root (server/runtime.ts) wires them." },
];
const DOMAINS = [
  { regex: "^\\.\\./(?!\\.\\.)[a-z-]+/(?!(service|schema)$)", message: "A domain imports another domain only through its service or schema (not its router, rest routes or internals)." },
  { regex: "^@/server/domains/[a-z-]+/(?!(service|schema)$)", message: "A domain imports another domain only through its service or schema (not its router, rest routes or internals)." },
];
/** The tables each domain owns (Prisma model accessors); another domain reaches them through the owner's service. */
const TABLES = {
  users: ["user", "session", "loginAttempt", "apiToken"],
  assets: ["asset", "assetEvent"],
  catalog: ["manufacturer", "hardwareModel", "vendor"],
  locations: ["location"],
  audit: ["auditLog"],
  bmc: ["agent", "bmcEndpoint", "bmcObservation", "bmcFinding", "bmcCommand"],
  jobs: ["job"],
  live: ["liveEvent"],
  acceptance: ["satTemplate", "satRun", "satRunAsset", "satResult", "satKpiCursor", "satAssetFact", "satDoaMonth", "satInstall", "satInstallMonth"],
  firmware: ["firmwareObserved", "firmwareHistory", "firmwareCursor", "firmwareBaseline", "postureObserved", "posturePolicy", "postureWaiver", "firmwareFinding", "firmwareCampaign", "firmwareCampaignAsset"],
  burnin: ["burnInProfile", "burnInRun", "burnInSample", "burnInMinute", "burnInEvent", "burnInResult"],
  procurement: ["vendorContact", "vendorModelPrice", "procurementSettings", "rfq", "rfqLine", "rfqVendor", "quote", "quoteLine", "purchaseOrder", "purchaseOrderLine", "purchaseOrderAsset", "capexBudget"],
  cabling: ["rackPlacement", "deviceInterface", "cable", "cablingWaiver", "netSwitch", "lldpObservation"],
  rma: ["rmaCase", "rmaTurnaroundMonth", "sanitisationRecord", "disposalBatch", "disposalItem", "disposalHandoff", "disposalCertificate"],
};
/** `db.<table>` / `tx.<table>` / `deps.db.<table>` for every table another domain owns. */
const foreignTables = (domain) =>
  Object.entries(TABLES)
    .filter(([d]) => d !== domain)
    .flatMap(([owner, tables]) => {
      const names = `/^(${tables.join("|")})$/`;
      const message = `This table belongs to the ${owner} domain: go through server/domains/${owner}/service.ts.`;
      return [
        { selector: `MemberExpression[property.name=${names}][object.name=/^(db|tx)$/]`, message },
        { selector: `MemberExpression[property.name=${names}][object.property.name="db"]`, message },
      ];
    });
const restrict = (patterns, allowTypeImports = false) => ({
  "@typescript-eslint/no-restricted-imports": ["error", { patterns: patterns.map((p) => ({ ...p, allowTypeImports })) }],
});
const TESTS = ["**/*.test.ts"];

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "generated/**", "data/**", "next-env.d.ts", "test-results/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-empty-object-type": "off",
    },
  },
  {
    // everywhere (benchmarks, scripts, tests and workers included): only server/db opens a database
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs"],
    ignores: ["server/db/**"],
    rules: restrict(DB),
  },
  {
    // the server never depends on pages, workers or field agents
    files: ["server/**/*.ts"],
    ignores: [...TESTS, "server/db/**"],
    rules: restrict([...DB, ...SERVER]),
  },
  {
    // server/db opens databases, and still never imports pages, workers or agents
    files: ["server/db/**/*.ts"],
    ignores: TESTS,
    rules: restrict(SERVER),
  },
  {
    // the web app's composition root: the one server module that may import agents/ (only agents/clients)
    files: ["server/runtime.ts"],
    rules: restrict([...DB, SERVER[0], { regex: "^(@/|(\\.\\./)+)agents/(?!clients$)", message: "server/runtime.ts may import only agents/clients (the BMC protocol clients behind TBmcClients)." }]),
  },
  {
    // domains: another domain only through its service or schema
    files: ["server/domains/**/*.ts"],
    ignores: TESTS,
    rules: restrict([...DB, ...SERVER, ...DOMAINS]),
  },
  // domains: another domain's tables only through that domain's service
  ...Object.keys(TABLES).map((domain) => ({
    files: [`server/domains/${domain}/**/*.ts`],
    ignores: TESTS,
    rules: { "no-restricted-syntax": ["error", ...foreignTables(domain)] },
  })),
  {
    // pages and components: data comes through tRPC; only the router's type and pure status/label modules from server/
    files: ["app/**/*.ts", "app/**/*.tsx"],
    // app/_lib/server-trpc.ts is the one server-side entry for Server Components: it builds a tRPC caller
    // (server/router, server/trpc, server/runtime) from the request's cookie; it has its own zone below
    ignores: ["app/api/**", "app/_lib/server-trpc.ts"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!router$|auth/roles$|live/schema$|domains/[a-z-]+/(status|schema)$)", message: "app/ pages get data through tRPC: import only the AppRouter type, auth/roles, live/schema and a domain's status/schema module from server/." },
      { regex: "^(@/|(\\.\\./)+)(agents|workers)/", message: "pages do not import agents or workers." },
    ]),
  },
  {
    // the RSC entry: the router, its context and the process's deps; still never the database itself
    files: ["app/_lib/server-trpc.ts"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!router$|trpc$|runtime$)", message: "app/_lib/server-trpc.ts imports only server/router, server/trpc and server/runtime." },
      { regex: "^(@/|(\\.\\./)+)(agents|workers)/", message: "pages do not import agents or workers." },
    ]),
  },
  {
    // route handlers are glue: they call server entry points, never the database
    files: ["app/api/**/*.ts"],
    rules: restrict([...DB, { group: ["@/server/db/*", "**/server/db/**"], message: "route handlers call services, not the database." }]),
  },
  {
    // field agents: nothing from server/ but server/contracts; never the database
    files: ["agents/**/*.ts", "agents/**/*.mjs"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!contracts/)", message: "agents/ may import only server/contracts from server/ (agents never touch the database)." },
      { regex: "^(@/|(\\.\\./)+)(app|workers)/", message: "agents/ do not import the web app or workers." },
    ]),
  },
);
