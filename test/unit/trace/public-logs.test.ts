/**
 * Log excerpts posted in public threads (test/fixtures/public-logs/<slug>/input.log, as posted;
 * about.json names the thread and what it says happened). The expectations come from the threads,
 * not from the parser: the pull, its hosts in order, which of them are mirrors, how each ended, and
 * nothing claimed that the lines cannot show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTraceLines } from '../../../src/trace/index.js';
import { renderTraceText } from '../../../src/report/trace-text.js';
import { TraceSummary } from '../../../src/report/trace-summary.js';

const DIR = join(import.meta.dirname, '../../fixtures/public-logs');

interface Expect {
  ref: string | null;
  result: 'success' | 'failure' | 'incomplete';
  kind: 'ctr' | 'daemon-log';
  version: string | null;
  /** [host, mirror, outcome] of each resolve attempt, in order */
  resolves: Array<[string, boolean, string]>;
  /** text the rendering must hold */
  text?: RegExp[];
  /** text it must not hold */
  notText?: RegExp[];
  /** text parse's summary of the pulls must hold */
  summary?: RegExp[];
}

const EXPECT: Record<string, Expect> = {
  // a Cloudflare proxy of Docker Hub as mirror; its token server auth.docker.io times out; info level only
  'cfproxy-62-cri-auth-timeout': {
    ref: 'docker.io/redis:latest',
    result: 'failure',
    kind: 'daemon-log',
    version: null,
    resolves: [['docker.eastcoal.tech', true, 'unauthorized']],
    text: [/its token server auth\.docker\.io: timeout/, /host directory: not in the input/],
    notText: [/no mirror was tried/],
  },
  // a daemon run in a terminal at debug level (full times in INFO[…]); two gcr.io mirrors, the first unreachable
  'containerd-pr5351-mirror-no-route': {
    ref: 'gcr.io/hello-world:latest',
    result: 'incomplete',
    kind: 'daemon-log',
    version: '1.5.0-rc.0-5-g3bbd78b.m',
    resolves: [
      ['172.18.0.7:5000', true, 'no-route'],
      ['172.18.0.30:5010', true, 'other'],
    ],
  },
  // ctr --hosts-dir loads certs.d/docker.io and asks the mirror; the excerpt ends before its answer
  'containerd-6285-ctr-hostsdir-mirror': {
    ref: 'docker.io/bitnami/nginx:1.16',
    result: 'incomplete',
    kind: 'ctr',
    version: '1.5.5-0ubuntu3~20.04.1',
    resolves: [['192.168.0.190:5000', true, 'other']],
    text: [/host directory: \/etc\/containerd\/certs\.d\/docker\.io/],
  },
  // k0s logs containerd's lines inside its own (component=containerd), here behind journald: the mirror
  // answers 404, then the hosts.toml's server https://docker.io fails DNS
  'k0s-5478-wrapped-404-dns': {
    ref: 'nginxinc/nginx-unprivileged:v1.25.1',
    result: 'incomplete',
    kind: 'daemon-log',
    version: null,
    resolves: [
      ['registry.home.lab', true, 'not-found'],
      ['docker.io', false, 'dns-failure'],
    ],
  },
  // one journald line from containerd 1.5/1.6: the second configured host's token request got 403; no image named, so no
  // telling whether that host is a mirror; 1.6 names no token URL
  'containerd-7321-next-host-403': {
    ref: null,
    result: 'incomplete',
    kind: 'daemon-log',
    version: null,
    resolves: [['registry.example2.com', false, 'unauthorized']],
    text: [/1\. resolve +registry\.example2\.com: unauthorized \(its token server: forbidden\)/],
    summary: [/^ {2}hosts: +registry\.example2\.com +asked by 1 pull, served 0\n {13}\(mirror or upstream: the log names no image for their pulls, or only a final error names them, so it cannot tell\)$/m],
    notText: [/upstreams:/],
  },
  // ctr --http-dump --hosts-dir: the first HEAD goes to the gcr.io mirror (?ns=docker.io) and gets 401; the dump is cut there
  'containerd-4379-gcr-mirror-http-dump-401': {
    ref: 'docker.io/calico/node:v3.25.1',
    result: 'incomplete',
    kind: 'ctr',
    version: '1.6.17-d2iq.1',
    resolves: [['gcr.io', true, 'unauthorized']],
  },
  // k3s at info level: CRI's own pull of a pod's sandbox image fails at the embedded "*" mirror (127.0.0.1:6443, ?ns=docker.io)
  // with 500; the RunPodSandbox error is the only line of that pull
  'k3s-10351-sandbox-image-mirror-500': {
    ref: 'docker.io/rancher/mirrored-pause:3.6',
    result: 'failure',
    kind: 'daemon-log',
    version: null,
    resolves: [['127.0.0.1:6443', true, 'server-error']],
    text: [/sandbox image of a pod/, /Verdict: FAILURE — failed at 127\.0\.0\.1:6443 \(mirror\) \(server-error\)/],
  },
  // a k3s debug log: certs.d/docker.io loaded, the SWR mirror asked first; the excerpt ends with that request in flight
  'k3s-11191-rewrite-mirror-swr': {
    ref: 'docker.io/rabbitmqoperator/cluster-operator:2.7.0',
    result: 'incomplete',
    kind: 'daemon-log',
    version: '1.7.22-k3s1',
    resolves: [['swr.cn-east-3.myhuaweicloud.com', true, 'other']],
    text: [/host directory: \/var\/lib\/rancher\/k3s\/agent\/etc\/containerd\/certs\.d\/docker\.io/],
  },
  // k3s's containerd 2.0.2 at debug level, pasted hard-wrapped at 195 columns: the "*" mirror localhost:5000 answers 404
  // (the url= and response.status= fields are on the continuation lines)
  'k3s-11857-wildcard-containerd2-404-wrapped': {
    ref: 'docker.io/rancher/mirrored-pause:3.6',
    result: 'incomplete',
    kind: 'daemon-log',
    version: '2.0.2-k3s2',
    resolves: [['localhost:5000', true, 'not-found']],
    text: [/HEAD http:\/\/localhost:5000\/v2\/rancher\/mirrored-pause\/manifests\/3\.6\?ns=docker\.io/],
  },
  // containerd 1.4.3 on AKS, journald, wrapped at 279 columns: the excerpt starts with Docker Hub's 401 (its request cut
  // off), then the request retried with a token, in flight
  'containerd-4950-dockerhub-401-wrapped': {
    ref: 'docker.io/operator/appconnect-operator:1.2.1-20210118-172556-amd64',
    result: 'incomplete',
    kind: 'daemon-log',
    version: '1.4.3+azure',
    resolves: [
      ['registry-1.docker.io', false, 'unauthorized'],
      ['registry-1.docker.io', false, 'other'],
    ],
    text: [/challenge: Bearer realm="https:\/\/auth\.docker\.io\/token"/],
  },
  // crictl's FATA line alone (containerd 1.3): its final error names the docker.io mirror localhost:1234, refused; 1.3
  // tried the next host only after a 404 (containerd#3850). Nothing tells a mirror here: no ?ns= before 1.5
  'cri-1336-mirror-refused-no-fallback': {
    ref: 'docker.io/library/ubuntu:18.04',
    result: 'failure',
    kind: 'ctr',
    version: null,
    resolves: [['localhost:1234', false, 'connection-refused']],
    text: [/Verdict: FAILURE — failed at localhost:1234 \(connection-refused\), the pull's first error; the input shows no other request/],
    summary: [/^ {2}hosts: +localhost:1234 +asked by 1 pull, served 0$/m],
    notText: [/no mirror was tried/, /upstreams:/],
  },
  // nerdctl's FATA line: it read no CRI config, so it asked reg.xxx.cn itself, whose CA it did not trust
  'nerdctl-278-x509-cri-mirror-ignored': {
    ref: 'reg.xxx.cn/quay.io/coreos/etcd:v3.4.14',
    result: 'failure',
    kind: 'ctr',
    version: null,
    resolves: [['reg.xxx.cn', false, 'tls-unknown-authority']],
  },
  // crictl's FATA line with a full time: the registry's own endpoint (the mirror key lacked the port) had an expired certificate
  'containerd-3800-port-key-mismatch-x509-expired': {
    ref: 'docker.xxx.cn:5000/maxfaith/miop_ui:development',
    result: 'failure',
    kind: 'ctr',
    version: null,
    resolves: [['docker.xxx.cn:5000', false, 'tls-other']],
    text: [/x509: certificate has expired or is not yet valid/],
  },
  // crictl's FATA line (`pulling image: …`) through Dragonfly's local proxy, a hosts.toml mirror: containerd 1.6's first
  // error names the host and its 500 (the proxy could not resolve its own upstream, the reporter's dfdaemon log shows)
  'dragonfly-3582-crictl-first-err-500': {
    ref: 'harbor.nebula.com/base/df/nginx:0911',
    result: 'failure',
    kind: 'ctr',
    version: null,
    resolves: [['127.0.0.1:65001', true, 'server-error']],
    text: [/Verdict: FAILURE — failed at 127\.0\.0\.1:65001 \(mirror\) \(server-error\), the pull's first error; the input shows no other request \(error above\)/, /^ {7}error: 500 Internal Server Error$/m],
  },
  // ctr without --hosts-dir inside a kind node: localhost:5001 asked directly, HTTPS first, refused
  'kind-3857-ctr-localhost-refused': {
    ref: 'localhost:5001/airflow:2.9.3-python-3.11',
    result: 'failure',
    kind: 'ctr',
    version: null,
    resolves: [['localhost:5001', false, 'connection-refused']],
  },
};

describe('log excerpts from public threads', () => {
  for (const [slug, want] of Object.entries(EXPECT)) {
    it(slug, () => {
      const text = readFileSync(join(DIR, slug, 'input.log'), 'utf8');
      const docs = parseTraceLines(text.split('\n'));
      expect(docs).toHaveLength(1);
      const d = docs[0]!;
      expect(d.ref).toBe(want.ref);
      expect(d.result).toBe(want.result);
      expect(d.source.kind).toBe(want.kind);
      expect(d.source.containerdVersion ?? null).toBe(want.version);
      expect(d.attempts.filter((a) => a.kind === 'resolve').map((a) => [a.host, a.mirror, a.outcome])).toEqual(want.resolves);
      const out = renderTraceText(docs);
      for (const re of want.text ?? []) expect(out).toMatch(re);
      const summary = new TraceSummary();
      for (const doc of docs) summary.add(doc);
      const sum = summary.render();
      for (const re of want.summary ?? []) expect(sum).toMatch(re);
      for (const re of want.notText ?? []) expect(out + sum).not.toMatch(re);
    });
  }
});
