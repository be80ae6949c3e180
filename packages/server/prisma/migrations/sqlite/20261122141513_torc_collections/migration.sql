-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    "command" TEXT NOT NULL,
    "invocation_script" TEXT,
    "status" TEXT NOT NULL DEFAULT 'uninitialized',
    "cancel_on_blocking_job_failure" BOOLEAN NOT NULL DEFAULT true,
    "supports_termination" BOOLEAN NOT NULL DEFAULT false,
    "schedule_compute_nodes" JSONB,
    "internal_memory_bytes" REAL NOT NULL DEFAULT 1048576,
    "internal_num_cpus" INTEGER NOT NULL DEFAULT 1,
    "internal_num_gpus" INTEGER NOT NULL DEFAULT 0,
    "internal_num_nodes" INTEGER NOT NULL DEFAULT 1,
    "internal_runtime_seconds" REAL NOT NULL DEFAULT 60,
    "internal_scheduler_config_id" TEXT NOT NULL DEFAULT '',
    "internal_hash" REAL NOT NULL DEFAULT 0,
    CONSTRAINT "Job_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "File" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    "path" TEXT NOT NULL,
    "st_mtime" REAL,
    CONSTRAINT "File_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserData" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    "is_ephemeral" BOOLEAN NOT NULL DEFAULT false,
    "data" JSONB,
    CONSTRAINT "UserData_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ResourceRequirements" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    "num_cpus" INTEGER NOT NULL DEFAULT 1,
    "num_gpus" INTEGER NOT NULL DEFAULT 0,
    "num_nodes" INTEGER NOT NULL DEFAULT 1,
    "memory" TEXT NOT NULL DEFAULT '1m',
    "runtime" TEXT NOT NULL DEFAULT 'P0DT1M',
    CONSTRAINT "ResourceRequirements_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Result" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "job_key" TEXT NOT NULL,
    "run_id" INTEGER NOT NULL,
    "return_code" INTEGER NOT NULL,
    "exec_time_minutes" REAL NOT NULL,
    "completion_time" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    CONSTRAINT "Result_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "category" TEXT,
    "type" TEXT,
    "message" TEXT,
    "timestamp" REAL NOT NULL,
    "extra" JSONB,
    CONSTRAINT "Event_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ComputeNode" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "start_time" TEXT NOT NULL,
    "duration_seconds" REAL,
    "is_active" BOOLEAN,
    "resources" JSONB NOT NULL,
    "scheduler" JSONB,
    CONSTRAINT "ComputeNode_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ComputeNodeStats" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "hostname" TEXT NOT NULL,
    "stats" JSONB,
    "timestamp" TEXT NOT NULL,
    CONSTRAINT "ComputeNodeStats_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobProcessStats" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "job_key" TEXT NOT NULL,
    "run_id" INTEGER NOT NULL,
    "avg_cpu_percent" REAL NOT NULL,
    "max_cpu_percent" REAL NOT NULL,
    "avg_rss" REAL NOT NULL,
    "max_rss" REAL NOT NULL,
    "num_samples" INTEGER NOT NULL,
    "timestamp" TEXT NOT NULL,
    CONSTRAINT "JobProcessStats_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AwsScheduler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    CONSTRAINT "AwsScheduler_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LocalScheduler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT DEFAULT 'default',
    "memory" TEXT,
    "num_cpus" INTEGER,
    CONSTRAINT "LocalScheduler_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SlurmScheduler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT,
    "account" TEXT NOT NULL,
    "nodes" INTEGER NOT NULL,
    "walltime" TEXT,
    "partition" TEXT,
    "qos" TEXT DEFAULT 'normal',
    "gres" TEXT,
    "mem" TEXT,
    "tmp" TEXT,
    "ntasks_per_node" INTEGER,
    "extra" TEXT,
    CONSTRAINT "SlurmScheduler_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScheduledComputeNode" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "scheduler_id" TEXT,
    "scheduler_config_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    CONSTRAINT "ScheduledComputeNode_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Edge" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rev" INTEGER NOT NULL DEFAULT 1,
    "workflowId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "from_collection" TEXT NOT NULL,
    "from_id" INTEGER NOT NULL,
    "to_collection" TEXT NOT NULL,
    "to_id" INTEGER NOT NULL,
    "data" JSONB,
    CONSTRAINT "Edge_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "Workflow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Job_workflowId_status_idx" ON "Job"("workflowId", "status");

-- CreateIndex
CREATE INDEX "Job_workflowId_name_idx" ON "Job"("workflowId", "name");

-- CreateIndex
CREATE INDEX "File_workflowId_name_idx" ON "File"("workflowId", "name");

-- CreateIndex
CREATE INDEX "File_workflowId_path_idx" ON "File"("workflowId", "path");

-- CreateIndex
CREATE INDEX "UserData_workflowId_name_idx" ON "UserData"("workflowId", "name");

-- CreateIndex
CREATE INDEX "ResourceRequirements_workflowId_name_idx" ON "ResourceRequirements"("workflowId", "name");

-- CreateIndex
CREATE INDEX "Result_workflowId_job_key_run_id_idx" ON "Result"("workflowId", "job_key", "run_id");

-- CreateIndex
CREATE INDEX "Event_workflowId_timestamp_idx" ON "Event"("workflowId", "timestamp");

-- CreateIndex
CREATE INDEX "Event_workflowId_category_idx" ON "Event"("workflowId", "category");

-- CreateIndex
CREATE INDEX "ComputeNode_workflowId_hostname_idx" ON "ComputeNode"("workflowId", "hostname");

-- CreateIndex
CREATE INDEX "ComputeNodeStats_workflowId_hostname_idx" ON "ComputeNodeStats"("workflowId", "hostname");

-- CreateIndex
CREATE INDEX "JobProcessStats_workflowId_job_key_idx" ON "JobProcessStats"("workflowId", "job_key");

-- CreateIndex
CREATE INDEX "AwsScheduler_workflowId_idx" ON "AwsScheduler"("workflowId");

-- CreateIndex
CREATE INDEX "LocalScheduler_workflowId_idx" ON "LocalScheduler"("workflowId");

-- CreateIndex
CREATE INDEX "SlurmScheduler_workflowId_idx" ON "SlurmScheduler"("workflowId");

-- CreateIndex
CREATE INDEX "ScheduledComputeNode_workflowId_idx" ON "ScheduledComputeNode"("workflowId");

-- CreateIndex
CREATE INDEX "Edge_workflowId_name_idx" ON "Edge"("workflowId", "name");

-- CreateIndex
CREATE INDEX "Edge_name_from_id_idx" ON "Edge"("name", "from_id");

-- CreateIndex
CREATE INDEX "Edge_name_to_id_idx" ON "Edge"("name", "to_id");
