// Eager workflow start: the server hands a new workflow's first task straight
// back to a worker of this process in the start's answer, instead of through
// the task queue (one round trip and a queue poll less per ticket and mail).
// It needs the client to share the workers' NativeConnection; a client on a
// connection of its own starts workflows the usual way.
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export function eagerStartFor(client: Client): { requestEagerStart?: true } {
  return client.connection instanceof NativeConnection ? { requestEagerStart: true } : {};
}
