/**
 * Whether containerd starts with a config.toml, as the emulation says: each file below is given to
 * the real 1.6, 1.7 and 2.1 binaries (`containerd --config FILE config dump`, which loads and
 * validates it as a start does, and starts nothing), and the emulation's startupError must name the
 * same failure, or none when containerd accepts the file. A missing import is started for real (2.x's
 * `config dump` passes over a file that does not exist, its start does not).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeConfig } from '../../src/containerd/config-toml.js';
import { ensureContainerd, type ContainerdBinaries } from '../../src/lab/install.js';
import { defaultLabOptions } from '../../src/lab/layout.js';
import { profile, snap } from '../unit/containerd/helpers.js';
import { quietLog } from '../helpers/lab.js';
import { CONFIG_EXIT_ROWS } from '../helpers/config-exit-rows.js';
import { GO_TOML_V1_DATE_ROWS } from '../helpers/go-toml-v1-date-rows.js';
import { GO_TOML_V1_TABLE_KEY_ROWS } from '../helpers/go-toml-v1-table-key-rows.js';
import { GO_TOML_V1_VALUE_ROWS } from '../helpers/go-toml-v1-value-rows.js';
import { tableKeyFix } from '../../src/containerd/go-toml-v1-inline-table.js';
import { goTomlV2NotUtf8Error } from '../../src/containerd/not-utf8.js';
import { NodeFileReader } from '../../src/probe/node-files.js';
import { PLUGIN_FIELD_ROWS, SERVER_TABLE_ROWS } from '../helpers/config-field-rows.js';

const FILES: Record<string, string> = {
  'version 1 names in a version 2 file': 'version = 2\n[plugins."cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'a short id in disabled_plugins': 'version = 2\ndisabled_plugins = ["cri"]\n',
  'a short id in required_plugins': 'version = 2\nrequired_plugins = ["cri"]\n',
  'four parts without io.containerd.': 'version = 2\n[plugins."foo.bar.baz.qux"]\n  x = 1\n',
  'full ids': 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'a version 1 file with version 1 names': 'version = 1\ndisabled_plugins = ["cri"]\n[plugins.cri.registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'version 3': 'version = 3\n',
  'version 4': 'version = 4\n',
  'version 3 with version 2 names': 'version = 3\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'mirrors next to config_path (the CRI plugin fails, containerd starts)':
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://m"]\n',
};

// containerd's `failed to load TOML[ from FILE]: <error>`; the emulation's text may carry the same prefix
const LOAD_FAILED = /failed to load TOML(?: from [^:]+)?: (.*)/;
const CFG = '/etc/containerd/config.toml';
// files whose failure the emulation states in its own words (the TOML decoders' messages differ):
// only whether containerd starts is compared
const STARTS_OR_NOT: Record<string, string> = {
  'an unclosed table': 'version = 2\n[plugins\n',
  'a table written twice': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n config_path = "/a"\n[plugins."io.containerd.grpc.v1.cri".registry]\n config_path = "/b"\n',
  'version as a string': 'version = "2"\n',
  'disabled_plugins as a string': 'version = 2\ndisabled_plugins = "io.containerd.grpc.v1.cri"\n',
  'an unknown top-level key': 'version = 2\nunknown_top = 1\n',
  'version as a float with an integral value': 'version = 2.0\n',
  'oom_score as a float with an integral value': 'version = 2\noom_score = 1.0\n',
  'version as a hexadecimal integer': 'version = 0x2\n',
  'version with an underscore': 'version = 2_0\n',
  // saved as "UTF-8 with BOM": go-toml v1 skips the mark, go-toml v2 (2.x) fails on it
  'a UTF-8 byte order mark before the first line': '\uFEFFversion = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
};

// CRI registry fields of the wrong type (cri-registry-types.ts): containerd exits while loading the
// plugin, on 1.x with `(line, column): Can't convert …` at the key, on 2.x with `toml: cannot …`
const G = 'plugins."io.containerd.grpc.v1.cri".registry';
const I = 'plugins."io.containerd.cri.v1.images".registry';
const CRI_TYPES: Record<string, string> = {
  'config_path as an integer': `version = 2\n[${G}]\n  config_path = 5\n`,
  'config_path as an array': `version = 2\n[${G}]\n  config_path = ["/etc/containerd/certs.d"]\n`,
  'config_path as a local date (a comment after it: go-toml v1 reads it)': `version = 2\n[${G}]\n  config_path = 1979-05-27 # a date\n`,
  'config_path as a date and time': `version = 2\n[${G}]\n  config_path = 1979-05-27T07:32:00Z\n`,
  'config_path as an integer in a version 3 file': `version = 3\n[${I}]\n  config_path = 5\n`,
  'config_path as an integer in the version 2 table of a version 3 file': `version = 3\n[${G}]\n  config_path = 5\n`,
  'config_path as an integer in a version 1 file': 'version = 1\n[plugins.cri.registry]\n  config_path = 5\n',
  'config_path as an integer with the CRI plugin disabled': `version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[${G}]\n  config_path = 5\n`,
  'config_path as an integer with the images plugin disabled': `version = 3\ndisabled_plugins = ["io.containerd.cri.v1.images"]\n[${I}]\n  config_path = 5\n`,
  'registry as a string': 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  registry = "x"\n',
  'an endpoint as a string': `version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = "http://m"\n`,
  'an endpoint list holding an integer': `version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = ["http://m", 1]\n`,
  'an empty endpoint list': `version = 2\n[${G}.mirrors."docker.io"]\n  endpoint = []\n`,
  'a mirror as a string': `version = 2\n[${G}.mirrors]\n  "docker.io" = "x"\n`,
  'mirrors as an array of tables': `version = 2\n[[${G}.mirrors."docker.io"]]\n  endpoint = ["http://m"]\n`,
  'configs as an array': `version = 2\n[${G}]\n  configs = []\n`,
  'an auth username as an integer': `version = 2\n[${G}.configs."m".auth]\n  username = 5\n`,
  'tls insecure_skip_verify as a string (2.x: tls is unknown)': `version = 2\n[${G}.configs."m".tls]\n  insecure_skip_verify = "true"\n`,
  'a header as a string': `version = 2\n[${G}.headers]\n  X = "a"\n`,
  'an auths username as an integer': `version = 2\n[${G}.auths."m"]\n  username = 5\n`,
  'an unknown registry key of any type': `version = 2\n[${G}]\n  foo = 5\n`,
};

const dir = mkdtempSync(join(tmpdir(), 'md-config-startup-'));
let binaries: ContainerdBinaries[] = [];
beforeAll(async () => {
  binaries = await ensureContainerd(defaultLabOptions().cacheDir, ['1.6', '1.7', '2.1'], quietLog);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('containerd starts with a config.toml exactly when the emulation says so', () => {
  for (const [name, text] of Object.entries(FILES)) {
    it(name, async () => {
      expect(binaries).toHaveLength(3);
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.toml`);
      writeFileSync(file, text);
      const got: Record<string, { real: string | null; ours: string | null }> = {};
      for (const b of binaries) {
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const real = LOAD_FAILED.exec(r.stderr)?.[1] ?? null;
        if (real === null) expect(r.exitCode, `${b.packageVersion}: ${r.stderr}`).toBe(0);
        const version = b.packageVersion.replace(/~.*/, '');
        const startupError = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).startupError;
        got[version] = { real, ours: startupError === undefined ? null : (LOAD_FAILED.exec(startupError)?.[1] ?? startupError) };
      }
      for (const [v, { real, ours }] of Object.entries(got)) expect(ours, `containerd ${v}: ${JSON.stringify(got)}`).toBe(real);
    });
  }
});

