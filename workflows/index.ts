// The workflow bundle's entry point: every workflow type the worker runs.
export { ticketWorkflow } from './ticket';
export { mailIntakeWorkflow } from './mail-intake';
