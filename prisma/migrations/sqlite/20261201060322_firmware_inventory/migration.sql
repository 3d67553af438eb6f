-- CreateTable
CREATE TABLE "FirmwareObserved" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "observationId" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "FirmwareHistory" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "fromVersion" TEXT,
    "toVersion" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "observationId" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "FirmwareCursor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chainSeq" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "FirmwareBaseline" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "matchRule" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "releases" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "current" BOOLEAN NOT NULL
);

-- CreateIndex
CREATE INDEX "FirmwareObserved_component_version_idx" ON "FirmwareObserved"("component", "version");

-- CreateIndex
CREATE UNIQUE INDEX "FirmwareObserved_assetId_component_key" ON "FirmwareObserved"("assetId", "component");

-- CreateIndex
CREATE INDEX "FirmwareHistory_assetId_component_at_idx" ON "FirmwareHistory"("assetId", "component", "at");

-- CreateIndex
CREATE INDEX "FirmwareBaseline_modelId_component_current_idx" ON "FirmwareBaseline"("modelId", "component", "current");

-- CreateIndex
CREATE UNIQUE INDEX "FirmwareBaseline_modelId_component_revision_key" ON "FirmwareBaseline"("modelId", "component", "revision");
