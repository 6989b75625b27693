/**
 * containerd version → behaviour profile.
 *
 * Every feature gate below follows containerd's source at its release tags; the file or function named
 * next to a gate is where (1.x `remotes/…`, `pkg/cri/…`, `services/server/…`; 2.x `core/remotes/…`,
 * `internal/cri/…`, `cmd/containerd/server/…`). A gate is a plain field so a plan can say *why* it
 * behaved as it did ("_default needs 1.6.17+").
 */
import { BugError } from '../errors.js';
import { readVersionSuffix } from './version-suffix.js';

export interface ContainerdVersion {
  major: number;
  minor: number;
  patch: number;
  /** Upstream pre-release only: `rc.1` for `2.0.0-rc.1`, empty for a release or a distribution build. */
  prerelease: string;
  /** The text the version was read from. */
  raw: string;
  /** True when the input had no patch number (`2.2`), which was then taken as `.0`. */
  patchAssumed: boolean;
  /** What followed the upstream version (`-k3s2`, `~ds1-1+deb12u3`, `+unknown`, `-12-gabc1234`), empty for an upstream tag. */
  build: string;
  /** How a non-upstream string maps to the upstream version (see version-suffix.ts). */
  buildNote?: string;
  /** False when that mapping is approximate (development builds, unknown suffixes): then it is an assumption. */
  buildExact: boolean;
}

export type LocalhostRule =
  /** 1.5.x, 1.6.0–1.6.8: localhost is like any host (https). */
  | 'none'
  /** 1.6.9–1.6.24, 1.7.0–1.7.7: http + skip_verify for any localhost port. */
  | 'http-any-port'
  /** 1.6.25+, 1.7.8+, 2.x: port ""/443 → https, else http; skip_verify unless port 80. */
  | 'port-rule';

export type HttpsFirstRule =
  /** before 1.6.25 / 1.7.7: an http host stays plain http. */
  | 'none'
  /** 1.7.7: fallback without any port check, no log line. */
  | 'any-port'
  /** 1.6.25–1.6.39, 1.7.8–1.7.23: needs a port that is not 80 (`http://mirror` stays http). */
  | 'port-required-not-80'
  /** 1.7.24+, 2.x: every port except 80 (no port counts). */
  | 'not-port-80';

export type PullMode = 'local' | 'transfer';

export type ConfigVersion3Handling =
  /** 1.x before 1.6.32 / 1.7.17: `version = 3` read, treated like 2, no error. */
  | 'ignored'
  /** 1.6.32+, 1.7.17+: `unsupported config version \`3\``, containerd does not start. */
  | 'fatal'
  /** 2.x: the native version. */
  | 'native';

