// Refuses to start on a Node.js older than this program supports, with one line on stderr and exit
// code 2, before anything that would fail on it is loaded. ES5 statements only, no import/export:
// bin/mirror-doctor.js imports it first, and scripts/build-single-file.mjs puts this text at the top
// of dist/mirror-doctor.mjs (package.json "engines" says the same minimum).
(function nodeVersionGate() {
  var min = [20, 19];
  var v = String(process.versions.node).split('.').map(Number);
  if (v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1])) return;
  process.stderr.write('mirror-doctor: Node.js ' + process.version + ' is not supported: it needs Node.js ' + min.join('.') + ' or newer (20, 22 and 24 are tested)\n');
  process.exit(2);
})();