describe('containerd starts with a broken config.toml exactly when the emulation says so', () => {
  for (const [name, text] of Object.entries(STARTS_OR_NOT)) {
    it(name, async () => {
      const file = join(dir, `starts-${name.replace(/[^a-z0-9]+/gi, '-')}.toml`);
      writeFileSync(file, text);
      const got: Record<string, { starts: boolean; ours: string | null }> = {};
      for (const b of binaries) {
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const version = b.packageVersion.replace(/~.*/, '');
        got[version] = { starts: r.exitCode === 0, ours: analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).startupError ?? null };
      }
      expect(Object.keys(got)).toHaveLength(3);
      for (const [v, { starts, ours }] of Object.entries(got)) expect(ours === null, `containerd ${v}: ${JSON.stringify(got)}`).toBe(starts);
    });
  }
});

describe('containerd starts with a CRI registry field of the wrong type exactly when the emulation says so', () => {
  for (const [name, text] of Object.entries(CRI_TYPES)) {
    it(name, async () => {
      const file = join(dir, `cri-${name.replace(/[^a-z0-9]+/gi, '-')}.toml`);
      writeFileSync(file, text);
      const got: Record<string, { real: string | null; ours: string | null; at: string | null }> = {};
      for (const b of binaries) {
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const version = b.packageVersion.replace(/~.*/, '');
        const a = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version));
        const d = a.decisions.find((x) => x.code === 'config.cri-field-type');
        // 1.x names the key's line and column
        const pos = /\((\d+), (\d+)\): Can't convert/.exec(r.stderr);
        got[version] = { real: r.exitCode === 0 ? null : r.stderr.trim().split('\n').at(-1)!, ours: a.startupError ?? null, at: pos && d?.at ? `${pos[1]}:${pos[2]} / ${d.at.line}:${d.at.column}` : null };
      }
      expect(Object.keys(got)).toHaveLength(3);
      for (const [v, { real, ours, at }] of Object.entries(got)) {
        expect(ours === null, `containerd ${v}: ${JSON.stringify(got)}`).toBe(real === null);
        if (at) expect(at.split(' / ')[0], `containerd ${v}: ${at}`).toBe(at.split(' / ')[1]);
      }
    });
  }
});

