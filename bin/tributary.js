#!/usr/bin/env node
// The `tributary` command: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../client/main.ts');
