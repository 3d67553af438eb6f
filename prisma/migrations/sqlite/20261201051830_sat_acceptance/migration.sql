-- CreateTable
CREATE TABLE "SatTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "modelId" TEXT,
    "items" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "SatRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "templateId" TEXT NOT NULL,
    "rackId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "startedBy" TEXT NOT NULL,
    "reason" TEXT,
    "previousRunId" TEXT,
    "finishedAt" DATETIME,
    "finishedBy" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "SatRun_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "SatTemplate" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SatRunAsset" (
    "runId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,

    PRIMARY KEY ("runId", "assetId"),
    CONSTRAINT "SatRunAsset_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SatRun" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SatResult" (
    "runId" TEXT NOT NULL,
    "itemKey" TEXT NOT NULL,
    "yes" BOOLEAN,
    "measured" REAL,
    "text" TEXT,
    "pass" BOOLEAN NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "recordedBy" TEXT NOT NULL,

    PRIMARY KEY ("runId", "itemKey"),
    CONSTRAINT "SatResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SatRun" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SatKpiCursor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chainSeq" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SatAssetFact" (
    "assetId" TEXT NOT NULL PRIMARY KEY,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "receivedMonth" TEXT NOT NULL,
    "lastReceivedAt" DATETIME NOT NULL,
    "doa" BOOLEAN NOT NULL DEFAULT false,
    "doaAt" DATETIME,
    "doaEventId" TEXT
);

-- CreateTable
CREATE TABLE "SatDoaMonth" (
    "month" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "received" INTEGER NOT NULL DEFAULT 0,
    "doa" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("month", "vendorId", "modelId")
);

-- CreateTable
CREATE TABLE "SatInstall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "passedAt" DATETIME NOT NULL,
    "days" REAL NOT NULL
);

-- CreateTable
CREATE TABLE "SatInstallMonth" (
    "month" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "days" REAL NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("month", "siteId", "days")
);

-- CreateIndex
CREATE INDEX "SatTemplate_modelId_idx" ON "SatTemplate"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "SatTemplate_name_version_key" ON "SatTemplate"("name", "version");

-- CreateIndex
CREATE INDEX "SatRun_status_startedAt_idx" ON "SatRun"("status", "startedAt");

-- CreateIndex
CREATE INDEX "SatRunAsset_assetId_idx" ON "SatRunAsset"("assetId");

-- CreateIndex
CREATE INDEX "SatAssetFact_doa_receivedMonth_idx" ON "SatAssetFact"("doa", "receivedMonth");

-- CreateIndex
CREATE INDEX "SatInstall_passedAt_idx" ON "SatInstall"("passedAt");

-- CreateIndex
CREATE INDEX "SatInstall_siteId_passedAt_idx" ON "SatInstall"("siteId", "passedAt");
