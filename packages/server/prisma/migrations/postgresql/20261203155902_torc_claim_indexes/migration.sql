-- CreateIndex
CREATE INDEX "torc_job_claim_gpus_runtime_memory_idx" ON "torc_job"("workflow_id", "internal_num_gpus" DESC, "internal_runtime_seconds" DESC, "internal_memory_bytes" DESC, "id", "internal_num_cpus", "internal_num_nodes", "internal_scheduler_config_id") WHERE (status IN ('ready', 'scheduled'));

-- CreateIndex
CREATE INDEX "torc_job_claim_gpus_memory_runtime_idx" ON "torc_job"("workflow_id", "internal_num_gpus" DESC, "internal_memory_bytes" DESC, "internal_runtime_seconds" DESC, "id", "internal_num_cpus", "internal_num_nodes", "internal_scheduler_config_id") WHERE (status IN ('ready', 'scheduled'));

-- CreateIndex
CREATE INDEX "torc_job_claim_by_key_idx" ON "torc_job"("workflow_id", "id") WHERE (status IN ('ready', 'scheduled'));
