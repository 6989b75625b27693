// The floor of `mirror-doctor parse`: a Node.js program that reads the file in 1 MiB chunks and
// finds each newline, nothing else. Prints the line count. Usage: node newline-floor.mjs FILE
import { closeSync, openSync, readSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
const b = Buffer.allocUnsafe(1 << 20);
let lines = 0;
for (let n = readSync(fd, b, 0, b.length, null); n > 0; n = readSync(fd, b, 0, b.length, null)) {
  for (let p = b.indexOf(10, 0); p !== -1 && p < n; p = b.indexOf(10, p + 1)) lines++;
}
closeSync(fd);
console.log(lines);
