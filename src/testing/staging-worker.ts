// A conversion worker that stages a file in the browser's database and never commits: the test
// ends it as a crash or a closed tab would (store-staging.test.ts).
import { StoreSink } from '../graph/store';

const sink = new StoreSink();
await sink.writeFile('shard-000.bin', new Uint8Array(64));
postMessage(sink.key);
