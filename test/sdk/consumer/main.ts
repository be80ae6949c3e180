// What a Node program writes: the root and @pipeloom/sdk/node, run against the server named by PIPELOOM_URL.
import { createPipeloomClient, createWorkflow, getWorkflowProgress, unwrap } from '@pipeloom/sdk';
import { parseWorkflowSpecification, startWorkflow } from '@pipeloom/sdk/node';
import { pingPath, workflowNames, workflowOrNull } from './browser-app.js';

const baseUrl = process.env.PIPELOOM_URL;
if (!baseUrl) throw new Error('PIPELOOM_URL is not set');
const client = createPipeloomClient({ baseUrl });

const ping = await unwrap(client.GET('/torc-service/ping'));
const spec = parseWorkflowSpecification('name: consumer\njobs:\n  - {name: hello, command: echo hello}\n', 'spec.yaml');
const workflow = await createWorkflow(client, spec, { user: 'consumer' });
const started = await startWorkflow(client, workflow._key!, { skipStartupScript: true });
const progress = await getWorkflowProgress(client, workflow._key!);
console.log(JSON.stringify({
  pingPath,
  ping: ping.message,
  names: await workflowNames(baseUrl, 'consumer'),
  runId: started.run_id,
  ready: progress.by_status.ready,
  missing: await workflowOrNull(baseUrl, '999999'),
}));