// plugin fields (config-field-types.ts): whether containerd starts, the field named, and on 1.x the
// line and column of its `Can't convert` error
describe('containerd starts with a plugin field of the wrong type exactly when the emulation says so', () => {
  PLUGIN_FIELD_ROWS.forEach(([text, want], i) => {
    it(text.split('\n').slice(1).join(' '), async () => {
      const file = join(dir, `plugin-field-${i}.toml`);
      writeFileSync(file, text);
      const got: Record<string, { starts: boolean; ours: string | null; pos: string | null; at: string | null }> = {};
      for (const b of binaries) {
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const version = b.packageVersion.replace(/[~+].*/, '');
        if (!(version in want)) continue;
        const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).decisions.find((x) => x.code === 'config.plugin-field-type');
        const pos = /\((\d+), (\d+)\): Can't convert/.exec(r.stderr);
        got[version] = { starts: r.exitCode === 0, ours: d?.configPath?.slice(2).join('.') ?? null, pos: pos ? `${pos[1]}:${pos[2]}` : null, at: d?.at ? `${d.at.line}:${d.at.column}` : null };
      }
      expect(Object.keys(got).sort(), JSON.stringify(got)).toEqual(Object.keys(want).sort());
      for (const [v, g] of Object.entries(got)) {
        expect(g.starts, `containerd ${v}: ${JSON.stringify(got)}`).toBe(want[v] === null);
        expect(g.ours, `containerd ${v}: ${JSON.stringify(got)}`).toBe(want[v]);
        if (g.pos) expect(g.at, `containerd ${v}`).toBe(g.pos);
      }
    });
  });
});

