/**
 * "Hosts this node must reach" over the recorded redirect pulls (test/fixtures/lab-redirects; the
 * mirror 127.0.0.1:2001x redirects every blob to 127.0.0.1:2001(x+4)): the registries and mirrors
 * the pulls asked and the redirect targets, in the check's JSON, text and Markdown outputs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { mustReach } from '../../../src/report/must-reach.js';
import { renderReportJson } from '../../../src/report/report-json.js';
import { renderReportMarkdown } from '../../../src/report/report-markdown.js';
import { renderReportText } from '../../../src/report/report-text.js';
import { FIXTURES, factsFromFixture, labTraceRun, redirectTraceRun } from '../../helpers/facts-fixture.js';

describe('mustReach', () => {
  it('a served redirect: the mirror, the upstream it never needed, and the target with the mirror that sent the node there', () => {
    // 1.7 local: the mirror served everything (the upstream is not asked); CRI at debug shows no redirect
    expect(mustReach(redirectTraceRun('1.7', 'redirect-served'))).toEqual([
      { host: '127.0.0.1:20010', role: 'mirror', via: [], seen: 'ok', paths: ['ctr-hosts-dir', 'cri'] },
      { host: '127.0.0.1:20014', role: 'redirect-target', via: ['127.0.0.1:20010'], seen: 'ok', paths: ['ctr-hosts-dir'] },
    ]);
  });

  it('a refused redirect: the target with its failure; the upstream the blob then failed at too', () => {
    const hosts = mustReach(redirectTraceRun('1.7', 'redirect-refused'));
    expect(hosts.find((h) => h.host === '127.0.0.1:20015')).toEqual({ host: '127.0.0.1:20015', role: 'redirect-target', via: ['127.0.0.1:20011'], seen: 'connection-refused', paths: ['ctr-hosts-dir', 'cri'] });
    expect(hosts.find((h) => h.host === '127.0.0.1:20011')).toMatchObject({ role: 'mirror', seen: 'ok' });
    expect(hosts.find((h) => h.host === 'registry-1.docker.io')).toMatchObject({ role: 'registry', via: [] });
  });

  it('a stalled target: no answer', () => {
    const t = mustReach(redirectTraceRun('1.6', 'redirect-stalled')).find((h) => h.role === 'redirect-target');
    expect(t).toEqual({ host: '127.0.0.1:20016', role: 'redirect-target', via: ['127.0.0.1:20012'], seen: 'no answer', paths: ['ctr-hosts-dir'] });
  });

  it.each(['1.6', '1.7', '2.1'])('%s: the token server a mirror sent containerd to (token-auth, from ctr\'s dump; the daemon logs no token request)', (v) => {
    const hosts = mustReach(labTraceRun(v, 'token-auth'));
    expect(hosts.find((h) => h.role === 'token-server')).toEqual({ host: '127.0.0.1:5119', role: 'token-server', via: ['127.0.0.1:5118'], seen: 'ok', paths: ['ctr-hosts-dir'] });
    expect(hosts.find((h) => h.host === '127.0.0.1:5118')).toMatchObject({ role: 'mirror', seen: 'unauthorized' });
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a token server that refused, from ctr\'s dump and from the CRI pull\'s error alone', (v) => {
    expect(mustReach(labTraceRun(v, 'token-server-unreachable')).find((h) => h.role === 'token-server')).toEqual({
      host: '127.0.0.1:5103',
      role: 'token-server',
      via: ['127.0.0.1:5120'],
      seen: 'connection-refused',
      paths: ['ctr-hosts-dir', 'cri'],
    });
  });

  it.each(['1.6', '1.7', '2.1'])('%s: a token server that answered with a web page: reached, without a token', (v) => {
    expect(mustReach(labTraceRun(v, 'token-server-web-page')).find((h) => h.role === 'token-server')).toEqual({
      host: '127.0.0.1:5124',
      role: 'token-server',
      via: ['127.0.0.1:5125'],
      seen: 'answered without a token',
      paths: ['ctr-hosts-dir'],
    });
  });

  it('no pulls: empty', () => {
    expect(mustReach(null)).toEqual([]);
  });
});

describe('in the check report', async () => {
  const facts = await factsFromFixture(join(FIXTURES, 'checks', 'redirect-target-failed'));
  const input = { facts, outcome: runChecks(facts) };

  it('JSON: traces.mustReach', () => {
    const doc = JSON.parse(renderReportJson(input)) as { traces: { mustReach: { host: string; role: string; via: string[]; seen: string }[] } };
    expect(doc.traces.mustReach.map((h) => [h.host, h.role, h.via.join(','), h.seen])).toEqual([
      ['127.0.0.1:20011', 'mirror', '', 'ok'],
      ['registry-1.docker.io', 'registry', '', 'dns-failure'],
      ['127.0.0.1:20015', 'redirect-target', '127.0.0.1:20011', 'connection-refused'],
    ]);
  });

  it('text: one line per host', () => {
    const text = renderReportText(input);
    const at = text.indexOf('hosts this node must reach for docker.io/library/mirror-doctor-demo:1.0:\n');
    expect(at).toBeGreaterThan(0);
    expect(text.slice(at).split('\n').slice(1, 4)).toEqual([
      '  127.0.0.1:20011       mirror: ok  [ctr --hosts-dir, CRI (as kubelet)]',
      '  registry-1.docker.io  registry: dns-failure  [ctr --hosts-dir, CRI (as kubelet)]',
      '  127.0.0.1:20015       redirect target (from 127.0.0.1:20011): connection-refused  [ctr --hosts-dir, CRI (as kubelet)]',
    ]);
  });

  it('Markdown: a table', () => {
    const md = renderReportMarkdown(input);
    expect(md).toContain('### Hosts this node must reach');
    expect(md).toContain('| `127.0.0.1:20015` | redirect target (from 127.0.0.1:20011) | connection-refused | ctr --hosts-dir, CRI (as kubelet) |');
    expect(md).toContain('| `127.0.0.1:20011` | mirror | ok | ctr --hosts-dir, CRI (as kubelet) |');
  });
});
