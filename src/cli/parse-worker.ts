/**
 * The script of the worker thread `mirror-doctor parse` starts for the second half of a big file
 * (src/cli/parse-split.ts). The single-file build has no such file: it starts itself as the
 * worker and dispatches in single-file.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSegmentWorkerThread } from './parse-split.js';

if (parentPort) await runSegmentWorkerThread(workerData, parentPort);
