/**
 * Where a user can read the containerd behaviour a decision or a check relies on: containerd's
 * source or docs at a release tag, a containerd issue/PR, Kubernetes' docs (for what kubelet does),
 * or this project's docs. Each URL is written once here; decisions and the check registry name a
 * source by its key.
 * Line ranges were checked against the tagged source (2.x at v2.1.9, 1.x at v1.7.24, and the
 * other tag a link names).
 */

export interface UpstreamSource {
  /** Short name for the terminal, e.g. "containerd hosts.go loadHostDir". */
  label: string;
  /** The one link to open: 2.x source at v2.1.9 unless only another version has the behaviour. */
  url: string;
  /** The same code in 1.x (v1.7.24), where the file or the behaviour differs. */
  url1x?: string;
}

/** A source as a decision shows it: the link that fits the containerd version emulated. */
export interface SourceLink {
  label: string;
  url: string;
}

const REPO = 'https://github.com/containerd/containerd';
const V2 = `${REPO}/blob/v2.1.9`;
const V1 = `${REPO}/blob/v1.7.24`;
const HOSTS_2 = `${V2}/core/remotes/docker/config/hosts.go`;
const HOSTS_1 = `${V1}/remotes/docker/config/hosts.go`;
const RESOLVER_2 = `${V2}/core/remotes/docker/resolver.go`;
const RESOLVER_1 = `${V1}/remotes/docker/resolver.go`;
const CRI_PULL_2 = `${V2}/internal/cri/server/images/image_pull.go`;
const CRI_PULL_1 = `${V1}/pkg/cri/server/image_pull.go`;
const CRI_CONFIG_2 = `${V2}/internal/cri/config/config.go`;
const CRI_CONFIG_1 = `${V1}/pkg/cri/config/config.go`;
const SERVER_CONFIG_2 = `${V2}/cmd/containerd/server/config/config.go`;
const SERVER_CONFIG_1 = `${V1}/services/server/config/config.go`;

/** nerdctl's source at the tag its rules were read from. */
const NERDCTL = 'https://github.com/containerd/nerdctl/blob/v2.3.5';

/** containerd's hosts.toml documentation (the same file in v2.1.9 and main). */
export const HOSTS_MD = `${V2}/docs/hosts.md`;

