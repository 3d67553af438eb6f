-- CreateTable
CREATE TABLE "BurnInProfile" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BurnInProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BurnInRun" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "endpointId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "cadenceSec" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sensorIndex" TEXT NOT NULL DEFAULT '[]',
    "failure" TEXT,
    "evidence" TEXT,
    "cycles" TEXT NOT NULL DEFAULT '[]',
    "samples" INTEGER NOT NULL DEFAULT 0,
    "lastSampleAt" TIMESTAMP(3),
    "reason" TEXT,
    "rerunOf" TEXT,
    "startedBy" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "BurnInRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BurnInSample" (
    "runId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "power" INTEGER NOT NULL,
    "values" BYTEA NOT NULL,

    CONSTRAINT "BurnInSample_pkey" PRIMARY KEY ("runId","at")
);

-- CreateTable
CREATE TABLE "BurnInMinute" (
    "runId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "n" INTEGER NOT NULL,
    "min" BYTEA NOT NULL,
    "max" BYTEA NOT NULL,
    "avg" BYTEA NOT NULL,

    CONSTRAINT "BurnInMinute_pkey" PRIMARY KEY ("runId","minute")
);

-- CreateTable
CREATE TABLE "BurnInEvent" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "selId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "sensorType" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "severity" TEXT NOT NULL,

    CONSTRAINT "BurnInEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BurnInResult" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "figures" TEXT NOT NULL,
    "log" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BurnInResult_pkey" PRIMARY KEY ("id")
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