/** The emulation's exit words as a pattern: `(line, column)` any position, `…` any text. */
function exitPattern(words: string): RegExp {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace('\\(line, column\\)', '\\(\\d+, \\d+\\)').replace('…', '.*')}`);
}

// the words config-parse-error quotes are how the binary's exit line starts
describe('containerd exits with the words config-parse-error quotes', () => {
  it.each(CONFIG_EXIT_ROWS)('%j on %s: "%s"', async (text, version, words) => {
    const b = binaries.find((x) => x.packageVersion.startsWith(version))!;
    const file = join(dir, `exit-${version}-${text.length}.toml`);
    writeFileSync(file, text);
    const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
    const lines = r.stderr.trim().split('\n');
    const exit = lines.find((l) => l.startsWith('panic: ')) ?? lines.filter((l) => l.startsWith('containerd: ')).at(-1) ?? '';
    expect(exit.replace(/^containerd: /, '')).toMatch(exitPattern(words));
  });
});

describe('containerd loads a server table field of the wrong type exactly when the emulation says so', () => {
  SERVER_TABLE_ROWS.forEach(([text, want], i) => {
    it(text.split('\n').slice(1).join(' '), async () => {
      const file = join(dir, `server-table-${i}.toml`);
      writeFileSync(file, text);
      const got: Record<string, { starts: boolean; ours: string | null }> = {};
      for (const b of binaries) {
        const version = b.packageVersion.replace(/[~+].*/, '');
        if (!(version in want)) continue;
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).decisions.find((x) => x.code === 'config.syntax-error');
        got[version] = { starts: r.exitCode === 0, ours: d ? (/`([^`]+)` is/.exec(d.message)?.[1] ?? d.message) : null };
        if (!got[version].starts) expect(r.stderr, version).toMatch(/failed to unmarshal TOML/);
      }
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [v, g] of Object.entries(got)) {
        expect(g.starts, `containerd ${v}: ${JSON.stringify(got)}`).toBe(want[v] === null);
        expect(g.ours, `containerd ${v}: ${JSON.stringify(got)}`).toBe(want[v]);
      }
    });
  });
});

// dates go-toml v1 (1.x) reads differently from TOML: whether each version starts, and where 1.x stops
describe('containerd 1.x stops at a date go-toml v1 cannot read exactly where the emulation says', () => {
  GO_TOML_V1_DATE_ROWS.forEach(([line, at], i) => {
    it(JSON.stringify(line), async () => {
      const text = `version = 2\n[x]\n${line}`;
      const file = join(dir, `date-${i}.toml`);
      writeFileSync(file, text);
      for (const b of binaries) {
        const version = b.packageVersion.replace(/[~+].*/, '');
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const pos = /failed to load TOML: [^:]+: \((\d+), (\d+)\)/.exec(r.stderr);
        const real = r.exitCode === 0 ? null : pos ? `${pos[1]}:${pos[2]}` : r.stderr;
        const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).decisions.find((x) => x.code === 'config.syntax-error');
        expect(real, version).toBe(version.startsWith('2.') ? null : at);
        expect(d?.at ? `${d.at.line}:${d.at.column}` : null, version).toBe(real);
      }
    });
  });
});

// a `[` inside a table header (an IPv6 address): whether each version starts, where 1.x stops, and
// that the inline table the fix proposes is read by all three with the same values
describe.each([
  ['a table header holding a `[`', 'table-key', GO_TOML_V1_TABLE_KEY_ROWS, /unexpected token table (?:array )?key cannot contain/],
  ['a TOML 1.1 escape or a comma before an inline table\'s `}`', 'value', GO_TOML_V1_VALUE_ROWS, /invalid escape sequence|trailing comma at the end of inline table/],
] as const)('containerd 1.x stops at %s exactly where the emulation says', (_what, name, rows, words) => {
  rows.forEach(([line, at], i) => {
    it(JSON.stringify(line), async () => {
      const text = `version = 2\n[x]\n${line}`;
      const file = join(dir, `${name}-${i}.toml`);
      writeFileSync(file, text);
      for (const b of binaries) {
        const version = b.packageVersion.replace(/[~+].*/, '');
        const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
        const pos = new RegExp(`failed to load TOML: [^:]+: \\((\\d+), (\\d+)\\): (?:${words.source})`).exec(r.stderr);
        const real = r.exitCode === 0 ? null : pos ? `${pos[1]}:${pos[2]}` : r.stderr;
        const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).decisions.find((x) => x.code === 'config.syntax-error');
        expect(real, version).toBe(version.startsWith('2.') ? null : at);
        expect(d?.at ? `${d.at.line}:${d.at.column}` : null, version).toBe(real);
      }
    });
  });
});

