-- Torc's tables move into their own namespace (torc_*, snake_case columns), renamed in place so existing
-- rows, ids and autoincrement counters are kept. Written by hand: the engine's diff would drop and recreate.
-- SQLite (3.26+) rewrites the foreign keys, indexes and sqlite_sequence rows that name a renamed table or column.
-- The foreign keys keep their old constraint names inside the stored CREATE TABLE text; SQLite never reads them
-- and Prisma does not compare them, so the result is what a fresh database gets.

-- Workflow -> torc_workflow
ALTER TABLE "Workflow" RENAME TO "torc_workflow";
ALTER TABLE "torc_workflow" RENAME COLUMN "user" TO "user_name";
ALTER TABLE "torc_workflow" RENAME COLUMN "isArchived" TO "is_archived";

-- WorkflowConfig -> torc_workflow_config
ALTER TABLE "WorkflowConfig" RENAME TO "torc_workflow_config";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "workflowStartupScript" TO "workflow_startup_script";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "workflowCompletionScript" TO "workflow_completion_script";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "workerStartupScript" TO "worker_startup_script";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "computeNodeResourceStats" TO "compute_node_resource_stats";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "computeNodeExpirationBufferSeconds" TO "compute_node_expiration_buffer_seconds";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "computeNodeWaitForNewJobsSeconds" TO "compute_node_wait_for_new_jobs_seconds";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "computeNodeIgnoreWorkflowCompletion" TO "compute_node_ignore_workflow_completion";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "computeNodeWaitForHealthyDatabaseMinutes" TO "compute_node_wait_for_healthy_database_minutes";
ALTER TABLE "torc_workflow_config" RENAME COLUMN "prepareJobsSortMethod" TO "prepare_jobs_sort_method";

-- WorkflowStatus -> torc_workflow_status
ALTER TABLE "WorkflowStatus" RENAME TO "torc_workflow_status";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "runId" TO "run_id";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "isCanceled" TO "is_canceled";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "autoTuneStatus" TO "auto_tune_status";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "hasDetectedNeedToRunCompletionScript" TO "has_detected_need_to_run_completion_script";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "scheduledComputeNodeIds" TO "scheduled_compute_node_ids";

-- Job -> torc_job
ALTER TABLE "Job" RENAME TO "torc_job";
ALTER TABLE "torc_job" RENAME COLUMN "workflowId" TO "workflow_id";

-- File -> torc_file
ALTER TABLE "File" RENAME TO "torc_file";
ALTER TABLE "torc_file" RENAME COLUMN "workflowId" TO "workflow_id";

-- UserData -> torc_user_data
ALTER TABLE "UserData" RENAME TO "torc_user_data";
ALTER TABLE "torc_user_data" RENAME COLUMN "workflowId" TO "workflow_id";

-- ResourceRequirements -> torc_resource_requirements
ALTER TABLE "ResourceRequirements" RENAME TO "torc_resource_requirements";
ALTER TABLE "torc_resource_requirements" RENAME COLUMN "workflowId" TO "workflow_id";

-- Result -> torc_result
ALTER TABLE "Result" RENAME TO "torc_result";
ALTER TABLE "torc_result" RENAME COLUMN "workflowId" TO "workflow_id";

-- Event -> torc_event
ALTER TABLE "Event" RENAME TO "torc_event";
ALTER TABLE "torc_event" RENAME COLUMN "workflowId" TO "workflow_id";

-- ComputeNode -> torc_compute_node
ALTER TABLE "ComputeNode" RENAME TO "torc_compute_node";
ALTER TABLE "torc_compute_node" RENAME COLUMN "workflowId" TO "workflow_id";

-- ComputeNodeStats -> torc_compute_node_stats
ALTER TABLE "ComputeNodeStats" RENAME TO "torc_compute_node_stats";
ALTER TABLE "torc_compute_node_stats" RENAME COLUMN "workflowId" TO "workflow_id";

-- JobProcessStats -> torc_job_process_stats
ALTER TABLE "JobProcessStats" RENAME TO "torc_job_process_stats";
ALTER TABLE "torc_job_process_stats" RENAME COLUMN "workflowId" TO "workflow_id";

-- AwsScheduler -> torc_aws_scheduler
ALTER TABLE "AwsScheduler" RENAME TO "torc_aws_scheduler";
ALTER TABLE "torc_aws_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";

-- LocalScheduler -> torc_local_scheduler
ALTER TABLE "LocalScheduler" RENAME TO "torc_local_scheduler";
ALTER TABLE "torc_local_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";

-- SlurmScheduler -> torc_slurm_scheduler
ALTER TABLE "SlurmScheduler" RENAME TO "torc_slurm_scheduler";
ALTER TABLE "torc_slurm_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";

