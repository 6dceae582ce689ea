// npm run bench [-- --full] [--models …] [--sections …] [--no-readme] [--host node]
// npm run bench -- --scale [--scale-factor F] [--budget-gb G]
// The same as `npm run cli -- bench …` (scripts/commands/bench.ts).
import { main } from './cli.ts';

await main([process.argv[0], process.argv[1], 'bench', ...process.argv.slice(2)]);
