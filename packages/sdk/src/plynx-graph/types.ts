// Wire shapes of PLynx graphs as the contract declares them.
import type { components } from '../generated/schema.js';

type Schemas = components['schemas'];

/** A PLynx graph document. */
export type PlynxGraph = Schemas['PlynxGraph'];
/** A node (operation or file) inside a PLynx graph. */
export type PlynxNode = Schemas['PlynxNode'];
/** A parameter of a PLynx node; `value`'s shape depends on `parameter_type`. */
export type PlynxParameter = Schemas['PlynxParameter'];

/** Thrown when a graph without nodes is laid out or turned into code (there is nothing to place). */
export class EmptyGraphError extends Error {
  override readonly name = 'EmptyGraphError';
  constructor(message = 'Graph has no nodes') {
    super(message);
  }
}
