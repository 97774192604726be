#!/usr/bin/env node
// `npx helpdesk ...`: runs the TypeScript CLI through tsx, from wherever it is called.
import { register } from 'tsx/esm/api';

register();
await import('../cli/helpdesk.ts');
