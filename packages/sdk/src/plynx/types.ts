// Wire shapes of the PLynx API as the contract declares them, under the names the client uses.
import type { components } from '../generated/schema.js';

type Schemas = components['schemas'];

export type PlynxGraph = Schemas['PlynxGraph'];
export type PlynxNode = Schemas['PlynxNode'];
export type PlynxParameter = Schemas['PlynxParameter'];
export type PlynxValidationError = Schemas['PlynxValidationError'];
export type PlynxGraphRunningStatus = Schemas['PlynxGraphRunningStatus'];
export type PlynxNodeRunningStatus = Schemas['PlynxNodeRunningStatus'];
export type GraphResponse = Schemas['PlynxGraphResponse'];
export type NodeResponse = Schemas['PlynxNodeResponse'];
export type GraphActionResponse = Schemas['PlynxGraphActionResponse'];
export type GraphRequestAction = Schemas['PlynxGraphRequestAction'];
export type NodeAction = Schemas['PlynxNodeAction'];
export type NodeActionResponse = Schemas['PlynxNodeActionResponse'];
export type SearchGraphsRequest = Schemas['PlynxSearchGraphsRequest'];
export type SearchGraphsResponse = Schemas['PlynxSearchGraphsResponse'];
export type SearchNodesRequest = Schemas['PlynxSearchNodesRequest'];
export type SearchNodesResponse = Schemas['PlynxSearchNodesResponse'];
export type GraphUpdateRequest = Schemas['PlynxGraphUpdateRequest'];
export type GraphUpdateResponse = Schemas['PlynxGraphUpdateResponse'];
export type GraphNodesResponse = Schemas['PlynxGraphNodesResponse'];
export type InsertNodeRequest = Schemas['PlynxInsertNodeRequest'];
export type InsertNodeResponse = Schemas['PlynxInsertNodeResponse'];
export type RemoveNodeRequest = Schemas['PlynxRemoveNodeRequest'];
export type LinkRequest = Schemas['PlynxLinkRequest'];
export type ChangeParameterRequest = Schemas['PlynxChangeParameterRequest'];
export type MessageResponse = Schemas['PlynxMessageResponse'];
export type UploadFileResponse = Schemas['PlynxUploadFileResponse'];
export type MasterStateResponse = Schemas['PlynxMasterStateResponse'];
export type TokenResponse = Schemas['PlynxTokenResponse'];
