/** "Run it as root" repeats the user's own command line, quoted for a shell. */
import { describe, expect, it } from 'vitest';
import { sudoAgain } from '../../../src/checks/run-as-root.js';
import { runChecks } from '../../../src/checks/run.js';
import { labFacts } from '../../helpers/facts-fixture.js';

describe('sudoAgain', () => {
  it.each([
    [['check', '--address', '/run/k3s/containerd/containerd.sock', 'nginx:1.27'], 'sudo mirror-doctor check --address /run/k3s/containerd/containerd.sock nginx:1.27'],
    [['check', '--report', 'my report.md', '--ignore', "it's"], `sudo mirror-doctor check --report 'my report.md' --ignore 'it'\\''s'`],
    [['tui'], 'sudo mirror-doctor tui'],
  ])('%j', (command, want) => {
    expect(sudoAgain({ command })).toBe(want);
  });

  it('without the command line (facts from elsewhere): plain check', () => {
    expect(sudoAgain({})).toBe('sudo mirror-doctor check');
  });

  it("daemon-permission-denied's fix is the user's command with sudo", async () => {
    const facts = await labFacts('1.7', 'mirror-ok', { offline: true });
    const denied = { ...facts, offline: false, trace: null, command: ['check', '--address', '/run/a b.sock'], daemon: { ...facts.daemon, reachable: false, error: 'dial unix /run/a b.sock: connect: permission denied' } };
    const f = (await runChecks(denied)).findings.find((x) => x.id === 'daemon-permission-denied');
    expect(f?.fix).toEqual(["sudo mirror-doctor check --address '/run/a b.sock'"]);
  });
});
