/**
 * The lab's redirecting mirrors: their ports, the scenarios' hosts.toml, and the server itself
 * (started as the lab starts it, on ports of this test): a blob GET is a 307 to the target with a
 * presigned-style query, the 403 target answers like object storage, the stalled one never answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPorts } from '../../../src/lab/layout.js';
import { PRESIGNED_QUERY, redirectMirrorConfig, startRedirectMirror } from '../../../src/lab/redirect-mirror.js';
import { REDIRECT_SCENARIOS, findScenario } from '../../../src/lab/scenarios.js';
import { stopProcess, type LabProcess } from '../../../src/lab/processes.js';
import { httpCall } from '../../../src/lab/http-client.js';

const BLOB = '/v2/library/x/blobs/sha256:26fa2672726c0b205b7c09c54184b8815868151bf56ae85d946a2ea720d116c9';

describe('ports and scenarios', () => {
  it('every lab port is distinct', () => {
    const p = labPorts(5100);
    const all = [p.mirror, p.empty, p.refused, p.tls, p.auth, p.blackhole, p.deadProxy, ...Object.values(p.redirect.mirrors), p.redirect.servedTarget, p.redirect.refusedTarget, p.redirect.stalledTarget, p.redirect.forbiddenTarget];
    expect(new Set(all).size).toBe(all.length);
  });

  it('each redirect scenario sends docker.io to its own redirecting mirror', () => {
    const ports = labPorts(5100);
    expect(REDIRECT_SCENARIOS.map((s) => s.name)).toEqual(['redirect-served', 'redirect-refused', 'redirect-stalled', 'redirect-forbidden']);
    for (const [t, port] of Object.entries(ports.redirect.mirrors)) {
      const s = findScenario(`redirect-${t}`)!;
      expect(s.hostFiles({ ports, caPem: '' })['docker.io/hosts.toml']).toContain(`[host."http://127.0.0.1:${port}"]`);
    }
    expect(findScenario('redirect-stalled')!.hangsForMs).toBeGreaterThan(0);
  });
});

describe('the server', () => {
  // ports of this test only (the shift keeps parallel checkouts apart)
  const base = 24000 + (Number(process.env.MIRROR_DOCTOR_TEST_PORT_SHIFT ?? 0) || 0) + (process.pid % 50) * 20;
  const ports = labPorts(base);
  const dir = mkdtempSync(join(tmpdir(), 'md-redirect-mirror-'));
  let proc: LabProcess;
  beforeAll(async () => {
    proc = await startRedirectMirror(dir, redirectMirrorConfig(ports));
  });
  afterAll(async () => {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a blob GET with a 307 to its target, carrying a presigned-style query', async () => {
    const r = await httpCall(`http://127.0.0.1:${ports.redirect.mirrors.refused}${BLOB}?ns=docker.io`);
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe(`http://127.0.0.1:${ports.redirect.refusedTarget}${BLOB}?${PRESIGNED_QUERY}`);
  });

  it('the 403 target answers like object storage for an expired URL', async () => {
    const r = await httpCall(`http://127.0.0.1:${ports.redirect.forbiddenTarget}${BLOB}?${PRESIGNED_QUERY}`);
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });

  it('the stalled target accepts and never answers', async () => {
    await expect(httpCall(`http://127.0.0.1:${ports.redirect.stalledTarget}${BLOB}`, { timeoutMs: 500 })).rejects.toThrow(/timeout after 500 ms/);
  });

  it('nothing listens on the refused target', async () => {
    await expect(httpCall(`http://127.0.0.1:${ports.redirect.refusedTarget}${BLOB}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
