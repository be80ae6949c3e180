-- Torc's tables move into their own namespace (torc_*, snake_case columns), renamed in place so existing
-- rows, ids and autoincrement counters are kept. Written by hand: the engine's diff would drop and recreate.

-- Workflow -> torc_workflow
ALTER TABLE "Workflow" RENAME TO "torc_workflow";
ALTER TABLE "torc_workflow" RENAME COLUMN "user" TO "user_name";
ALTER TABLE "torc_workflow" RENAME COLUMN "isArchived" TO "is_archived";
ALTER TABLE "torc_workflow" RENAME CONSTRAINT "Workflow_pkey" TO "torc_workflow_pkey";
ALTER SEQUENCE "Workflow_id_seq" RENAME TO "torc_workflow_id_seq";

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
ALTER TABLE "torc_workflow_config" RENAME CONSTRAINT "WorkflowConfig_pkey" TO "torc_workflow_config_pkey";
ALTER TABLE "torc_workflow_config" RENAME CONSTRAINT "WorkflowConfig_workflowId_fkey" TO "torc_workflow_config_workflow_id_fkey";
ALTER SEQUENCE "WorkflowConfig_id_seq" RENAME TO "torc_workflow_config_id_seq";

-- WorkflowStatus -> torc_workflow_status
ALTER TABLE "WorkflowStatus" RENAME TO "torc_workflow_status";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "runId" TO "run_id";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "isCanceled" TO "is_canceled";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "autoTuneStatus" TO "auto_tune_status";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "hasDetectedNeedToRunCompletionScript" TO "has_detected_need_to_run_completion_script";
ALTER TABLE "torc_workflow_status" RENAME COLUMN "scheduledComputeNodeIds" TO "scheduled_compute_node_ids";
ALTER TABLE "torc_workflow_status" RENAME CONSTRAINT "WorkflowStatus_pkey" TO "torc_workflow_status_pkey";
ALTER TABLE "torc_workflow_status" RENAME CONSTRAINT "WorkflowStatus_workflowId_fkey" TO "torc_workflow_status_workflow_id_fkey";
ALTER SEQUENCE "WorkflowStatus_id_seq" RENAME TO "torc_workflow_status_id_seq";

-- Job -> torc_job
ALTER TABLE "Job" RENAME TO "torc_job";
ALTER TABLE "torc_job" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_job" RENAME CONSTRAINT "Job_pkey" TO "torc_job_pkey";
ALTER TABLE "torc_job" RENAME CONSTRAINT "Job_workflowId_fkey" TO "torc_job_workflow_id_fkey";
ALTER SEQUENCE "Job_id_seq" RENAME TO "torc_job_id_seq";

-- File -> torc_file
ALTER TABLE "File" RENAME TO "torc_file";
ALTER TABLE "torc_file" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_file" RENAME CONSTRAINT "File_pkey" TO "torc_file_pkey";
ALTER TABLE "torc_file" RENAME CONSTRAINT "File_workflowId_fkey" TO "torc_file_workflow_id_fkey";
ALTER SEQUENCE "File_id_seq" RENAME TO "torc_file_id_seq";

-- UserData -> torc_user_data
ALTER TABLE "UserData" RENAME TO "torc_user_data";
ALTER TABLE "torc_user_data" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_user_data" RENAME CONSTRAINT "UserData_pkey" TO "torc_user_data_pkey";
ALTER TABLE "torc_user_data" RENAME CONSTRAINT "UserData_workflowId_fkey" TO "torc_user_data_workflow_id_fkey";
ALTER SEQUENCE "UserData_id_seq" RENAME TO "torc_user_data_id_seq";

-- ResourceRequirements -> torc_resource_requirements
ALTER TABLE "ResourceRequirements" RENAME TO "torc_resource_requirements";
ALTER TABLE "torc_resource_requirements" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_resource_requirements" RENAME CONSTRAINT "ResourceRequirements_pkey" TO "torc_resource_requirements_pkey";
ALTER TABLE "torc_resource_requirements" RENAME CONSTRAINT "ResourceRequirements_workflowId_fkey" TO "torc_resource_requirements_workflow_id_fkey";
ALTER SEQUENCE "ResourceRequirements_id_seq" RENAME TO "torc_resource_requirements_id_seq";

