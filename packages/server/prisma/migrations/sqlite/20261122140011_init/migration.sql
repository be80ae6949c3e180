-- CreateTable
CREATE TABLE "Workflow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT,
    "user" TEXT NOT NULL,
    "description" TEXT,
    "timestamp" TEXT NOT NULL,
    "isArchived" BOOLEAN NOT NULL DEFAULT false
);

-- CreateTable
CREATE TABLE "WorkflowConfig" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "workflowStartupScript" TEXT,
    "workflowCompletionScript" TEXT,
    "workerStartupScript" TEXT,
    "computeNodeResourceStats" JSONB NOT NULL,
    "computeNodeExpirationBufferSeconds" INTEGER NOT NULL DEFAULT 120,
    "computeNodeWaitForNewJobsSeconds" INTEGER NOT NULL DEFAULT 0,
    "computeNodeIgnoreWorkflowCompletion" BOOLEAN NOT NULL DEFAULT false,
    "computeNodeWaitForHealthyDatabaseMinutes" INTEGER NOT NULL DEFAULT 20,
    "prepareJobsSortMethod" TEXT NOT NULL DEFAULT 'gpus_runtime_memory',
    CONSTRAINT "WorkflowConfig_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WorkflowStatus" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "runId" INTEGER NOT NULL DEFAULT 0,
    "isCanceled" BOOLEAN NOT NULL DEFAULT false,
    "autoTuneStatus" JSONB NOT NULL,
    "hasDetectedNeedToRunCompletionScript" BOOLEAN NOT NULL DEFAULT false,
    "scheduledComputeNodeIds" JSONB NOT NULL,
    CONSTRAINT "WorkflowStatus_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Workflow_user_idx" ON "Workflow"("user");

-- CreateIndex
CREATE INDEX "Workflow_name_idx" ON "Workflow"("name");

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowConfig_workflowId_key" ON "WorkflowConfig"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowStatus_workflowId_key" ON "WorkflowStatus"("workflowId");
