// The PLynx documents as the contract declares them. Services work on these wire shapes directly: PLynx
// stores and answers the same documents, so a separate domain model would only be a second copy.
import type { components } from '@pipeloom/sdk/generated';

type Schemas = components['schemas'];

export type Graph = Schemas['PlynxGraph'];
export type Node = Schemas['PlynxNode'];
export type Input = Schemas['PlynxInput'];
export type InputValue = Schemas['PlynxInputValue'];
export type Output = Schemas['PlynxOutput'];
export type Parameter = Schemas['PlynxParameter'];
export type ValidationError = Schemas['PlynxValidationError'];
export type ResourcesDict = Schemas['PlynxResourcesDict'];
export type GraphRunningStatus = Schemas['PlynxGraphRunningStatus'];
export type NodeRunningStatus = Schemas['PlynxNodeRunningStatus'];
export type NodeStatus = Schemas['PlynxNodeStatus'];
export type GraphAction = Schemas['PlynxGraphAction'];
export type NodeAction = Schemas['PlynxNodeAction'];
export type UserSummary = Schemas['PlynxUserSummary'];

/** The caller as PLynx sees it: a user name and the ObjectId-style id stored in `author`. */
export interface PlynxUser {
  username: string;
  id: string;
  /** Administrators may change any graph and node; their changes keep the document's author. */
  isAdmin: boolean;
}