-- Result -> torc_result
ALTER TABLE "Result" RENAME TO "torc_result";
ALTER TABLE "torc_result" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_result" RENAME CONSTRAINT "Result_pkey" TO "torc_result_pkey";
ALTER TABLE "torc_result" RENAME CONSTRAINT "Result_workflowId_fkey" TO "torc_result_workflow_id_fkey";
ALTER SEQUENCE "Result_id_seq" RENAME TO "torc_result_id_seq";

-- Event -> torc_event
ALTER TABLE "Event" RENAME TO "torc_event";
ALTER TABLE "torc_event" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_event" RENAME CONSTRAINT "Event_pkey" TO "torc_event_pkey";
ALTER TABLE "torc_event" RENAME CONSTRAINT "Event_workflowId_fkey" TO "torc_event_workflow_id_fkey";
ALTER SEQUENCE "Event_id_seq" RENAME TO "torc_event_id_seq";

-- ComputeNode -> torc_compute_node
ALTER TABLE "ComputeNode" RENAME TO "torc_compute_node";
ALTER TABLE "torc_compute_node" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_compute_node" RENAME CONSTRAINT "ComputeNode_pkey" TO "torc_compute_node_pkey";
ALTER TABLE "torc_compute_node" RENAME CONSTRAINT "ComputeNode_workflowId_fkey" TO "torc_compute_node_workflow_id_fkey";
ALTER SEQUENCE "ComputeNode_id_seq" RENAME TO "torc_compute_node_id_seq";

-- ComputeNodeStats -> torc_compute_node_stats
ALTER TABLE "ComputeNodeStats" RENAME TO "torc_compute_node_stats";
ALTER TABLE "torc_compute_node_stats" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_compute_node_stats" RENAME CONSTRAINT "ComputeNodeStats_pkey" TO "torc_compute_node_stats_pkey";
ALTER TABLE "torc_compute_node_stats" RENAME CONSTRAINT "ComputeNodeStats_workflowId_fkey" TO "torc_compute_node_stats_workflow_id_fkey";
ALTER SEQUENCE "ComputeNodeStats_id_seq" RENAME TO "torc_compute_node_stats_id_seq";

-- JobProcessStats -> torc_job_process_stats
ALTER TABLE "JobProcessStats" RENAME TO "torc_job_process_stats";
ALTER TABLE "torc_job_process_stats" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_job_process_stats" RENAME CONSTRAINT "JobProcessStats_pkey" TO "torc_job_process_stats_pkey";
ALTER TABLE "torc_job_process_stats" RENAME CONSTRAINT "JobProcessStats_workflowId_fkey" TO "torc_job_process_stats_workflow_id_fkey";
ALTER SEQUENCE "JobProcessStats_id_seq" RENAME TO "torc_job_process_stats_id_seq";

-- AwsScheduler -> torc_aws_scheduler
ALTER TABLE "AwsScheduler" RENAME TO "torc_aws_scheduler";
ALTER TABLE "torc_aws_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_aws_scheduler" RENAME CONSTRAINT "AwsScheduler_pkey" TO "torc_aws_scheduler_pkey";
ALTER TABLE "torc_aws_scheduler" RENAME CONSTRAINT "AwsScheduler_workflowId_fkey" TO "torc_aws_scheduler_workflow_id_fkey";
ALTER SEQUENCE "AwsScheduler_id_seq" RENAME TO "torc_aws_scheduler_id_seq";

-- LocalScheduler -> torc_local_scheduler
ALTER TABLE "LocalScheduler" RENAME TO "torc_local_scheduler";
ALTER TABLE "torc_local_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_local_scheduler" RENAME CONSTRAINT "LocalScheduler_pkey" TO "torc_local_scheduler_pkey";
ALTER TABLE "torc_local_scheduler" RENAME CONSTRAINT "LocalScheduler_workflowId_fkey" TO "torc_local_scheduler_workflow_id_fkey";
ALTER SEQUENCE "LocalScheduler_id_seq" RENAME TO "torc_local_scheduler_id_seq";

-- SlurmScheduler -> torc_slurm_scheduler
ALTER TABLE "SlurmScheduler" RENAME TO "torc_slurm_scheduler";
ALTER TABLE "torc_slurm_scheduler" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_slurm_scheduler" RENAME CONSTRAINT "SlurmScheduler_pkey" TO "torc_slurm_scheduler_pkey";
ALTER TABLE "torc_slurm_scheduler" RENAME CONSTRAINT "SlurmScheduler_workflowId_fkey" TO "torc_slurm_scheduler_workflow_id_fkey";
ALTER SEQUENCE "SlurmScheduler_id_seq" RENAME TO "torc_slurm_scheduler_id_seq";

