import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readProcessConnections, sampleDaemonConnections } from '../../../src/probe/daemon-connections.js';
import { parseFdListing } from '../../../src/probe/proc-net-tcp.js';

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/proc/${p}`, import.meta.url), 'utf8');
const PID = 7718;

// A /proc of one process made of the real capture of containerd 1.7 after a CRI pull: its fd
// links (readlink returns a symlink's target text) and its network namespace's TCP tables.
let proc: string;
const fdDir = () => join(proc, String(PID), 'fd');
const tcpFile = () => join(proc, String(PID), 'net', 'tcp');

beforeEach(() => {
  proc = mkdtempSync(join(tmpdir(), 'md-fake-proc-'));
  mkdirSync(fdDir(), { recursive: true });
  mkdirSync(join(proc, String(PID), 'net'));
  for (const l of parseFdListing(fixture('containerd-1.7-after-cri-pull/fd-ls.txt'))) symlinkSync(l.target, join(fdDir(), String(l.fd)));
  writeFileSync(tcpFile(), fixture('containerd-1.7-after-cri-pull/tcp.txt'));
  writeFileSync(join(proc, String(PID), 'net', 'tcp6'), fixture('containerd-1.7-after-cri-pull/tcp6.txt'));
});
afterEach(() => rmSync(proc, { recursive: true, force: true }));

/** Sampling options whose `after(n)` resolves once n more samples were taken (a busy machine delays timers). */
function counted(signal: AbortSignal) {
  let count = 0;
  const waiters: { at: number; resolve: () => void }[] = [];
  return {
    options: {
      intervalMs: 5,
      signal,
      procDir: proc,
      onSample: (n: number) => {
        count = n;
        for (const w of waiters.filter((w) => w.at <= n)) w.resolve();
      },
    },
    after: (n: number) => new Promise<void>((resolve) => waiters.push({ at: count + n, resolve })),
  };
}

/** A row of the captured table for a new socket: the daemon's first mirror connection with another inode and port. */
function newMirrorRow(inode: number, localPortHex: string): string {
  const row = fixture('containerd-1.7-after-cri-pull/tcp.txt').split('\n').find((l) => / 183049 /.test(l))!;
  return row.replace(' 183049 ', ` ${inode} `).replace(/0100007F:[0-9A-F]{4} 0100007F:15E1/, `0100007F:${localPortHex} 0100007F:15E1`);
}

describe('readProcessConnections', () => {
  it('the daemon\'s sockets from its fds and its namespace\'s tables', () => {
    const conns = readProcessConnections(PID, proc);
    expect(conns.filter((c) => c.remote.port === 5601).map((c) => c.fd).sort((a, b) => a - b)).toEqual([18, 20]);
    expect(conns).toHaveLength(8);
  });
});

describe('sampleDaemonConnections', () => {
  const synSent = (row: string) => row.replace(/(0100007F:15E1) 01 /, '$1 02 ');

  it('a dial still in SYN_SENT after stallMs is reported once, with its endpoint', async () => {
    const ac = new AbortController();
    const stalled: string[] = [];
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, { ...c.options, stallMs: 30, onStalledDial: (e) => stalled.push(e) });
    await c.after(2);
    writeFileSync(tcpFile(), `${fixture('containerd-1.7-after-cri-pull/tcp.txt')}${synSent(newMirrorRow(999010, 'A010'))}\n`);
    symlinkSync('socket:[999010]', join(fdDir(), '42'));
    await sleep(400);
    await c.after(2);
    ac.abort();
    await run;
    expect(stalled).toEqual(['127.0.0.1:5601']);
  });

  it("a dial already in SYN_SENT at the first sample is an earlier pull's (Go finishes a cancelled dial in the background): not reported", async () => {
    writeFileSync(tcpFile(), `${fixture('containerd-1.7-after-cri-pull/tcp.txt')}${synSent(newMirrorRow(999012, 'A012'))}\n`);
    symlinkSync('socket:[999012]', join(fdDir(), '44'));
    const ac = new AbortController();
    const stalled: string[] = [];
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, { ...c.options, stallMs: 30, onStalledDial: (e) => stalled.push(e) });
    await sleep(400);
    await c.after(2);
    ac.abort();
    const s = await run;
    expect(s.connections.find((x) => x.inode === 999012)).toMatchObject({ presentAtStart: true, states: ['SYN_SENT'] });
    expect(stalled).toEqual([]);
  });

  it('a dial that completes within stallMs is not reported (the table is read again before saying so)', async () => {
    const ac = new AbortController();
    const stalled: string[] = [];
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, { ...c.options, stallMs: 30, onStalledDial: (e) => stalled.push(e) });
    await c.after(2);
    writeFileSync(tcpFile(), `${fixture('containerd-1.7-after-cri-pull/tcp.txt')}${synSent(newMirrorRow(999011, 'A011'))}\n`);
    symlinkSync('socket:[999011]', join(fdDir(), '43'));
    await c.after(1);
    writeFileSync(tcpFile(), `${fixture('containerd-1.7-after-cri-pull/tcp.txt')}${newMirrorRow(999011, 'A011')}\n`);
    await sleep(400);
    await c.after(2);
    ac.abort();
    const s = await run;
    expect(stalled).toEqual([]);
    expect(s.connections.find((x) => x.inode === 999011)?.states).toEqual(['ESTABLISHED', 'SYN_SENT']);
  });

  it('names the endpoints, leaves out the listener, marks what was there at the start', async () => {
    const ac = new AbortController();
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, c.options);
    await c.after(4);
    ac.abort();
    const s = await run;
    expect(s.endpoints.map((e) => [e.endpoint, e.connections, e.states, e.presentAtStart])).toEqual([
      ['127.0.0.1:5601', 2, ['ESTABLISHED'], true],
      ['127.0.0.1:5605', 5, ['ESTABLISHED'], true],
    ]);
    expect(s.connections).toHaveLength(7);
    expect(s.samples).toBeGreaterThan(2);
    // nothing new appeared: the tables were read at the start, once more for the daemon's unix
    // sockets (in no TCP table: a second try before they are taken for another kind), and at the end
    expect(s.tableReads).toBe(3);
    expect(s.stoppedEarly).toBeUndefined();
  });

  it('a socket that opens while sampling: a new connection, found with one more table read', async () => {
    const ac = new AbortController();
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, c.options);
    await c.after(3);
    writeFileSync(tcpFile(), `${fixture('containerd-1.7-after-cri-pull/tcp.txt')}${newMirrorRow(999001, 'A000')}\n`);
    symlinkSync('socket:[999001]', join(fdDir(), '40'));
    await c.after(2);
    rmSync(join(fdDir(), '40'));
    await c.after(2);
    await sleep(20);
    ac.abort();
    const s = await run;
    const fresh = s.connections.filter((c) => !c.presentAtStart);
    expect(fresh.map((c) => [c.endpoint, c.inode, c.localPort])).toEqual([['127.0.0.1:5601', 999001, 0xa000]]);
    expect(fresh[0]!.lastSeen).toBeGreaterThanOrEqual(fresh[0]!.firstSeen);
    // closed before the end: its last sighting is well before the sampling ended
    expect(s.endedAt - fresh[0]!.lastSeen).toBeGreaterThanOrEqual(20);
    expect(s.endpoints.find((e) => e.endpoint === '127.0.0.1:5601')?.connections).toBe(3);
    expect(s.tableReads).toBe(4);
  });

  it('a new socket that is in no TCP table (unix, UDP) stops causing table reads after two', async () => {
    const ac = new AbortController();
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, c.options);
    await c.after(3);
    symlinkSync('socket:[999002]', join(fdDir(), '41'));
    await c.after(4);
    ac.abort();
    const s = await run;
    expect(s.tableReads).toBe(5); // the three of a quiet run, and two tries for the new inode
    expect(s.connections).toHaveLength(7);
  });

  it('stops early, keeping what it saw, when the process goes away', async () => {
    const ac = new AbortController();
    const c = counted(ac.signal);
    const run = sampleDaemonConnections(PID, c.options);
    await c.after(2);
    rmSync(join(proc, String(PID)), { recursive: true, force: true });
    const s = await run;
    expect(s.stoppedEarly).toBe(`process ${PID} exited`);
    expect(s.endpoints).toHaveLength(2);
    ac.abort();
  });

  it('fails at once, clearly, for a process it cannot read', async () => {
    const ac = new AbortController();
    await expect(sampleDaemonConnections(424242, { signal: ac.signal, procDir: proc })).rejects.toThrow(`cannot read the sockets of process 424242 in ${proc}: no such process`);
  });
});
