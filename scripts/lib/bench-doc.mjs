// Shared by the benchmark scripts: machine description, median, the --node option, and writing one
// section of docs/benchmarks.md between <!-- bench:NAME --> markers (other sections are kept).
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The machine in one line; `nodes`: the Node.js version(s) measured, when not the one running the script. */
export function machine(nodes = process.version) {
  const c = cpus();
  return `${c.length} × ${c[0]?.model?.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${nodes}, ${process.platform}`;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function writeSection(file, name, markdown) {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEach section is written by the script it names; numbers are medians of several runs on the machine stated.\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Takes every `--node BIN` out of the arguments: the Node.js binaries to benchmark on (e.g. from
 * scripts/node-bin), each with its version; none given: the Node.js running the script.
 */
export function takeNodeOptions(argv) {
  const paths = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node' || argv[i].startsWith('--node=')) {
      const p = argv[i] === '--node' ? argv[++i] : argv[i].slice('--node='.length);
      if (!p) usage('--node needs a Node.js binary, e.g. --node "$(scripts/node-bin 22.23.5)"');
      paths.push(p);
    } else rest.push(argv[i]);
  }
  const nodes = (paths.length ? paths : [process.execPath]).map((path) => {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
    if (r.status !== 0 || !/^v\d+\.\d+\.\d+/.test(r.stdout)) usage(`--node ${path}: not a Node.js binary (${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)})`);
    return { path, version: r.stdout.trim() };
  });
  return { nodes, rest };
}

function usage(line) {
  process.stderr.write(`${line}\n`);
  process.exit(2);
}
