// Checks every answer a mock sends against the contract: the status must be one the operation declares and
// a JSON body must validate against that status's schema.
import type { SetupServer } from 'msw/node';
import { operationIndex } from '../../packages/sdk/src/generated/operation-index.ts';
import { operationObject, type OperationId } from '../../packages/sdk/src/msw/contract.ts';
import { routeOrder } from '../../packages/sdk/src/msw/routes.ts';
import { responseSchemaPointer, validatorAt } from '../../packages/sdk/src/msw/validate.ts';

const routes = routeOrder().map((id) => {
  const { method, path } = operationIndex[id];
  return { id, method, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) };
});

function operationOf(request: Request): OperationId | undefined {
  const path = new URL(request.url).pathname;
  return routes.find((r) => r.method === request.method && r.pattern.test(path))?.id;
}

/** Collects contract violations of everything `server` answers; the returned list is filled as answers go out. */
export function watchContract(server: SetupServer): string[] {
  const violations: string[] = [];
  server.events.on('response:mocked', async ({ request, response }) => {
    const id = operationOf(request);
    if (!id) return void violations.push(`${request.method} ${request.url}: no operation`);
    const status = String(response.status);
    if (!(status in operationObject(id).responses)) return void violations.push(`${id}: undeclared status ${status}`);
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!;
    if (!contentType.includes('json')) return;
    const validate = validatorAt(responseSchemaPointer(id, status, 'application/json'));
    if (!validate(await response.clone().json())) violations.push(`${id} ${status}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
  });
  return violations;
}
