-- CreateTable
CREATE TABLE "BurnInProfile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "BurnInRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "endpointId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "cadenceSec" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sensorIndex" TEXT NOT NULL DEFAULT '[]',
    "failure" TEXT,
    "evidence" TEXT,
    "cycles" TEXT NOT NULL DEFAULT '[]',
    "samples" INTEGER NOT NULL DEFAULT 0,
    "lastSampleAt" DATETIME,
    "reason" TEXT,
    "rerunOf" TEXT,
    "startedBy" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "BurnInSample" (
    "runId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "power" INTEGER NOT NULL,
    "values" BLOB NOT NULL,

    PRIMARY KEY ("runId", "at")
);

-- CreateTable
CREATE TABLE "BurnInMinute" (
    "runId" TEXT NOT NULL,
    "minute" DATETIME NOT NULL,
    "n" INTEGER NOT NULL,
    "min" BLOB NOT NULL,
    "max" BLOB NOT NULL,
    "avg" BLOB NOT NULL,

    PRIMARY KEY ("runId", "minute")
);

-- CreateTable
CREATE TABLE "BurnInEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "selId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "sensorType" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "severity" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "BurnInResult" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "figures" TEXT NOT NULL,
    "log" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "BurnInProfile_name_version_key" ON "BurnInProfile"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "BurnInRun_tokenHash_key" ON "BurnInRun"("tokenHash");

-- CreateIndex
CREATE INDEX "BurnInRun_status_endsAt_idx" ON "BurnInRun"("status", "endsAt");

-- CreateIndex
CREATE INDEX "BurnInRun_endpointId_status_idx" ON "BurnInRun"("endpointId", "status");

-- CreateIndex
CREATE INDEX "BurnInRun_assetId_startedAt_idx" ON "BurnInRun"("assetId", "startedAt");

-- CreateIndex
CREATE INDEX "BurnInRun_batchId_idx" ON "BurnInRun"("batchId");

-- CreateIndex
CREATE INDEX "BurnInEvent_runId_at_idx" ON "BurnInEvent"("runId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "BurnInEvent_runId_selId_key" ON "BurnInEvent"("runId", "selId");

-- CreateIndex
CREATE UNIQUE INDEX "BurnInResult_runId_stage_key" ON "BurnInResult"("runId", "stage");
