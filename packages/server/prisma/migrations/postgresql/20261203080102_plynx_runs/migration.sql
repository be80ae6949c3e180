-- CreateTable
CREATE TABLE "plynx_run" (
    "graph_id" TEXT NOT NULL,
    "workflow_key" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "plynx_run_pkey" PRIMARY KEY ("graph_id")
);

-- CreateTable
CREATE TABLE "plynx_run_node" (
    "graph_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "outputs" TEXT NOT NULL,
    "logs" TEXT NOT NULL,
    "cache_url" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plynx_run_node_pkey" PRIMARY KEY ("graph_id","node_id")
);

-- CreateTable
CREATE TABLE "plynx_node_cache" (
    "key" TEXT NOT NULL,
    "outputs" TEXT NOT NULL,
    "logs" TEXT NOT NULL,
    "cache_url" TEXT NOT NULL,
    "insertion_date" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plynx_node_cache_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "plynx_run_workflow_key_key" ON "plynx_run"("workflow_key");