export interface BehaviourProfile {
  version: ContainerdVersion;
  /** Human label, `containerd 1.7.24`. */
  label: string;
  /** Set when the version was not given or not exact: what we assumed and why. */
  assumption?: string;
  /** Set for a distribution's build of an upstream release (`v1.7.11-k3s2`): which upstream version it follows. */
  buildNote?: string;
  /** `_default` host directory (1.6.17+, 1.7.0+; config_unix.go hostPaths). */
  defaultHostDir: boolean;
  /** Localhost rules for the implicit upstream (hosts.go ConfigureHosts). */
  localhost: LocalhostRule;
  /** http host with TLS options → HTTPS first (hosts.go ConfigureHosts, resolver.go NewHTTPFallback). */
  httpsFirst: HttpsFirstRule;
  /** The INFO line `host will try HTTPS first…` is printed (1.6.25+, 1.7.8+, 2.x; hosts.go ConfigureHosts). */
  httpsFirstLogLine: boolean;
  /**
   * A hosts.toml with no `[host]` table fails with "invalid `host` tree" (1.5–1.6.x, 1.7.0–1.7.31;
   * fixed in 1.7.32 by containerd/containerd#10028).
   */
  requiresHostTable: boolean;
  /** hosts.toml parser generation (go.mod, hosts.go getSortedHosts): go-toml v1 in 1.x, v2 in 2.x. */
  hostsParser: 'go-toml-v1' | 'go-toml-v2';
  /** `override_path` key exists (1.6.0+). */
  overridePath: boolean;
  /** `dial_timeout` key exists (2.0.7+, 2.1.0+). */
  dialTimeout: boolean;
  /** `referrers` capability exists and is in the defaults (2.2.0+). */
  referrersCapability: boolean;
  /** Host `header` also sent on token requests (2.1.0+). */
  headerOnAuthRequests: boolean;
  /** `ns=` also added on push requests (2.3.0+). */
  nsOnPush: boolean;
  /** A non-404 error status tries the next host (1.5.5+); before that the pull aborted. */
  non404TriesNextHost: boolean;
  /**
   * Resolver log texts (resolver.go Resolve): 1.x `trying next host …`; 2.0.0+ `trying next host after
   * status` / `fetch failed`.
   */
  resolverLogTexts: 'v1' | 'v2';
  /** From 2.2.6/2.3.0 the `blobs/<digest>` resolve fallback is skipped after a non-404 error (resolver.go Resolve). */
  blobsFallbackSkippedAfterNon404: boolean;
  /** ERROR log text when hosts.toml cannot be decoded (hosts.go loadHostDir). */
  decodeLogMessage: (hostDir: string) => string;
  /** ctr `images pull` default mode (cmd/ctr/commands/images/pull.go `--local`): local in 1.x, transfer in 2.x. */
  ctrDefaultPullMode: PullMode;
  /** ctr in transfer mode honours `--hosts-dir` (2.x yes; 1.7 `--local=false` ignores it; images/pull.go). */
  ctrTransferHonoursHostsDir: boolean;
  /** CRI default pull mode (internal/cri/server/images/image_pull.go PullImage): transfer from 2.1.0. */
  criDefaultPullMode: PullMode;
  /** CRI `registry.config_path` exists (1.5.0+). */
  criConfigPath: boolean;
  /**
   * Default CRI `config_path` (config_unix.go, plugins/cri/images/plugin.go): '' up to 2.1.x; 2.2.0/2.2.1
   * put the colon list in the default config; 2.2.2+ set it at plugin init when empty and no `mirrors` (Linux).
   */
  criDefaultConfigPath: { value: string; form: 'none' | 'default-config' | 'plugin-init' };
  /** How a `version = 3` config.toml is handled (1.x ValidateV2 in the server config.go). */
  configVersion3: ConfigVersion3Handling;
  /** Highest config.toml version understood (4 from 2.3.0: version/version.go ConfigVersion). */
  maxConfigVersion: 2 | 3 | 4;
  /**
   * An imported config.toml with a higher `version` than the root file stops containerd (2.3.0–2.3.4
   * LoadConfigWithPlugins, containerd#12891); before 2.3 the merged config takes the higher version.
   */
  dropInVersionAboveRootFatal: boolean;
  /** `imports` merge of plugin tables (server config.go mergeConfig): 1.x replaces whole plugin tables, 2.x deep-merges. */
  importsMerge: 'replace-plugin-table' | 'deep-merge';
  /** Versionless config.toml on 2.x: 2.0–2.2 skip the CRI plugin migration, 2.3+ migrate (LoadConfig). */
  versionlessConfigMigratesCri: boolean;
  /** Unknown keys in config.toml are warned about (2.x) or silently ignored (1.x; server config.go). */
  configUnknownKeysWarned: boolean;
  /** `configs.tls` exists and conflicts with config_path (1.x only; ValidatePluginConfig). */
  criConfigsTls: boolean;
  /**
   * How a version 2+ file's plugin ids are checked at start (ValidateV2 in 1.x, ValidateVersion in
   * 2.x): `disabled_plugins` and `required_plugins` entries, and (1.x) the `[plugins]` table's keys.
   * `four-parts`: at least four dot-separated parts (1.5, 1.6); `io.containerd-4-parts`: that and the
   * `io.containerd.` prefix (1.7); `contains-dot`: a dot (2.x, lists only).
   */
  pluginIdValidation: 'four-parts' | 'io.containerd-4-parts' | 'contains-dot';
  /** `configs` deprecation warning exists (1.6.25+, 1.7.9+, 2.x; ValidatePluginConfig, 2.x ValidateImageConfig). */
  configsDeprecationWarning: boolean;
  /**
   * CRI's legacy `defaultScheme` (config_path empty): which hosts get `http`. 1.5.x names
   * `localhost`, `127.0.0.1`, `::1`; 1.6.0+ any loopback host (`docker.IsLocalhost`).
   */
  criLegacyHttpHosts: 'names' | 'loopback';
}

export type VersionParseResult =
  | { ok: true; version: ContainerdVersion }
  | { ok: false; error: string };

/** The version assumed when none is given or detected. */
export const ASSUMED_VERSION = '2.1.9';

const VERSION_RE = /(?:^|[\s/])v?(\d+)\.(\d+)(?:\.(\d+))?([-~+][0-9A-Za-z.~+-]*)?(?=$|\s)/;

