// What a web app writes: only the browser-safe entries, checked with lib DOM and no @types/node.
import { ApiError, createPipeloomClient, operationIndex, unwrap, type components } from '@pipeloom/sdk';
import { Client } from '@pipeloom/sdk/plynx';

type Workflow = components['schemas']['workflow_model'];

export async function workflowNames(baseUrl: string, user: string): Promise<string[]> {
  const client = createPipeloomClient({ baseUrl });
  const { data, response } = await client.GET('/torc-service/workflows', { params: { query: { user } } });
  if (!response.ok || !data) return [];
  return data.items.map((w: Workflow) => w.name ?? '(no name)');
}

export async function workflowOrNull(baseUrl: string, key: string): Promise<Workflow | null> {
  try {
    return await unwrap(createPipeloomClient({ baseUrl }).GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export const pingPath: string = operationIndex.ping.path;
export const plynxClient = (endpoint: string, token: string): Client => new Client({ endpoint, token });
