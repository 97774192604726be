// What the product needs on a fresh cluster: its namespace, and the ticket
// search attributes the managers filter by. With SQL visibility a custom search
// attribute is a namespace's alias for one of the visibility table's spare
// columns (Keyword01…10, Datetime01…03), so it is registered per namespace
// through the operator service; both calls are safe to repeat.
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { waitFor } from './processes';

/** How long a closed ticket's workflow history stays in Temporal; the read model in PostgreSQL keeps the ticket. */
const RETENTION = '30 days';
const GRPC_ALREADY_EXISTS = 6;

export async function prepareNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await registerNamespace(connection, namespace);
    // Every frontend learns of a new namespace from its cache, refreshed every few seconds.
    await waitFor(`namespace ${namespace}`, () => connection.workflowService.describeNamespace({ namespace }), 30_000);
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(TICKET_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
    });
    await waitFor('the ticket search attributes', () => searchAttributesKnown(connection, namespace), 30_000);
  } finally {
    await connection.close();
  }
}

async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
  } catch (error) {
    if (!(isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS)) throw error;
  }
}

async function searchAttributesKnown(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = TICKET_SEARCH_ATTRIBUTES.filter((key) => !customAttributes?.[key.name]).map((key) => key.name);
  if (missing.length) throw new Error(`not yet known: ${missing.join(', ')}`);
}
