// PLynx's validation rules, in its order. Only inputs and a few properties are checked: parameters are
// valid once parsed, and there is no cycle check (PLynx has none either).
import type { GraphDoc, NodeDoc } from './document-types.ts';
import { parseGraph, parseNode } from './documents.ts';
import type { Graph, Node, ValidationError } from './types.ts';

type Target = ValidationError['target'];
type Code = ValidationError['validation_code'];

const problem = (target: Target, objectId: string, code: Code, children: ValidationError[] = []): ValidationError => ({
  target,
  object_id: objectId,
  validation_code: code,
  children,
});

function nodeProblems(node: NodeDoc): ValidationError | null {
  const found: ValidationError[] = [];
  if (node.title === '') found.push(problem('PROPERTY', 'title', 'MISSING_PARAMETER'));
  for (const input of node.inputs) {
    if (input.min_count < 0) found.push(problem('INPUT', input.name, 'MINIMUM_COUNT_MUST_NOT_BE_NEGATIVE'));
    // The code's name reads backwards; PLynx raises it when the minimum exceeds a positive maximum.
    if (input.min_count > input.max_count && input.max_count > 0) {
      found.push(problem('INPUT', input.name, 'MINIMUM_COUNT_MUST_BE_GREATER_THAN_MAXIMUM'));
    }
    if (input.max_count === 0) found.push(problem('INPUT', input.name, 'MAXIMUM_COUNT_MUST_NOT_BE_ZERO'));
  }
  // A node that is not a draft sits in a graph: there its links and deprecation matter too.
  if (node.node_status !== 'CREATED') {
    for (const input of node.inputs) {
      if (input.values.length < input.min_count) found.push(problem('INPUT', input.name, 'MISSING_INPUT'));
    }
    if (node.node_status === 'MANDATORY_DEPRECATED') found.push(problem('NODE', node._id, 'DEPRECATED_NODE'));
  }
  return found.length === 0 ? null : problem('NODE', node._id, 'IN_DEPENDENTS', found);
}

/**
 * The node's validation error tree (`NODE`/`IN_DEPENDENTS` with one child per problem), or null when it is
 * valid: empty title; per input a negative minimum, a minimum above a positive maximum, a zero maximum;
 * and, unless the node is a draft (`node_status` CREATED), too few links and mandatory deprecation.
 */
export function validateNode(node: Node): ValidationError | null {
  return nodeProblems(parseNode(node));
}

/**
 * The graph's validation error tree (`GRAPH`/`IN_DEPENDENTS`), or null when it is valid: empty title, empty
 * description, no nodes, then every faulty node's own tree.
 */
export function validateGraph(graph: Graph): ValidationError | null {
  const doc: GraphDoc = parseGraph(graph);
  const found: ValidationError[] = [];
  if (doc.title === '') found.push(problem('PROPERTY', 'title', 'MISSING_PARAMETER'));
  if (doc.description === '') found.push(problem('PROPERTY', 'description', 'MISSING_PARAMETER'));
  if (doc.nodes.length === 0) found.push(problem('PROPERTY', doc._id, 'EMPTY_GRAPH'));
  for (const node of doc.nodes) {
    const nodeError = nodeProblems(node);
    if (nodeError) found.push(nodeError);
  }
  return found.length === 0 ? null : problem('GRAPH', doc._id, 'IN_DEPENDENTS', found);
}
