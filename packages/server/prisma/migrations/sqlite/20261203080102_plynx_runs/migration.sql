-- CreateTable
CREATE TABLE "plynx_run" (
    "graph_id" TEXT NOT NULL PRIMARY KEY,
    "workflow_key" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "finished_at" DATETIME
);

-- CreateTable
CREATE TABLE "plynx_run_node" (
    "graph_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "outputs" TEXT NOT NULL,
    "logs" TEXT NOT NULL,
    "cache_url" TEXT NOT NULL DEFAULT '',
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("graph_id", "node_id")
);

-- CreateTable
CREATE TABLE "plynx_node_cache" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "outputs" TEXT NOT NULL,
    "logs" TEXT NOT NULL,
    "cache_url" TEXT NOT NULL,
    "insertion_date" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "plynx_run_workflow_key_key" ON "plynx_run"("workflow_key");