describe('the fix for a table header holding a `[`', () => {
  it('the inline table config-parse-error proposes is read by 1.6, 1.7 and 2.1 with the same value', async () => {
    const head = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://[fd00::1]:5000"]\n';
    const broken = `${head}[plugins."io.containerd.grpc.v1.cri".registry.configs."[fd00::1]:5000".auth]\n  username = "u"\n`;
    const fix = tableKeyFix(broken)!;
    const file = join(dir, 'table-key-fixed.toml');
    writeFileSync(file, `${head}${fix.slice(fix.indexOf('\n[plugins') + 1)}\n`);
    for (const b of binaries) {
      const r = await execa(b.containerd, ['--config', file, 'config', 'dump'], { reject: false });
      expect(r.exitCode, `${b.packageVersion}: ${r.stderr}`).toBe(0);
      // 1.x prints the table under its full name, 2.x in its own quoting under the version 3 plugin
      expect(r.stdout, b.packageVersion).toMatch(/registry\.configs\.["'][[]fd00::1[\]]:5000["']\.auth\]\s+(?:[a-z_]+ = [^\n]*\s+)*username = ["']u["']/);
    }
  });
});

// a byte that is not UTF-8 (latin-1 é) in each place a value or comment can hold it: 1.x starts,
// 2.x stops at its row and byte column with go-toml v2's words, as the emulation says
describe('a latin-1 byte: 1.x starts, 2.x stops where and how the emulation says', () => {
  const LATIN1_LINES = ['# caf\u00e9', 'a = "caf\u00e9"', "a = 'caf\u00e9'", 'a = """caf\u00e9"""', '"caf\u00e9" = 1', 'a = ["x", "caf\u00e9"]'];
  LATIN1_LINES.forEach((line, i) => {
    it(line, async () => {
      const bytes = Buffer.from(`version = 2\n[x]\n${line}\n`, 'latin1');
      const nodeRoot = join(dir, `latin1-${i}`);
      mkdirSync(join(nodeRoot, 'etc/containerd'), { recursive: true });
      writeFileSync(join(nodeRoot, CFG), bytes);
      const reader = new NodeFileReader({ root: nodeRoot });
      await reader.read(CFG, true);
      for (const b of binaries) {
        const version = b.packageVersion.replace(/[~+].*/, '');
        const r = await execa(b.containerd, ['--config', join(nodeRoot, CFG), 'config', 'dump'], { reject: false });
        const a = analyzeConfig(CFG, reader.snapshot, profile(version));
        const d = a.decisions.find((x) => x.code === 'config.syntax-error');
        if (version.startsWith('1.')) {
          expect(r.exitCode, `${version}: ${r.stderr}`).toBe(0);
          expect(a.startupError, version).toBeUndefined();
          continue;
        }
        const m = /failed to unmarshal TOML at row (\d+) column (\d+): (toml: .*)/.exec(r.stderr);
        expect(m, r.stderr).not.toBeNull();
        expect(d?.at ? `${d.at.line}:${d.at.column}` : null).toBe(`${m![1]}:${m![2]}`);
        const e = reader.snapshot.entries[CFG];
        expect(goTomlV2NotUtf8Error(e?.kind === 'file' && e.content?.kind === 'text' ? e.content.text : '', d!.at!)).toBe(m![3]);
      }
    });
  });
});

/** Starts containerd on a throw-away root, state and socket with `text` as its config; stopped by its PID. */
async function startWith(b: ContainerdBinaries, name: string, text: string): Promise<{ up: boolean; exit: string }> {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'config.toml'), text.replaceAll('@DIR@', d));
  const p = execa(b.containerd, ['--config', join(d, 'config.toml'), '--root', join(d, 'root'), '--state', join(d, 'state'), '--address', join(d, 'c.sock')], { reject: false, all: true });
  let up = false;
  // exitCode is null while the process runs
  for (let i = 0; i < 50 && p.exitCode === null && !up; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = existsSync(join(d, 'c.sock'));
  }
  if (p.exitCode === null && p.pid) process.kill(p.pid, 'SIGTERM');
  const r = await p;
  const lines = String(r.all ?? '').trim().split('\n');
  return { up, exit: up ? '' : (lines.find((l) => l.startsWith('panic: ')) ?? lines.at(-1)!) };
}

