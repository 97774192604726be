// The bare Temporal round-trip the API's cost is compared against: a workflow
// that accepts an update and answers with a counter, nothing else.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const bump = defineUpdate<number, [string]>('bump');
export const finish = defineUpdate<void>('finish');

export async function minimalWorkflow(): Promise<number> {
  let count = 0;
  let done = false;
  setHandler(bump, () => ++count);
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return count;
}
