/**
 * The stable JSON form of an explain result (`schema: "mirror-doctor.explain/v2"`), documented
 * in docs/explain-json.md. Field order and names are part of the contract.
 */
import type { Decision } from './decision.js';
import { EXPLAIN_SCHEMA, type ExplainResult } from './explain.js';
import type { ClientPlan } from './plan.js';
import { sourceLink } from './upstream-source.js';

/** `major` picks the 1.x link of a source when the emulated containerd is 1.x. */
function decisionJson(d: Decision, major: number) {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    at: d.at ?? null,
    containerdError: d.containerdError ?? null,
    containerdLog: d.containerdLog ?? null,
    source: sourceLink(d.source, major),
  };
}

function planJson(p: ClientPlan, major: number) {
  return {
    client: p.client,
    title: p.title,
    mode: p.mode,
    status: p.status,
    error: p.error ?? null,
    reference: p.reference
      ? {
          name: p.reference.name,
          normalizedFrom: p.normalizedFrom ?? null,
          host: p.reference.hostname,
          repository: p.reference.repository,
          object: p.reference.object,
          tag: p.reference.tag ?? null,
          digest: p.reference.digest ?? null,
        }
      : null,
    hostRoots: p.hostRoots,
    hostDirLookup: p.lookup
      ? {
          candidates: p.lookup.candidates.map((c) => ({ root: c.root, path: c.path, form: c.form, state: c.state })),
          dir: p.lookup.dir ?? null,
          error: p.lookup.error ?? null,
        }
      : null,
    hostDir: p.hostDir
      ? { dir: p.hostDir.dir, source: p.hostDir.source, discarded: p.hostDir.discarded, error: p.hostDir.error ?? null }
      : null,
    endpoints: p.endpoints.map((e) => ({
      index: e.index,
      kind: e.kind,
      written: e.written,
      scheme: e.scheme,
      host: e.host,
      path: e.path,
      capabilities: e.capabilities,
      httpFallback: e.httpFallback,
      tls: {
        caCerts: e.tls.caCerts,
        clientPairs: e.tls.clientPairs,
        skipVerify: e.tls.skipVerify ?? null,
        explicit: e.tls.explicit,
      },
      header: e.header,
      dialTimeout: e.dialTimeout,
      usable: e.usable,
      problem: e.problem ?? null,
      at: e.at ?? null,
    })),
    resolve: p.resolve
      ? { purpose: p.resolve.purpose, needs: p.resolve.needs, attempts: p.resolve.attempts.map((a) => ({ endpoint: a.endpoint, method: a.method, url: a.url, fallbackUrl: a.fallbackUrl ?? null })), skipped: p.resolve.skipped, noHostsError: p.resolve.noHostsError ?? null }
      : null,
    fetch: p.fetch
      ? { purpose: p.fetch.purpose, needs: p.fetch.needs, attempts: p.fetch.attempts.map((a) => ({ endpoint: a.endpoint, method: a.method, url: a.url, fallbackUrl: a.fallbackUrl ?? null })), noHostsError: p.fetch.noHostsError ?? null }
      : null,
    decisions: p.decisions.map((d) => decisionJson(d, major)),
  };
}

export function explainJson(r: ExplainResult) {
  const v = r.profile.version;
  return {
    schema: EXPLAIN_SCHEMA,
    reference: r.ref,
    containerd: {
      version: `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`,
      source: r.profileSource,
      assumption: r.profile.assumption ?? null,
    },
    root: r.root,
    config: {
      file: r.config.file,
      found: r.config.found,
      files: r.config.files,
      version: r.config.version,
      versionWritten: r.config.versionWritten ?? null,
      startupError: r.config.startupError ?? null,
      cri: {
        loads: r.config.cri.loads,
        notLoadedReason: r.config.cri.notLoadedReason ?? null,
        configPath: r.config.cri.configPath,
        configPathSource: r.config.cri.configPathSource,
        table: r.config.cri.table ?? null,
        pullMode: r.config.cri.pullMode,
        pullModeReason: r.config.cri.pullModeReason,
        mirrors: r.config.cri.mirrors,
      },
    },
    decisions: r.decisions.map((d) => decisionJson(d, v.major)),
    plans: r.plans.map((p) => planJson(p, v.major)),
  };
}

export type ExplainJson = ReturnType<typeof explainJson>;