// a real start decodes what `config dump` decodes: the kata-deploy case, a 2.x panic, a version 3 field
describe('a real start stops at a plugin field of the wrong type, with the error the emulation names', () => {
  it.each([
    ['1.7', `version = 2\n[plugins."io.containerd.internal.v1.tracing"]\n  sampling_ratio = 1\n`, /^containerd: \(3, 3\): Can't convert 1\(int64\) to float64$/],
    ['1.7', `version = 2\n[plugins."io.containerd.internal.v1.tracing"]\n  sampling_ratio = 1.0\n`, null],
    ['2.1', `version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = 5\n`, /^panic: interface conversion: /],
    ['2.1', `version = 3\n[plugins."io.containerd.cri.v1.images"]\n  max_concurrent_downloads = "3"\n`, /^containerd: toml: /],
  ] as const)('containerd %s: %j', async (series, text, exit) => {
    const b = binaries.find((x) => x.series === series)!;
    const r = await startWith(b, `start-${series}-${text.length}`, text);
    const version = b.packageVersion.replace(/[~+].*/, '');
    const d = analyzeConfig(CFG, snap({ [CFG]: text }), profile(version)).decisions.find((x) => x.code === 'config.plugin-field-type');
    expect(r.up, r.exit).toBe(exit === null);
    expect(d === undefined, d?.message).toBe(exit === null);
    if (exit === null) return;
    expect(r.exit).toMatch(exit);
    expect(r.exit.replace(/^containerd: /, '')).toMatch(exitPattern(d!.containerdExit!));
  }, 30_000);
});

// `config dump` is not a start for a missing import on 2.x (it passes over it): the daemon itself is
// started here, on a throw-away root, state and socket, and stopped by its PID
describe('containerd starts with a missing import exactly when the emulation says so (a real start)', () => {
  it('a missing import', async () => {
    const got: Record<string, { exit: string | null; ours: string | null }> = {};
    for (const b of binaries) {
      const version = b.packageVersion.replace(/~.*/, '');
      const text = `version = 2\nimports = ["@DIR@/missing.toml"]\n`;
      const r = await startWith(b, `import-${version}`, text);
      const a = analyzeConfig(CFG, snap({ [CFG]: text.replace('@DIR@', join(dir, `import-${version}`)) }), profile(version));
      got[version] = { exit: r.up ? null : r.exit, ours: a.decisions.find((x) => x.code === 'config.import-unreadable')?.containerdExit ?? null };
    }
    expect(Object.keys(got)).toHaveLength(3);
    for (const [v, { exit, ours }] of Object.entries(got)) {
      expect(exit, `containerd ${v}: ${JSON.stringify(got)}`).not.toBeNull();
      expect(exit, `containerd ${v}: ${JSON.stringify(got)}`).toMatch(new RegExp(`^containerd: ${ours!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  }, 60_000);
});
