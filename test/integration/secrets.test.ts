/**
 * Issue #21, the live part: a real containerd (1.7, lab at debug level) pulls through a mirror
 * whose hosts.toml sends custom headers (Authorization, PRIVATE-TOKEN, X-Custom-Auth and an
 * arbitrary name) and whose URL carries userinfo; ctr's --http-dump and the daemon's log really
 * print them. Every output of the built CLI — trace text and JSON, trace --save, parse of the
 * saved logs, explain --json — holds none of them, nor their base64 form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabState } from '../../src/lab/lab.js';
import { quietLog, testLabOptions } from '../helpers/lab.js';

const BIN = resolve(__dirname, '../../bin/mirror-doctor.js');
const opts = { ...testLabOptions(5320), versions: ['1.7'] as const, logLevel: 'debug' as const };
const REF = 'docker.io/library/mirror-doctor-demo:1.0';
const S = { authz: 'LiveAuthzS3cretW', priv: 'LivePrivTokS3cretW', custom: 'LiveCustomS3cretW', weird: 'LiveWeirdS3cretW', url: 'LiveUrlPwS3cretW' };
const FORMS = [...Object.values(S).flatMap((s) => [s, Buffer.from(s).toString('base64')]), Buffer.from(`muser:${S.url}`).toString('base64')];

let state: LabState;
let out: string;

function expectClean(what: string, text: string): void {
  for (const f of FORMS) expect(text.includes(f), `${what} holds ${f}`).toBe(false);
}

describe('secrets of a live pull', () => {
  beforeAll(async () => {
    state = await labUp({ ...opts, versions: [...opts.versions] }, 'mirror-ok', quietLog);
    const mirror = `http://muser:${S.url}@127.0.0.1:${state.ports.mirror}`;
    writeFileSync(
      join(state.hostsDir, 'docker.io/hosts.toml'),
      `server = "https://registry-1.docker.io"\n\n[host."${mirror}"]\n  capabilities = ["pull", "resolve"]\n  [host."${mirror}".header]\n    Authorization = "Bearer ${S.authz}"\n    PRIVATE-TOKEN = "${S.priv}"\n    X-Custom-Auth = ["${S.custom}"]\n    X-Weird-Name = "${S.weird}"\n`,
    );
    out = mkdtempSync(join(tmpdir(), 'md-secrets-live-'));
  }, 300_000);
  afterAll(async () => {
    await labDown({ ...opts, versions: [...opts.versions] }, quietLog);
    rmSync(dirname(opts.dir), { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('trace (text, --json, --save), parse of what it saved, explain --json', async () => {
    const d = state.daemons['1.7']!;
    const args = ['trace', REF, '--ctr', d.ctr, '--address', d.address, '--config', d.config, '--hosts-dir', state.hostsDir, '--daemon-log', d.log, '--timeout', '30'];
    const json = await execa(process.execPath, [BIN, ...args, '--json', '--save', join(out, 'save')], { reject: false });
    const text = await execa(process.execPath, [BIN, ...args], { reject: false });
    expect(json.exitCode, json.stderr).toBe(0);
    // the headers really went out: the daemon logged them (its log is not an output of ours)
    const daemonLog = readFileSync(d.log, 'utf8');
    expect(daemonLog).toContain(S.priv);
    const saved = readdirSync(join(out, 'save')).map((f) => [f, readFileSync(join(out, 'save', f), 'utf8')] as const);
    expect(saved.map(([f]) => f).sort()).toEqual(['cri.log', 'ctr-hosts-dir.log', 'ctr.log', 'trace.json']);
    // ctr's dump printed them too, redacted, with the header names kept
    const ctrLog = saved.find(([f]) => f === 'ctr-hosts-dir.log')![1];
    expect(ctrLog).toContain('PRIVATE-TOKEN: [REDACTED]');
    expect(ctrLog).toContain('request.header.x-weird-name=[REDACTED]');
    const outputs: Array<[string, string]> = [
      ['trace --json', json.stdout],
      ['trace --json stderr', json.stderr],
      ['trace', text.stdout],
      ['trace stderr', text.stderr],
      ...saved.map(([f, t]) => [`--save ${f}`, t] as [string, string]),
    ];
    for (const [f] of saved.filter(([f]) => f.endsWith('.log'))) {
      for (const flag of [[], ['--json']]) {
        const p = await execa(process.execPath, [BIN, 'parse', join(out, 'save', f), ...flag], { reject: false });
        outputs.push([`parse ${f} ${flag.join('')}`, p.stdout + p.stderr]);
      }
    }
    const explain = await execa(process.execPath, [BIN, 'explain', REF, '--config', d.config, '--hosts-dir', state.hostsDir, '--containerd-version', '1.7.24', '--json'], { reject: false });
    expect(explain.exitCode, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('X-Weird-Name');
    outputs.push(['explain --json', explain.stdout + explain.stderr]);
    for (const [what, t] of outputs) expectClean(what, t);
  }, 300_000);
});
