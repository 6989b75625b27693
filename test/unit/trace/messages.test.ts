/**
 * The message vocabulary: the fast tests (`isResolverMsg`, `interesting`) accept exactly the
 * messages and message starts listed, and `mayStartMessage`, which reads a message's first
 * characters where it is written, never rejects one of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXACT_MESSAGES, interesting, isResolverMsg, mayStartMessage, MESSAGE_PREFIXES, SANDBOX_FAILED_END, SANDBOX_FAILED_START } from '../../../src/trace/messages.js';
import { scanLine } from '../../../src/trace/line.js';
import { rng } from '../../helpers/rng.js';

const LAB = join(import.meta.dirname, '../../fixtures/lab');

function fixtureMessages(): string[] {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(log|txt)$/.test(e)) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          const l = scanLine(line);
          if (l.kind === 'log') out.add(l.msg);
        }
      }
    }
  };
  walk(LAB);
  return [...out];
}

describe('message vocabulary', () => {
  it('isResolverMsg accepts the listed messages and no longer or shorter text', () => {
    for (const m of EXACT_MESSAGES) {
      expect(isResolverMsg(m), m).toBe(true);
      expect(isResolverMsg(`${m} `), m).toBe(false);
      expect(isResolverMsg(m.slice(0, -1)), m).toBe(false);
    }
  });

  it('interesting accepts exactly the listed messages and whatever starts with a listed start', () => {
    const r = rng(3);
    const sandbox = `${SANDBOX_FAILED_START}&PodSandboxMetadata{Name:web-0,Namespace:default,Attempt:0,}${SANDBOX_FAILED_END}`;
    const msgs = [...fixtureMessages(), ...EXACT_MESSAGES, ...MESSAGE_PREFIXES.map((p) => `${p}x y`), ...MESSAGE_PREFIXES.map((p) => p.slice(0, -1)), sandbox, `${sandbox}x`, SANDBOX_FAILED_START + SANDBOX_FAILED_END];
    // and random cuts of them
    for (let i = 0; i < 2000; i++) {
      const m = msgs[Math.floor(r() * msgs.length)] as string;
      msgs.push(m.slice(0, Math.floor(r() * (m.length + 1))));
    }
    expect(msgs.length).toBeGreaterThan(2500);
    for (const m of msgs) {
      const sandboxFailed = m.startsWith(SANDBOX_FAILED_START) && m.endsWith(SANDBOX_FAILED_END) && m.length >= SANDBOX_FAILED_START.length + SANDBOX_FAILED_END.length;
      const listed = EXACT_MESSAGES.includes(m) || MESSAGE_PREFIXES.some((p) => m.startsWith(p)) || sandboxFailed;
      expect(interesting(m), JSON.stringify(m)).toBe(listed);
    }
  });

  it('mayStartMessage is true wherever interesting is, also in the middle of a text (but for a sandbox failure: the filters keep it by its level)', () => {
    for (const m of [...fixtureMessages(), ...EXACT_MESSAGES, ...MESSAGE_PREFIXES]) {
      if (!interesting(m) || m.startsWith(SANDBOX_FAILED_START)) continue;
      expect(mayStartMessage(m, 0), m).toBe(true);
      const line = `time="x" msg="${m}" y=1`;
      expect(mayStartMessage(line, line.indexOf(m)), m).toBe(true);
    }
  });

  it("mayStartMessage rejects what a node logs about its pods and containers", () => {
    const busy = ['RunPodSandbox for &PodSandboxMetadata', 'StartContainer for \\"abc\\"', 'Stop container', 'StopPodSandbox for', 'shim disconnected', 'starting signal loop', 'cleaning up after shim disconnected', 'loading plugin \\"io.containerd.event.v1.publisher\\"...', 'received exit event', 'ImageUpdate event', 'CreateContainer within sandbox', 'Container to stop', 'ExecSync for', 'TearDown network for sandbox', ''];
    for (const m of busy) expect(mayStartMessage(m, 0), m).toBe(false);
  });
});