-- ScheduledComputeNode -> torc_scheduled_compute_node
ALTER TABLE "ScheduledComputeNode" RENAME TO "torc_scheduled_compute_node";
ALTER TABLE "torc_scheduled_compute_node" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_scheduled_compute_node" RENAME CONSTRAINT "ScheduledComputeNode_pkey" TO "torc_scheduled_compute_node_pkey";
ALTER TABLE "torc_scheduled_compute_node" RENAME CONSTRAINT "ScheduledComputeNode_workflowId_fkey" TO "torc_scheduled_compute_node_workflow_id_fkey";
ALTER SEQUENCE "ScheduledComputeNode_id_seq" RENAME TO "torc_scheduled_compute_node_id_seq";

-- Edge -> torc_edge
ALTER TABLE "Edge" RENAME TO "torc_edge";
ALTER TABLE "torc_edge" RENAME COLUMN "workflowId" TO "workflow_id";
ALTER TABLE "torc_edge" RENAME CONSTRAINT "Edge_pkey" TO "torc_edge_pkey";
ALTER TABLE "torc_edge" RENAME CONSTRAINT "Edge_workflowId_fkey" TO "torc_edge_workflow_id_fkey";
ALTER SEQUENCE "Edge_id_seq" RENAME TO "torc_edge_id_seq";

-- Indexes, under the names Prisma derives from the new table and column names.
ALTER INDEX "Workflow_user_idx" RENAME TO "torc_workflow_user_name_idx";
ALTER INDEX "Workflow_name_idx" RENAME TO "torc_workflow_name_idx";
ALTER INDEX "WorkflowConfig_workflowId_key" RENAME TO "torc_workflow_config_workflow_id_key";
ALTER INDEX "WorkflowStatus_workflowId_key" RENAME TO "torc_workflow_status_workflow_id_key";
ALTER INDEX "Job_workflowId_status_idx" RENAME TO "torc_job_workflow_id_status_idx";
ALTER INDEX "Job_workflowId_name_idx" RENAME TO "torc_job_workflow_id_name_idx";
ALTER INDEX "File_workflowId_name_idx" RENAME TO "torc_file_workflow_id_name_idx";
ALTER INDEX "File_workflowId_path_idx" RENAME TO "torc_file_workflow_id_path_idx";
ALTER INDEX "UserData_workflowId_name_idx" RENAME TO "torc_user_data_workflow_id_name_idx";
ALTER INDEX "ResourceRequirements_workflowId_name_idx" RENAME TO "torc_resource_requirements_workflow_id_name_idx";
ALTER INDEX "Result_workflowId_job_key_run_id_idx" RENAME TO "torc_result_workflow_id_job_key_run_id_idx";
ALTER INDEX "Event_workflowId_timestamp_idx" RENAME TO "torc_event_workflow_id_timestamp_idx";
ALTER INDEX "Event_workflowId_category_idx" RENAME TO "torc_event_workflow_id_category_idx";
ALTER INDEX "ComputeNode_workflowId_hostname_idx" RENAME TO "torc_compute_node_workflow_id_hostname_idx";
ALTER INDEX "ComputeNodeStats_workflowId_hostname_idx" RENAME TO "torc_compute_node_stats_workflow_id_hostname_idx";
ALTER INDEX "JobProcessStats_workflowId_job_key_idx" RENAME TO "torc_job_process_stats_workflow_id_job_key_idx";
ALTER INDEX "AwsScheduler_workflowId_idx" RENAME TO "torc_aws_scheduler_workflow_id_idx";
ALTER INDEX "LocalScheduler_workflowId_idx" RENAME TO "torc_local_scheduler_workflow_id_idx";
ALTER INDEX "SlurmScheduler_workflowId_idx" RENAME TO "torc_slurm_scheduler_workflow_id_idx";
ALTER INDEX "ScheduledComputeNode_workflowId_idx" RENAME TO "torc_scheduled_compute_node_workflow_id_idx";
ALTER INDEX "Edge_workflowId_name_idx" RENAME TO "torc_edge_workflow_id_name_idx";
ALTER INDEX "Edge_name_from_id_idx" RENAME TO "torc_edge_name_from_id_idx";
ALTER INDEX "Edge_name_to_id_idx" RENAME TO "torc_edge_name_to_id_idx";
