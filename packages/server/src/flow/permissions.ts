// The five permissions a user can hold on a pipeline, by their wire names, and the rules that read them.
// Which permission authorises what is not documented by Instabase; the choices here are ours and are stated
// in openapi/flow.yaml.
import type { components } from '@pipeloom/sdk/generated';

export type FlowPermission = components['schemas']['FlowPermission'];

/** A user's standing on one pipeline. */
export interface Grant {
  permissions: ReadonlySet<FlowPermission>;
  isManager: boolean;
}

/** In the order Instabase's docs list them; answers keep this order. */
export const ALL_PERMISSIONS: readonly FlowPermission[] = [
  'flow_pipeline:read',
  'flow_pipeline:execute',
  'flow_pipeline:delete',
  'flow_pipeline:manage_pipelines',
  'flow_pipeline:write',
];

export const NO_GRANT: Grant = { permissions: new Set(), isManager: false };

export const sorted = (permissions: ReadonlySet<FlowPermission>): FlowPermission[] => ALL_PERMISSIONS.filter((p) => permissions.has(p));

/** Seeing a pipeline in the list: `read`, or managing it. */
export const canSee = (g: Grant) => g.isManager || g.permissions.has('flow_pipeline:read');
/** Assigning it to jobs or taking it off them, and renaming it: `write`, `manage_pipelines` or the manager role. */
export const canAssign = (g: Grant) => g.isManager || g.permissions.has('flow_pipeline:write') || g.permissions.has('flow_pipeline:manage_pipelines');
/** Granting and revoking others' permissions: `manage_pipelines` or the manager role. */
export const canManageMembers = (g: Grant) => g.isManager || g.permissions.has('flow_pipeline:manage_pipelines');
/** Deleting the pipeline: `delete`. */
export const canDelete = (g: Grant) => g.permissions.has('flow_pipeline:delete');
