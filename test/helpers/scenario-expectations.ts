/**
 * What the comparison of the three pull paths must say for each lab scenario, on each containerd
 * version. Shared by the unit test on recorded fixtures and the live integration test.
 */
export type LabSeries = '1.6' | '1.7' | '2.1';

export interface PathExpectation {
  /** ctr --hosts-dir used the mirror */
  files: boolean;
  /** CRI used the mirror (null: the CRI plugin is not loaded) */
  cri: boolean | null;
  verdict: RegExp;
}

export function expectedComparison(scenario: string, v: LabSeries, portBase: number): PathExpectation {
  const m = (offset: number) => `127\\.0\\.0\\.1:${portBase + offset}`;
  switch (scenario) {
    case 'mirror-ok':
    case 'url-v2-suffix':
    case 'tls-with-ca':
    case 'host-port-registry':
    case 'default-dir':
    case 'cri-proxy-env':
      return { files: true, cri: true, verdict: /nothing is ignored/ };
    case 'mirror-404':
      return { files: false, cri: false, verdict: new RegExp(`not used even with --hosts-dir: the mirror ${m(2)} answered 404 not-found`) };
    case 'ref-names-mirror':
      return { files: false, cri: false, verdict: new RegExp(`^${m(2)} is itself the mirror this node uses for docker\\.io: a reference that names it is pulled from it directly, with no hosts folder of its own; the pull failed there`) };
    case 'mirror-refused':
      return { files: false, cri: false, verdict: new RegExp(`the mirror ${m(3)} answered connection-refused`) };
    case 'mirror-429':
      return { files: false, cri: false, verdict: new RegExp(`not used even with --hosts-dir: the mirror ${m(21)} answered 429 rate-limited`) };
    case 'mirror-503':
      return { files: false, cri: false, verdict: new RegExp(`not used even with --hosts-dir: the mirror ${m(22)} answered 503 server-error`) };
    case 'mirror-blob-404':
      return { files: true, cri: true, verdict: /the mirror is used by ctr --hosts-dir and by CRI, but the CRI pull failed/ };
    case 'mirror-blob-404-upstream':
      return { files: true, cri: true, verdict: new RegExp(`the mirror is used by ctr --hosts-dir and by CRI, but not for every blob: ${m(23)} answered 404 for sha256:[0-9a-f]{64}, and containerd asked ${m(1)} next`) };
    case 'mirror-web-page':
      return { files: true, cri: true, verdict: /the mirror is used by ctr --hosts-dir and by CRI, but the CRI pull failed/ };
    case 'https-on-http':
      return { files: false, cri: false, verdict: /answered http-response-to-https/ };
    case 'pull-only':
      return { files: false, cri: false, verdict: /no mirror was asked to resolve the tag/ };
    case 'toml-syntax-error':
      return { files: false, cri: false, verdict: /hosts\.toml could not be parsed/ };
    case 'dir-registry-1':
      return { files: false, cri: false, verdict: /no host directory was loaded/ };
    case 'file-host-toml':
      return { files: false, cri: false, verdict: /no mirror was asked to resolve the tag \(no hosts\.toml in it/ };
    case 'tls-no-ca':
      return { files: false, cri: false, verdict: /answered tls-unknown-authority/ };
    case 'token-server-unreachable':
      return { files: false, cri: false, verdict: new RegExp(`the mirror ${m(20)} answered 401 and its token server ${m(3)} failed \\(connection-refused: `) };
    case 'token-server-web-page':
      return { files: false, cri: false, verdict: new RegExp(`the mirror ${m(25)} answered 401 and its token server sent no token \\(unable to decode token response: invalid character '<' looking for beginning of value\\)`) };
    case 'basic-auth':
    case 'token-auth':
      return { files: false, cri: false, verdict: /answered 401 unauthorized/ };
    case 'cri-config-path-unset':
      return {
        files: true,
        cri: false,
        verdict: v === '2.1' ? /CRI does not .*loaded no host directory \(config_path is not set in config\.toml\)/ : /CRI does not .*live configPath is empty: config_path is not set in config\.toml/,
      };
    case 'cri-config-edited-after-start':
      return {
        files: true,
        cri: false,
        verdict:
          v === '2.1'
            ? /CRI does not .*loaded no host directory although config\.toml sets config_path .*started before config\.toml was edited — restart containerd/
            : /CRI does not .*live configPath is empty: config\.toml sets config_path .* but containerd was started before that edit — restart containerd/,
      };
    case 'cri-legacy-mirrors':
      return { files: false, cri: true, verdict: new RegExp(`^CRI \\(as kubelet\\) uses the mirror ${m(1)}; ctr with --hosts-dir does not: no host directory was loaded for this registry`) };
    case 'cri-mirrors-and-config-path':
      return { files: true, cri: null, verdict: /the CRI plugin is not loaded/ };
    default:
      throw new Error(`no expectation for scenario ${scenario}`);
  }
}
