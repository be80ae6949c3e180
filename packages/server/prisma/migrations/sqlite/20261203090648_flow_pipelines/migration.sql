-- CreateTable
CREATE TABLE "flow_pipeline" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "flow_pipeline_permission" (
    "pipeline_id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "can_read" BOOLEAN NOT NULL DEFAULT false,
    "can_execute" BOOLEAN NOT NULL DEFAULT false,
    "can_delete" BOOLEAN NOT NULL DEFAULT false,
    "can_manage_pipelines" BOOLEAN NOT NULL DEFAULT false,
    "can_write" BOOLEAN NOT NULL DEFAULT false,
    "is_manager" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("pipeline_id", "username"),
    CONSTRAINT "flow_pipeline_permission_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "flow_pipeline" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "flow_job_pipeline" (
    "job_id" TEXT NOT NULL,
    "pipeline_id" TEXT NOT NULL,

    PRIMARY KEY ("job_id", "pipeline_id"),
    CONSTRAINT "flow_job_pipeline_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "flow_pipeline" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "flow_pipeline_name_key" ON "flow_pipeline"("name");

-- CreateIndex
CREATE INDEX "flow_pipeline_permission_username_idx" ON "flow_pipeline_permission"("username");

-- CreateIndex
CREATE INDEX "flow_job_pipeline_pipeline_id_idx" ON "flow_job_pipeline"("pipeline_id");