/**
 * Reads a version from a string such as `1.6.20~ds1`, `v1.7.24`, `2.1.9+unknown`, `2.2`,
 * `v1.7.11-k3s2`, `containerd://1.7.15-1`, or the full `containerd --version` line
 * (`containerd github.com/containerd/containerd/v2 v2.1.9 abc…`). Distribution suffixes map to the
 * upstream version they package (version-suffix.ts); `1.8` and later 1.x are refused, as containerd
 * 1.x ended at 1.7 and such a string is a Kubernetes version (`v1.29.0+k3s1`).
 */
export function parseContainerdVersion(input: string): VersionParseResult {
  const text = input.trim();
  const m = VERSION_RE.exec(text);
  if (!m) {
    return {
      ok: false,
      error: `cannot read a containerd version from ${JSON.stringify(input)} (expected e.g. 1.7.24, v2.1.9, 1.6.20~ds1)`,
    };
  }
  const token = m[0].trim().replace(/^\//, '');
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 1 && minor >= 8) {
    return {
      ok: false,
      error: `${JSON.stringify(token)} is not a containerd version: containerd 1.x ended at 1.7, so this looks like a Kubernetes or k3s/RKE2 version (containerd's own is in \`containerd --version\` or the node's containerRuntimeVersion)`,
    };
  }
  const suffix = readVersionSuffix(major, minor, m[3] === undefined ? 0 : Number(m[3]), m[4] ?? '');
  return {
    ok: true,
    version: {
      major,
      minor,
      patch: suffix.patch,
      prerelease: suffix.prerelease,
      raw: input,
      patchAssumed: m[3] === undefined,
      build: suffix.build,
      ...(suffix.note ? { buildNote: `${token} is ${suffix.note}` } : {}),
      buildExact: suffix.exact,
    },
  };
}

/** Compares a version with `major.minor.patch`; negative when older. Pre-releases count as the release. */
export function compareVersion(v: Pick<ContainerdVersion, 'major' | 'minor' | 'patch'>, major: number, minor: number, patch = 0): number {
  return v.major - major || v.minor - minor || v.patch - patch;
}

function atLeast(v: ContainerdVersion, major: number, minor: number, patch = 0): boolean {
  return compareVersion(v, major, minor, patch) >= 0;
}

/** True for `major.minor.x` with `x >= patch` (a gate that only applies inside one minor series). */
function inSeriesFrom(v: ContainerdVersion, major: number, minor: number, patch: number): boolean {
  return v.major === major && v.minor === minor && v.patch >= patch;
}

const CRI_COLON_LIST = '/etc/containerd/certs.d:/etc/docker/certs.d';