export const SOURCES = {
  // ---- hosts folders and hosts.toml (core/remotes/docker/config)
  configureHostsLoad: { label: 'containerd hosts.go ConfigureHosts: loading host directory', url: `${HOSTS_2}#L77-L92`, url1x: `${HOSTS_1}#L76-L91` },
  defaultHost: { label: 'containerd hosts.go ConfigureHosts: default host', url: `${HOSTS_2}#L94-L135`, url1x: `${HOSTS_1}#L93-L134` },
  httpsFirst: { label: 'containerd hosts.go ConfigureHosts: HTTPS first', url: `${HOSTS_2}#L214-L227`, url1x: `${HOSTS_1}#L249-L262` },
  tlsFiles: { label: 'containerd hosts.go: ca/client/skip_verify', url: `${HOSTS_2}#L241-L288`, url1x: `${HOSTS_1}#L186-L232` },
  hostDirFromRoot: { label: 'containerd hosts.go HostDirFromRoot', url: `${HOSTS_2}#L290-L312`, url1x: `${HOSTS_1}#L276-L298` },
  hostPaths: { label: 'containerd config_unix.go hostPaths', url: `${V2}/core/remotes/docker/config/config_unix.go#L26-L38`, url1x: `${V1}/remotes/docker/config/config_unix.go#L26-L38` },
  hostPathsBefore1617: { label: 'containerd 1.6.16 config_unix.go hostPaths (no _default)', url: `${REPO}/blob/v1.6.16/remotes/docker/config/config_unix.go#L27-L37` },
  loadHostDir: { label: 'containerd hosts.go loadHostDir', url: `${HOSTS_2}#L314-L335`, url1x: `${HOSTS_1}#L300-L321` },
  hostFileKeys: { label: 'containerd hosts.go hostFileConfig', url: `${HOSTS_2}#L337-L377`, url1x: `${HOSTS_1}#L323-L359` },
  parseHostsFile: { label: 'containerd hosts.go parseHostsFile', url: `${HOSTS_2}#L379-L421`, url1x: `${HOSTS_1}#L361-L412` },
  parseHostConfig: { label: 'containerd hosts.go parseHostConfig', url: `${HOSTS_2}#L423-L467`, url1x: `${HOSTS_1}#L414-L458` },
  getSortedHosts: { label: 'containerd hosts.go getSortedHosts', url: `${HOSTS_2}#L547-L582`, url1x: `${HOSTS_1}#L530-L548` },
  hostTree1x: { label: 'containerd 1.7 hosts.go getSortedHosts: invalid `host` tree', url: `${HOSTS_1}#L530-L535` },
  hostTreeFix: { label: 'containerd PR #10028 (a hosts.toml with no host table, fixed in 1.7.32)', url: `${REPO}/pull/10028` },
  loadCertFiles: { label: 'containerd hosts.go loadCertFiles', url: `${HOSTS_2}#L610-L647`, url1x: `${HOSTS_1}#L576-L613` },
  // ---- resolver (core/remotes/docker)
  resolveCapabilities: { label: 'containerd resolver.go Resolve: hosts by capability', url: `${RESOLVER_2}#L245-L272`, url1x: `${RESOLVER_1}#L247-L275` },
  resolveNextHost: { label: 'containerd resolver.go Resolve: next host', url: `${RESOLVER_2}#L287-L338`, url1x: `${RESOLVER_1}#L282-L322` },
  requestPath: { label: 'containerd resolver.go request: path.Join(host path, repository, …)', url: `${RESOLVER_2}#L529-L534`, url1x: `${RESOLVER_1}#L490-L495` },
  fetchRedirect: { label: 'containerd resolver.go request.do: redirects followed, re-authorized per host', url: `${RESOLVER_2}#L625-L633`, url1x: `${RESOLVER_1}#L580-L588` },
  manifestMediaType: { label: 'containerd resolver.go getManifestMediaType: the answer\'s Content-Type is the media type', url: `${RESOLVER_2}#L207-L220`, url1x: `${RESOLVER_1}#L209-L222` },
  unexpectedMediaType: { label: 'containerd image.go Manifest: unexpected media type', url: `${V2}/core/images/image.go#L242`, url1x: `${V1}/images/image.go#L239` },
  fetchFirstError: { label: 'containerd fetcher.go: a blob failing at every host reports the first host\'s error', url: `${V2}/core/remotes/docker/fetcher.go#L301-L326`, url1x: `${V1}/remotes/docker/fetcher.go#L278-L297` },
  nsParameter: { label: 'containerd registry.go isProxy (?ns=)', url: `${V2}/core/remotes/docker/registry.go#L81-L88`, url1x: `${V1}/remotes/docker/registry.go#L79-L86` },
  defaultTransport: { label: 'containerd registry.go DefaultHTTPTransport (proxy from environment)', url: `${V2}/core/remotes/docker/registry.go#L250-L264`, url1x: `${HOSTS_1}#L148-L160` },
  referenceParse: { label: 'containerd reference.go Parse', url: `${V2}/pkg/reference/reference.go#L85-L120`, url1x: `${V1}/reference/reference.go#L85-L120` },
  // ---- ctr and the transfer service
  ctrHostsDir: { label: 'ctr resolver.go --hosts-dir', url: `${V2}/cmd/ctr/commands/resolver.go#L98-L100`, url1x: `${V1}/cmd/ctr/commands/resolver.go#L101-L103` },
  ctrPullTransfer: { label: 'ctr images pull: transfer service', url: `${V2}/cmd/ctr/commands/images/pull.go#L107-L178`, url1x: `${V1}/cmd/ctr/commands/images/pull.go#L77-L141` },
  ctrAddress: { label: 'ctr --address', url: `${V2}/cmd/ctr/app/main.go#L96-L102` },
  ctrNamespace: { label: 'ctr --namespace (default "default")', url: `${V2}/cmd/ctr/app/main.go#L111-L117` },
  transferHostDir: { label: 'containerd transfer registry.go: the daemon opens the hosts dir', url: `${V2}/core/transfer/registry/registry.go#L351-L361` },
  colonListIssue: { label: 'containerd issue #12808 (transfer pulls: config_path list)', url: `${REPO}/issues/12808` },
  // ---- CRI
  criNamespace: { label: 'CRI namespace k8s.io', url: `${V2}/internal/cri/constants/constants.go#L20-L21` },
  criNormalize: { label: 'CRI PullImage: ParseDockerRef', url: `${CRI_PULL_2}#L153`, url1x: `${CRI_PULL_1}#L117` },
  criHostDirFromRoots: { label: 'CRI image_pull.go hostDirFromRoots', url: `${CRI_PULL_2}#L472-L503`, url1x: `${CRI_PULL_1}#L407-L443` },
  criLegacyMirrors: { label: 'CRI image_pull.go registryHosts: mirrors without config_path', url: `${CRI_PULL_2}#L488-L511`, url1x: `${CRI_PULL_1}#L424-L451` },
  criCredentialsByHost: { label: 'CRI image_pull.go: credentials from registry.configs keyed by the host asked', url: `${CRI_PULL_2}#L105-L113`, url1x: `${CRI_PULL_1}#L430-L438` },
  authorizerCredentialsHost: { label: 'containerd authorizer.go AddResponses: credentials asked for the request\'s host', url: `${V2}/core/remotes/docker/authorizer.go#L153-L196`, url1x: `${V1}/remotes/docker/authorizer.go#L144-L187` },
  criLegacyTlsByHost: { label: 'CRI 1.7 image_pull.go registryHosts: TLS from registry.configs keyed by the endpoint host', url: `${CRI_PULL_1}#L452-L468` },
  criRegistryEndpoints: { label: 'CRI image_pull.go registryEndpoints', url: `${CRI_PULL_2}#L601-L634`, url1x: `${CRI_PULL_1}#L533-L566` },
  criDefaultScheme: { label: 'CRI image_pull.go defaultScheme/addDefaultScheme', url: `${CRI_PULL_2}#L580-L599`, url1x: `${CRI_PULL_1}#L512-L531` },
  criDefaultScheme15: { label: 'CRI 1.5 image_pull.go defaultScheme (localhost, 127.0.0.1, ::1)', url: `${REPO}/blob/v1.5.18/pkg/cri/server/image_pull.go#L407-L416` },
  criLegacyHostPath: { label: 'CRI image_pull.go registryHosts: endpoint path and capabilities', url: `${CRI_PULL_2}#L553-L564`, url1x: `${CRI_PULL_1}#L495-L506` },
  criPullMode: { label: 'CRI PullImage: local or transfer', url: `${CRI_PULL_2}#L179-L188` },
  criLocalPullConfigs: { label: 'CRI CheckLocalImagePullConfigs', url: `${CRI_CONFIG_2}#L535-L603` },
  criRegistryValidation: { label: 'CRI registry config validation', url: `${CRI_CONFIG_2}#L483-L520`, url1x: `${CRI_CONFIG_1}#L507-L532` },
  criDefaultConfig: { label: 'CRI default config (no config_path)', url: `${V2}/internal/cri/config/config_unix.go#L30-L45`, url1x: `${V1}/pkg/cri/config/config_unix.go#L28-L114` },
  criDefaultConfigPath22: { label: 'CRI config_path default on Linux (2.2)', url: `${REPO}/blob/v2.2.2/plugins/cri/images/plugin.go#L64-L72` },
  criMigrate: { label: 'CRI config migration to version 3', url: `${V2}/plugins/cri/images/plugin.go#L164-L210` },
  transferConfigPath: { label: 'transfer plugin config_path', url: `${V2}/plugins/transfer/plugin.go#L203-L204`, url1x: `${V1}/plugins/transfer/plugin.go#L146` },
  // ---- containerd's own config.toml
  daemonConfigLoad: { label: 'containerd main.go: config.toml read at start', url: `${V2}/cmd/containerd/command/main.go#L132-L140`, url1x: `${V1}/cmd/containerd/command/main.go#L120-L128` },
  configLoad: { label: 'containerd config.go LoadConfig', url: `${SERVER_CONFIG_2}#L288-L338`, url1x: `${SERVER_CONFIG_1}#L197-L244` },
  configLoadFile: { label: 'containerd config.go loadConfigFile', url: `${SERVER_CONFIG_2}#L341-L387`, url1x: `${SERVER_CONFIG_1}#L247-L260` },
  configNoVersion: { label: 'containerd config.go: a file without version', url: `${SERVER_CONFIG_2}#L311-L315`, url1x: `${SERVER_CONFIG_1}#L180-L194` },
  criRegistryTypes: { label: 'containerd CRI config.go Registry (the fields and their types)', url: `${CRI_CONFIG_2}#L203-L255`, url1x: `${CRI_CONFIG_1}#L195-L257` },
  pluginConfigDecode: { label: "containerd server.go: each plugin's table decoded before it loads", url: `${V2}/cmd/containerd/server/server.go#L255-L300`, url1x: `${V1}/services/server/server.go#L243-L249` },
  configValidate: { label: 'containerd config.go version and disabled_plugins check', url: `${SERVER_CONFIG_2}#L110-L128`, url1x: `${SERVER_CONFIG_1}#L98-L128` },
  configPluginKeys: { label: 'containerd config.go Decode: unknown plugin keys', url: `${SERVER_CONFIG_2}#L255-L285` },
  disabledPlugins: { label: 'containerd config.go V2DisabledFilter', url: `${SERVER_CONFIG_2}#L487-L497` },
  importsReplace1x: { label: 'containerd 1.7 config.go mergeConfig', url: `${SERVER_CONFIG_1}#L299-L323` },
  // ---- nerdctl (its own host-directory search; it never reads containerd's config.toml)
  nerdctlHostsDirs: { label: 'nerdctl defaults_linux.go HostsDirs', url: `${NERDCTL}/pkg/defaults/defaults_linux.go#L116-L128` },
  nerdctlHostDirsFromRoot: { label: 'nerdctl hostsstore.go hostDirsFromRoot', url: `${NERDCTL}/pkg/imgutil/dockerconfigresolver/hostsstore.go#L28-L67` },
  nerdctlHostDir: { label: 'nerdctl dockerconfigresolver.go HostDir', url: `${NERDCTL}/pkg/imgutil/dockerconfigresolver/dockerconfigresolver.go#L89-L108` },
  nerdctlRegistryUrl: { label: 'nerdctl registryurl.go Parse (port 443 added)', url: `${NERDCTL}/pkg/imgutil/dockerconfigresolver/registryurl.go#L28-L55` },
  nerdctlDefaultScheme: { label: 'nerdctl dockerconfigresolver.go DefaultScheme', url: `${NERDCTL}/pkg/imgutil/dockerconfigresolver/dockerconfigresolver.go#L128-L141` },
  nerdctlTransfer: { label: 'nerdctl imgutil.go: transfer service on containerd 2.0+', url: `${NERDCTL}/pkg/imgutil/imgutil.go#L136-L145` },
  nerdctlTransferHostDir: { label: 'nerdctl transfer.go createOCIRegistry', url: `${NERDCTL}/pkg/imgutil/transfer.go#L66-L107` },
  nerdctlInsecure: { label: 'nerdctl imgutil.go --insecure-registry retry', url: `${NERDCTL}/pkg/imgutil/imgutil.go#L149-L177` },
  // ---- containerd's docs
  hostsMdCri: { label: 'containerd docs/hosts.md: CRI', url: `${HOSTS_MD}#cri` },
  // ---- distributions' docs
  k3sRegistriesYaml: { label: 'k3s docs: private registry configuration (registries.yaml)', url: 'https://docs.k3s.io/installation/private-registry' },
  // ---- Kubernetes' docs
  kubeletPullPolicy: { label: 'Kubernetes docs: image pull policy (kubelet pulls only as it says)', url: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy' },
  // ---- this project's docs
  readmeCheck: { label: 'mirror-doctor README: check', url: 'README.md#check-ref--why-is-my-mirror-ignored' },
  readmeExplain: { label: 'mirror-doctor README: explain', url: 'README.md#explain-ref--emulate-containerd-no-network' },
  readmeTrace: { label: 'mirror-doctor README: trace', url: 'README.md#trace-ref--real-pulls-compared' },
} as const satisfies Record<string, UpstreamSource>;

export type SourceKey = keyof typeof SOURCES;

/** The source behind `key`, with the 1.x link when the emulated containerd is 1.x and one exists. */
export function sourceLink(key: SourceKey, major: number): SourceLink {
  const s: UpstreamSource = SOURCES[key];
  return { label: s.label, url: major === 1 && s.url1x ? s.url1x : s.url };
}
