/**
 * Finding the daemon's log from its process (/proc/<pid>/fd/2 and 1, its systemd unit) and reading
 * a pull's lines from it: a file followed from its end, or the unit's journal through
 * `journalctl -o json` (a stand-in on PATH prints real daemon lines the way journalctl does, since
 * this machine has no systemd).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeLogSource, fdTarget, locateDaemonLog, logSourceOf } from '../../../src/probe/daemon-log-source.js';
import { journalctlArgs, journalProblem, openDaemonLog } from '../../../src/probe/daemon-log-reader.js';
import { readLogFrom } from '../../../src/probe/log-file.js';
import { execFileSync } from 'node:child_process';
import { unitFromCgroup } from '../../../src/probe/process-environ.js';
import { parseTraceLines } from '../../../src/trace/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'md-daemon-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('unitFromCgroup', () => {
  it.each([
    ['0::/system.slice/containerd.service\n', 'containerd.service'],
    ['12:pids:/system.slice/k3s.service\n1:name=systemd:/system.slice/k3s.service\n0::/\n', 'k3s.service'],
    ['0::/system.slice/snap.microk8s.daemon-containerd.service\n', 'snap.microk8s.daemon-containerd.service'],
    ['0::/system.slice/rke2-agent.service/containerd\n', 'rke2-agent.service'],
    // a container's own cgroup: no unit of the node's
    ['0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-0123.scope\n', null],
    ['0::/\n', null],
    ['', null],
  ])('%j → %s', (text, unit) => expect(unitFromCgroup(text)).toBe(unit));
});

describe('where fd 2 and fd 1 point', () => {
  it.each([
    ['/var/lib/rancher/k3s/agent/containerd/containerd.log', { kind: 'file', path: '/var/lib/rancher/k3s/agent/containerd/containerd.log' }],
    ['socket:[48213]', { kind: 'socket' }],
    ['pipe:[991]', { kind: 'pipe' }],
    ['/dev/null', { kind: 'null' }],
    ['/dev/pts/3', { kind: 'terminal', path: '/dev/pts/3' }],
    ['/var/log/containerd.log (deleted)', { kind: 'deleted', path: '/var/log/containerd.log' }],
    ['anon_inode:[eventpoll]', { kind: 'other', target: 'anon_inode:[eventpoll]' }],
  ])('%s', (link, target) => expect(fdTarget(link)).toEqual(target));

  it('a socket in a unit is the journal; the same socket outside a unit says why there is no log', () => {
    const socket = [{ fd: 2 as const, target: fdTarget('socket:[1]') }];
    expect(logSourceOf(812, socket, 'containerd.service')).toEqual({ kind: 'journal', unit: 'containerd.service', how: expect.stringMatching(/fd 2 of containerd pid 812 is a socket and containerd runs in containerd\.service/) });
    const none = logSourceOf(812, socket, null);
    expect(none.kind).toBe('none');
    expect(none.kind === 'none' && none.collect).toMatch(/--daemon-log FILE/);
  });

  it('stderr wins over stdout; when neither is a log, every reason is given', () => {
    expect(logSourceOf(7, [{ fd: 1, target: fdTarget('/var/log/out.log') }, { fd: 2, target: fdTarget('/var/log/err.log') }], null)).toMatchObject({ kind: 'file', path: '/var/log/err.log' });
    const none = logSourceOf(7, [{ fd: 2, target: fdTarget('/dev/null') }, { fd: 1, target: fdTarget('pipe:[3]') }], null);
    expect(none.kind === 'none' && none.why).toBe('fd 2 of containerd pid 7 is /dev/null: its log is discarded; fd 1 of containerd pid 7 is a pipe: another process keeps its log');
  });
});

describe('locateDaemonLog on a /proc tree', () => {
  const proc = join(tmp, 'proc');
  const log = join(tmp, 'containerd.log');
  beforeAll(() => {
    writeFileSync(log, 'time="2026-12-02T17:48:12.475808343Z" level=info msg="starting containerd"\n');
    for (const [pid, fd2, cgroup] of [
      ['100', log, '0::/system.slice/whatever.slice\n'],
      ['200', 'socket:[48213]', '0::/system.slice/containerd.service\n'],
      ['300', '/dev/null', '0::/\n'],
      ['400', join(tmp, 'gone.log'), '0::/\n'],
    ] as const) {
      mkdirSync(join(proc, pid, 'fd'), { recursive: true });
      symlinkSync(fd2, join(proc, pid, 'fd', '2'));
      symlinkSync('/dev/null', join(proc, pid, 'fd', '1'));
      writeFileSync(join(proc, pid, 'cgroup'), cgroup);
    }
  });

  it('a file on fd 2', () => expect(locateDaemonLog({ pid: 100, procDir: proc })).toEqual({ kind: 'file', path: log, how: 'fd 2 of containerd pid 100' }));
  it('a file on fd 2, described once', () => expect(describeLogSource(locateDaemonLog({ pid: 100, procDir: proc }))).toBe(`${log} (fd 2 of containerd pid 100)`));
  it('a socket in containerd.service: its journal', () => expect(locateDaemonLog({ pid: 200, procDir: proc })).toMatchObject({ kind: 'journal', unit: 'containerd.service' }));
  it('/dev/null: none, and why', () => expect(describeLogSource(locateDaemonLog({ pid: 300, procDir: proc }))).toMatch(/^none: fd 2 of containerd pid 300 is \/dev\/null/));
  it('a file that cannot be read here: none, and what to do', () => expect(locateDaemonLog({ pid: 400, procDir: proc })).toMatchObject({ kind: 'none', why: expect.stringMatching(/cannot be read here \(ENOENT\)/) }));
  it('no process: none, with the journalctl command to collect', () => expect(locateDaemonLog({ pid: null })).toMatchObject({ kind: 'none', collect: expect.stringMatching(/journalctl -u containerd/) }));
  it('--daemon-log wins: a file, standard input, or none', () => {
    expect(locateDaemonLog({ pid: 200, procDir: proc, option: '/var/log/c.log' })).toEqual({ kind: 'file', path: '/var/log/c.log', how: '--daemon-log' });
    expect(locateDaemonLog({ pid: 200, procDir: proc, option: '-' }).kind).toBe('stdin');
    expect(locateDaemonLog({ pid: 200, procDir: proc, option: 'none' }).kind).toBe('none');
  });
});

describe('reading a pull from a file', () => {
  it('only the lines written after the pull started, whole lines only', async () => {
    const f = join(tmp, 'follow.log');
    writeFileSync(f, 'before\n');
    const r = openDaemonLog({ kind: 'file', path: f, how: 'test' }, { startedAt: Date.now() })!;
    appendFileSync(f, 'one\ntwo\npart');
    expect(r.poll()).toEqual(['one', 'two']);
    appendFileSync(f, 'ial\n');
    expect(await r.finish()).toEqual({ lines: ['partial'], problem: null });
    expect(r.lines).toEqual(['one', 'two', 'partial']);
  });

  it('a named pipe put at its name is not read: no line, and no open that waits for a writer', async () => {
    // a blocking open of a FIFO with no writer would never return (this test would time out)
    const f = join(tmp, 'swapped.log');
    writeFileSync(f, 'before\n');
    const r = openDaemonLog({ kind: 'file', path: f, how: 'test' }, { startedAt: Date.now() })!;
    rmSync(f);
    execFileSync('mkfifo', [f]);
    expect(r.poll()).toEqual([]);
    expect(await r.finish()).toEqual({ lines: [], problem: null });
    expect(readLogFrom(f, 0)).toBe('');
  });
});

describe('reading a pull from the journal (journalctl -o json)', () => {
  const bin = join(tmp, 'bin');
  const journal = join(tmp, 'journal.jsonl');
  const calls = join(tmp, 'calls.jsonl');
  // a real CRI pull of containerd 1.7 at info level: the mirror answers 404, the upstream fails
  const lines = readFileSync(join(FIXTURES, 'lab-info/1.7/mirror-404/cri/daemon.log'), 'utf8').split('\n').filter(Boolean);
  const at = (line: string) => Date.parse(/^time="([^"]+)"/.exec(line)![1]!);
  const entry = (line: string, unit: string) => JSON.stringify({ __REALTIME_TIMESTAMP: String(at(line) * 1000), _SYSTEMD_UNIT: unit, SYSLOG_IDENTIFIER: 'containerd', _PID: '812', PRIORITY: '6', MESSAGE: line });
  const saved = { ...process.env };
  beforeAll(() => {
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(import.meta.dirname, '../../helpers/fake-journalctl.mjs'), join(bin, 'journalctl'));
    writeFileSync(journal, [...lines.map((l) => entry(l, 'containerd.service')), entry(lines[0]!.replace('PullImage', 'another unit'), 'kubelet.service')].join('\n') + '\n');
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  const use = (env: Record<string, string>) => {
    process.env = { ...saved, PATH: `${bin}:${saved.PATH}`, FAKE_JOURNAL: journal, FAKE_JOURNAL_CALLS: calls, ...env };
  };

  it("gives the unit's entries of the pull's time, which the parser reads as they are", async () => {
    use({});
    const r = openDaemonLog({ kind: 'journal', unit: 'containerd.service', how: 'test' }, { startedAt: at(lines[0]!) })!;
    expect(r.poll()).toEqual([]);
    const got = await r.finish();
    expect(got.problem).toBeNull();
    expect(got.lines).toHaveLength(lines.length);
    const args = JSON.parse(readFileSync(calls, 'utf8').trim().split('\n').at(-1)!) as string[];
    expect(args.slice(0, -1)).toEqual(journalctlArgs('containerd.service', at(lines[0]!), Date.now()).slice(0, -1));
    const [doc] = parseTraceLines(got.lines);
    expect(doc?.source.formats).toEqual(['journal-json']);
    expect(doc?.attempts.map((a) => [a.host, a.status, a.outcome])).toEqual([
      ['127.0.0.1:5602', 404, 'not-found'],
      ['registry-1.docker.io', null, 'dns-failure'],
    ]);
  });

  it('says why when the journal cannot be read or holds nothing of the pull', async () => {
    use({ FAKE_JOURNAL_STDERR: 'Hint: You are currently not seeing messages from other users and the system.\n      Users in groups adm, systemd-journal can see all messages. No journal files were opened due to insufficient permissions.' });
    const denied = await openDaemonLog({ kind: 'journal', unit: 'containerd.service', how: 'test' }, { startedAt: at(lines[0]!) })!.finish();
    expect(denied.problem).toMatch(/cannot read the journal of containerd\.service as this user/);
    use({});
    const empty = await openDaemonLog({ kind: 'journal', unit: 'containerd.service', how: 'test' }, { startedAt: Date.now() + 3_600_000 })!.finish();
    expect(empty).toEqual({ lines: [], problem: expect.stringMatching(/no line of containerd\.service from the pull's time/) });
  });

  it('journalProblem', () => {
    expect(journalProblem({ exitCode: null, stderr: '', error: 'journalctl: command not found' }, 'x.service')).toBe('journalctl could not run: journalctl: command not found');
    expect(journalProblem({ exitCode: 1, stderr: 'Failed to add filter for units: No data available', error: null }, 'x.service')).toBe('journalctl -u x.service failed (exit 1): Failed to add filter for units: No data available');
    expect(journalProblem({ exitCode: 0, stderr: 'No journal files were found.', error: null }, 'x.service')).toBe('journalctl found no journal: No journal files were found.');
    expect(journalProblem({ exitCode: 0, stderr: '', error: null }, 'x.service')).toBeNull();
  });
});