/** Builds the behaviour profile for a parsed version. */
export function profileFor(version: ContainerdVersion, assumption?: string): BehaviourProfile {
  const v = version;
  const v2 = v.major >= 2;
  const notes: string[] = [];
  if (assumption) notes.push(assumption);
  if (v.buildNote && !v.buildExact) notes.push(v.buildNote);
  if (v.patchAssumed) notes.push(`no patch version given in ${JSON.stringify(v.raw)}; assuming ${v.major}.${v.minor}.0`);
  if (compareVersion(v, 1, 5) < 0) {
    notes.push(`containerd ${v.major}.${v.minor} is older than 1.5, which this emulation does not model (1.4 did not append \`server\`); results follow 1.5`);
  }
  if (compareVersion(v, 2, 4) >= 0) {
    notes.push(`containerd ${v.major}.${v.minor} is newer than the versions this emulation models (containerd up to 2.3.4 and main were read); results follow 2.3`);
  }
  if (v.prerelease) {
    notes.push(`pre-release ${v.prerelease} is treated as the ${v.major}.${v.minor}.${v.patch} release${compareVersion(v, 2, 0, 0) === 0 ? ' (except the resolver log texts: 2.0.0 betas/rcs still used the 1.7 ones)' : ''}`);
  }

  const localhost: LocalhostRule =
    v2 || atLeast(v, 1, 7, 8) || inSeriesFrom(v, 1, 6, 25)
      ? 'port-rule'
      : atLeast(v, 1, 7, 0) || inSeriesFrom(v, 1, 6, 9)
        ? 'http-any-port'
        : 'none';

  let httpsFirst: HttpsFirstRule = 'none';
  if (v2 || atLeast(v, 1, 7, 24)) httpsFirst = 'not-port-80';
  else if (atLeast(v, 1, 7, 8) || inSeriesFrom(v, 1, 6, 25)) httpsFirst = 'port-required-not-80';
  else if (atLeast(v, 1, 7, 7)) httpsFirst = 'any-port';

  const criDefaultConfigPath: BehaviourProfile['criDefaultConfigPath'] = atLeast(v, 2, 2, 2)
    ? { value: CRI_COLON_LIST, form: 'plugin-init' }
    : atLeast(v, 2, 2, 0)
      ? { value: CRI_COLON_LIST, form: 'default-config' }
      : { value: '', form: 'none' };

  const profile: BehaviourProfile = {
    version: v,
    label: `containerd ${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`,
    defaultHostDir: v2 || atLeast(v, 1, 7, 0) || inSeriesFrom(v, 1, 6, 17),
    localhost,
    httpsFirst,
    httpsFirstLogLine: v2 || atLeast(v, 1, 7, 8) || inSeriesFrom(v, 1, 6, 25),
    requiresHostTable: !v2 && !atLeast(v, 1, 7, 32),
    hostsParser: v2 ? 'go-toml-v2' : 'go-toml-v1',
    overridePath: atLeast(v, 1, 6, 0),
    dialTimeout: atLeast(v, 2, 1, 0) || inSeriesFrom(v, 2, 0, 7),
    referrersCapability: atLeast(v, 2, 2, 0),
    headerOnAuthRequests: atLeast(v, 2, 1, 0),
    nsOnPush: atLeast(v, 2, 3, 0),
    non404TriesNextHost: atLeast(v, 1, 5, 5),
    // v2.0.0-beta/rc still logged the 1.x texts; `nextHostOrFail` arrived in v2.0.0 (resolver.go)
    resolverLogTexts: v2 && !(compareVersion(v, 2, 0, 0) === 0 && v.prerelease) ? 'v2' : 'v1',
    blobsFallbackSkippedAfterNon404: atLeast(v, 2, 3, 0) || inSeriesFrom(v, 2, 2, 6),
    decodeLogMessage: v2 ? (dir) => `failed to decode ${dir.replace(/\/+$/, '')}/hosts.toml` : () => 'failed to decode hosts.toml',
    ctrDefaultPullMode: v2 ? 'transfer' : 'local',
    ctrTransferHonoursHostsDir: v2,
    criDefaultPullMode: atLeast(v, 2, 1, 0) ? 'transfer' : 'local',
    criConfigPath: atLeast(v, 1, 5, 0),
    criDefaultConfigPath,
    configVersion3: v2 ? 'native' : atLeast(v, 1, 7, 17) || inSeriesFrom(v, 1, 6, 32) ? 'fatal' : 'ignored',
    maxConfigVersion: v2 ? (atLeast(v, 2, 3, 0) ? 4 : 3) : 2,
    dropInVersionAboveRootFatal: atLeast(v, 2, 3, 0),
    importsMerge: v2 ? 'deep-merge' : 'replace-plugin-table',
    versionlessConfigMigratesCri: atLeast(v, 2, 3, 0),
    configUnknownKeysWarned: v2,
    criConfigsTls: !v2,
    // ValidateV2 (v1.5.18, v1.6.39, v1.7.24 services/server/config/config.go), ValidateVersion (v2.1.9
    // cmd/containerd/server/config/config.go); checked against the 1.6, 1.7 and 2.1 binaries
    pluginIdValidation: v2 ? 'contains-dot' : atLeast(v, 1, 7, 0) ? 'io.containerd-4-parts' : 'four-parts',
    configsDeprecationWarning: v2 || atLeast(v, 1, 7, 9) || inSeriesFrom(v, 1, 6, 25),
    criLegacyHttpHosts: atLeast(v, 1, 6, 0) ? 'loopback' : 'names',
  };
  if (notes.length > 0) profile.assumption = notes.join('; ');
  if (v.buildNote && v.buildExact) profile.buildNote = v.buildNote;
  return profile;
}

export type ProfileSource = 'option' | 'detected' | 'assumed';

/**
 * Profile from an optional version string. No string → {@link ASSUMED_VERSION} with the
 * assumption stated; an unreadable string → `ok: false`.
 */
export function resolveProfile(input: string | undefined, source: ProfileSource = 'option'):
  | { ok: true; profile: BehaviourProfile; source: ProfileSource }
  | { ok: false; error: string } {
  if (input === undefined || input.trim() === '') {
    const parsed = parseContainerdVersion(ASSUMED_VERSION);
    if (!parsed.ok) throw new BugError(`the assumed containerd version ${ASSUMED_VERSION} does not parse`);
    return {
      ok: true,
      source: 'assumed',
      profile: profileFor(
        parsed.version,
        `containerd version unknown (no --containerd-version and none detected); assuming ${ASSUMED_VERSION}`,
      ),
    };
  }
  const parsed = parseContainerdVersion(input);
  if (!parsed.ok) return parsed;
  return { ok: true, source, profile: profileFor(parsed.version) };
}
