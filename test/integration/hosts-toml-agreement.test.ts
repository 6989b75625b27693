/**
 * hosts.toml files that containerd's two TOML decoders read differently from TOML (and from each
 * other), each pulled for real with `ctr --debug images pull --hosts-dir` on 1.6, 1.7 and 2.1
 * against the lab's plain-HTTP mirror: the first manifest request ctr makes, or the file's discard,
 * must be what `explain` plans for ctr --hosts-dir on that version. Files are written as bytes (a
 * byte order mark, latin-1).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { runExplain } from '../../src/cli/explain.js';
import { quietLog, testLabOptions } from '../helpers/lab.js';

const VERSIONS = ['1.6', '1.7', '2.1'] as const;
const PACKAGE: Record<(typeof VERSIONS)[number], string> = { '1.6': '1.6.20', '1.7': '1.7.24', '2.1': '2.1.9' };
const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const M = '@MIRROR@';
const HOST = `[host."http://${M}"]\n  capabilities = ["pull", "resolve"]\n`;

/** name → the file's bytes (`@MIRROR@`: the lab mirror's host:port) */
const CASES: Record<string, Buffer> = {
  'a plain header': Buffer.from(HOST),
  'a byte order mark': Buffer.from(`\uFEFF${HOST}`),
  'a latin-1 comment': Buffer.from(`# caf\u00e9\n${HOST}`, 'latin1'),
  'CRLF line ends': Buffer.from(HOST.replaceAll('\n', '\r\n')),
  'an IPv6 host in a header': Buffer.from(`[host."http://[::1]:5000"]\n  capabilities = ["pull", "resolve"]\n${HOST}`),
  // 1.x tries an inline host before the header tables (two inline ones in random order: not here)
  'an IPv6 host inline under [host], after a header': Buffer.from(`${HOST}[host]\n  "http://[::1]:5000" = { capabilities = ["pull", "resolve"] }\n`),
  'a \\e escape': Buffer.from(`${HOST}  header = { x = "a\\eb" }\n`),
  "a comma before an inline table's }": Buffer.from(`${HOST}  header = { x = "a", }\n`),
  'a date at the end of a line': Buffer.from(`${HOST}  since = 1979-05-27\n`),
  'a trailing slash on the host': Buffer.from(`[host."http://${M}/"]\n  capabilities = ["pull", "resolve"]\n`),
  'no scheme on the host': Buffer.from(`[host."${M}"]\n  capabilities = ["pull", "resolve"]\n`),
  'a space in the host key': Buffer.from(`[host." http://${M}"]\n  capabilities = ["pull", "resolve"]\n`),
};

const opts = testLabOptions(5390);
const dir = mkdtempSync(join(tmpdir(), 'md-hosts-agreement-'));
let state: LabState;
beforeAll(async () => {
  state = await labUp(opts, 'mirror-ok', quietLog);
}, 600_000);
afterAll(async () => {
  await labDown(opts, quietLog);
  rmSync(dirname(opts.dir), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** What real ctr did: its first manifest request's URL, or `discarded`. */
async function real(v: (typeof VERSIONS)[number], hostsDir: string): Promise<string> {
  const d = state.daemons[v]!;
  const r = await execa(d.ctr, ['--address', d.address, '-n', 'md-agreement', '--debug', 'images', 'pull', ...(v === '2.1' ? ['--local'] : []), '--hosts-dir', hostsDir, REF], { reject: false, all: true, timeout: 60_000 });
  await execa(d.ctr, ['--address', d.address, '-n', 'md-agreement', 'images', 'rm', REF], { reject: false });
  if (/msg="failed to decode/.test(r.all ?? '')) return 'discarded';
  return /url="([^"]*\/manifests\/1\.0[^"]*)"/.exec(r.all ?? '')?.[1] ?? `no request: ${(r.all ?? '').slice(-300)}`;
}

/** What explain plans for ctr --hosts-dir on that version: the first resolve URL, or `discarded`. */
async function ours(v: (typeof VERSIONS)[number], hostsDir: string): Promise<string> {
  let out = '';
  // `dir` as the node's root: nothing of this machine's own /etc/containerd is read
  await runExplain(REF, { root: dir, hostsDir: hostsDir.slice(dir.length), containerdVersion: PACKAGE[v], json: true }, [], { stdout: (s) => void (out += s) });
  const plan = (JSON.parse(out) as { plans: Array<{ client: string; decisions: Array<{ code: string }>; resolve: { attempts: Array<{ url: string }> } | null }> }).plans.find((p) => p.client === 'ctr-hosts-dir')!;
  if (plan.decisions.some((x) => x.code === 'hosts-toml.discarded')) return 'discarded';
  return plan.resolve?.attempts[0]?.url ?? 'no request';
}

describe('ctr --hosts-dir on 1.6, 1.7 and 2.1 asks what explain plans', () => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    const mirror = new URL(state.registries.mirror!.url).host;
    const hostsDir = join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(join(hostsDir, 'docker.io'), { recursive: true });
    writeFileSync(join(hostsDir, 'docker.io', 'hosts.toml'), Buffer.from(CASES[name]!.toString('latin1').replaceAll(M, mirror), 'latin1'));
    const got: Record<string, { real: string; ours: string }> = {};
    for (const v of VERSIONS) got[v] = { real: await real(v, hostsDir), ours: await ours(v, hostsDir) };
    for (const [v, g] of Object.entries(got)) expect(g.ours, `containerd ${v}: ${JSON.stringify(got)}`).toBe(g.real);
  });
});
