// Entry point of the single-file build (dist/mirror-doctor.mjs): the same CLI as bin/mirror-doctor.js.
import { main } from './main.js';

process.exitCode = await main(process.argv);