-- ScheduledComputeNode -> torc_scheduled_compute_node
ALTER TABLE "ScheduledComputeNode" RENAME TO "torc_scheduled_compute_node";
ALTER TABLE "torc_scheduled_compute_node" RENAME COLUMN "workflowId" TO "workflow_id";

-- Edge -> torc_edge
ALTER TABLE "Edge" RENAME TO "torc_edge";
ALTER TABLE "torc_edge" RENAME COLUMN "workflowId" TO "workflow_id";

-- SQLite cannot rename an index: drop each one and build it again under the name Prisma derives.
DROP INDEX "Workflow_user_idx";
DROP INDEX "Workflow_name_idx";
DROP INDEX "WorkflowConfig_workflowId_key";
DROP INDEX "WorkflowStatus_workflowId_key";
DROP INDEX "Job_workflowId_status_idx";
DROP INDEX "Job_workflowId_name_idx";
DROP INDEX "File_workflowId_name_idx";
DROP INDEX "File_workflowId_path_idx";
DROP INDEX "UserData_workflowId_name_idx";
DROP INDEX "ResourceRequirements_workflowId_name_idx";
DROP INDEX "Result_workflowId_job_key_run_id_idx";
DROP INDEX "Event_workflowId_timestamp_idx";
DROP INDEX "Event_workflowId_category_idx";
DROP INDEX "ComputeNode_workflowId_hostname_idx";
DROP INDEX "ComputeNodeStats_workflowId_hostname_idx";
DROP INDEX "JobProcessStats_workflowId_job_key_idx";
DROP INDEX "AwsScheduler_workflowId_idx";
DROP INDEX "LocalScheduler_workflowId_idx";
DROP INDEX "SlurmScheduler_workflowId_idx";
DROP INDEX "ScheduledComputeNode_workflowId_idx";
DROP INDEX "Edge_workflowId_name_idx";
DROP INDEX "Edge_name_from_id_idx";
DROP INDEX "Edge_name_to_id_idx";
CREATE INDEX "torc_workflow_user_name_idx" ON "torc_workflow"("user_name");
CREATE INDEX "torc_workflow_name_idx" ON "torc_workflow"("name");
CREATE UNIQUE INDEX "torc_workflow_config_workflow_id_key" ON "torc_workflow_config"("workflow_id");
CREATE UNIQUE INDEX "torc_workflow_status_workflow_id_key" ON "torc_workflow_status"("workflow_id");
CREATE INDEX "torc_job_workflow_id_status_idx" ON "torc_job"("workflow_id", "status");
CREATE INDEX "torc_job_workflow_id_name_idx" ON "torc_job"("workflow_id", "name");
CREATE INDEX "torc_file_workflow_id_name_idx" ON "torc_file"("workflow_id", "name");
CREATE INDEX "torc_file_workflow_id_path_idx" ON "torc_file"("workflow_id", "path");
CREATE INDEX "torc_user_data_workflow_id_name_idx" ON "torc_user_data"("workflow_id", "name");
CREATE INDEX "torc_resource_requirements_workflow_id_name_idx" ON "torc_resource_requirements"("workflow_id", "name");
CREATE INDEX "torc_result_workflow_id_job_key_run_id_idx" ON "torc_result"("workflow_id", "job_key", "run_id");
CREATE INDEX "torc_event_workflow_id_timestamp_idx" ON "torc_event"("workflow_id", "timestamp");
CREATE INDEX "torc_event_workflow_id_category_idx" ON "torc_event"("workflow_id", "category");
CREATE INDEX "torc_compute_node_workflow_id_hostname_idx" ON "torc_compute_node"("workflow_id", "hostname");
CREATE INDEX "torc_compute_node_stats_workflow_id_hostname_idx" ON "torc_compute_node_stats"("workflow_id", "hostname");
CREATE INDEX "torc_job_process_stats_workflow_id_job_key_idx" ON "torc_job_process_stats"("workflow_id", "job_key");
CREATE INDEX "torc_aws_scheduler_workflow_id_idx" ON "torc_aws_scheduler"("workflow_id");
CREATE INDEX "torc_local_scheduler_workflow_id_idx" ON "torc_local_scheduler"("workflow_id");
CREATE INDEX "torc_slurm_scheduler_workflow_id_idx" ON "torc_slurm_scheduler"("workflow_id");
CREATE INDEX "torc_scheduled_compute_node_workflow_id_idx" ON "torc_scheduled_compute_node"("workflow_id");
CREATE INDEX "torc_edge_workflow_id_name_idx" ON "torc_edge"("workflow_id", "name");
CREATE INDEX "torc_edge_name_from_id_idx" ON "torc_edge"("name", "from_id");
CREATE INDEX "torc_edge_name_to_id_idx" ON "torc_edge"("name", "to_id");
