-- CreateTable
CREATE TABLE "FirmwareObserved" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "observationId" TEXT NOT NULL,

    CONSTRAINT "FirmwareObserved_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FirmwareHistory" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "fromVersion" TEXT,
    "toVersion" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "observationId" TEXT NOT NULL,

    CONSTRAINT "FirmwareHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FirmwareCursor" (
    "id" TEXT NOT NULL,
    "chainSeq" INTEGER NOT NULL,

    CONSTRAINT "FirmwareCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FirmwareBaseline" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "matchRule" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "releases" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "current" BOOLEAN NOT NULL,

    CONSTRAINT "FirmwareBaseline_pkey" PRIMARY KEY ("id")
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
