#!/usr/bin/env node
// The `revgnn` command (package.json "bin"): runs scripts/cli.ts through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
await main(process.argv);
