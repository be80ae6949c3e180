-- CreateTable
CREATE TABLE "identity_secret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_secret_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "plynx_graph" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "graph_running_status" TEXT NOT NULL,
    "author_id" TEXT,
    "author_name" TEXT,
    "document" TEXT NOT NULL,
    "insertion_date" TIMESTAMP(3) NOT NULL,
    "update_date" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plynx_graph_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plynx_node" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "base_node_name" TEXT NOT NULL,
    "node_status" TEXT NOT NULL,
    "author_id" TEXT,
    "author_name" TEXT,
    "starred" BOOLEAN NOT NULL DEFAULT false,
    "document" TEXT NOT NULL,
    "insertion_date" TIMESTAMP(3) NOT NULL,
    "update_date" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plynx_node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plynx_graph_cancellation" (
    "id" SERIAL NOT NULL,
    "graph_id" TEXT NOT NULL,
    "acknowledged" BOOLEAN NOT NULL DEFAULT false,
    "insertion_date" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plynx_graph_cancellation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "plynx_graph_author_name_insertion_date_idx" ON "plynx_graph"("author_name", "insertion_date");

-- CreateIndex
CREATE INDEX "plynx_graph_graph_running_status_idx" ON "plynx_graph"("graph_running_status");

-- CreateIndex
CREATE INDEX "plynx_graph_insertion_date_idx" ON "plynx_graph"("insertion_date");

-- CreateIndex
CREATE INDEX "plynx_graph_update_date_idx" ON "plynx_graph"("update_date");

-- CreateIndex
CREATE INDEX "plynx_graph_title_idx" ON "plynx_graph"("title");

-- CreateIndex
CREATE INDEX "plynx_node_author_name_insertion_date_idx" ON "plynx_node"("author_name", "insertion_date");

-- CreateIndex
CREATE INDEX "plynx_node_node_status_idx" ON "plynx_node"("node_status");

-- CreateIndex
CREATE INDEX "plynx_node_base_node_name_idx" ON "plynx_node"("base_node_name");

-- CreateIndex
CREATE INDEX "plynx_node_insertion_date_idx" ON "plynx_node"("insertion_date");

-- CreateIndex
CREATE INDEX "plynx_node_title_idx" ON "plynx_node"("title");

-- CreateIndex
CREATE INDEX "plynx_graph_cancellation_graph_id_acknowledged_idx" ON "plynx_graph_cancellation"("graph_id", "acknowledged");
