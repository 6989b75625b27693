// Entry point of the single-file build (dist/mirror-doctor.mjs): the same CLI as bin/mirror-doctor.js,
// and the script of the worker thread `parse` starts on big files (there is no other file to start).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { main } from './main.js';
import { runSegmentWorkerThread, SEGMENT_WORKER_KIND, WORKER_ENTRY } from './parse-split.js';

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === SEGMENT_WORKER_KIND) {
  await runSegmentWorkerThread(workerData, parentPort);
} else {
  (globalThis as Record<symbol, unknown>)[WORKER_ENTRY] = import.meta.url;
  process.exitCode = await main(process.argv);
}
