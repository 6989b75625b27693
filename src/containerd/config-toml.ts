/**
 * config.toml as containerd reads it, for what matters to registry mirrors (containerd v2.1.9
 * cmd/containerd/server/config/config.go, internal/cri/config/config.go), over the files
 * config-files.ts reads and merges: version header, the CRI registry table per version (and where
 * people put it wrongly), `config_path` and its default per version, legacy `mirrors`/`configs`/
 * `auths`, `disabled_plugins`, the fatal `mirrors` + `config_path` combination, and the CRI pull
 * mode (transfer service vs local) on 2.1+.
 */
import type { Decision, SourcePosition } from './decision.js';
import { isTable, valueAt } from './go-value.js';
import { dottedPath } from './toml-scan.js';
import type { NodeSnapshot } from './node-snapshot.js';
import { invalidPluginId } from './plugin-ids.js';
import { criPullMode } from './cri-pull-mode.js';
import { criRegistryTypeError } from './cri-registry-types.js';
import { pluginFieldTypeDecision } from './config-field-types.js';
import { collectConfigFiles, mergeFiles, positionIn, rawValueIn } from './config-files.js';
import { GO_TOML_V2_BOM_ERROR } from './utf8-bom.js';
import type { BehaviourProfile, PullMode } from './version.js';

export const DEFAULT_CONFIG_FILE = '/etc/containerd/config.toml';

const CRI_V1_SHORT = 'cri';
const CRI_GRPC = 'io.containerd.grpc.v1.cri';
const CRI_IMAGES = 'io.containerd.cri.v1.images';
const CRI_RUNTIME = 'io.containerd.cri.v1.runtime';
const TRANSFER = 'io.containerd.transfer.v1.local';

type Table = Record<string, unknown>;

export interface CriRegistryConfig {
  /** CRI plugin is present and loads. */
  loads: boolean;
  /** Why it does not load / is absent. */
  notLoadedReason?: string;
  /** Effective `config_path` (after defaults). */
  configPath: string;
  configPathSource: 'file' | 'default' | 'plugin-init-default' | 'unset';
  configPathAt?: SourcePosition;
  /** Which table the value was read from (dotted, as written). */
  table?: string;
  pullMode: PullMode;
  pullModeReason: string;
  /** Legacy `registry.mirrors."<host>".endpoint`. */
  mirrors: Record<string, string[]>;
}

export interface ConfigAnalysis {
  file: string;
  /** False when the file does not exist (containerd runs on defaults). */
  found: boolean;
  /** Files merged, main first. */
  files: string[];
  versionWritten?: number;
  /** Version containerd works with. */
  version: number;
  /** containerd refuses to start with this config. */
  startupError?: string;
  cri: CriRegistryConfig;
  decisions: Decision[];
  /** Set when the file could not be read or analysed at all (bad input for us). */
  unreadable?: string;
}

const get = (t: unknown, ...path: string[]): unknown => valueAt(t, path);

function mirrorsOf(registry: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const m = get(registry, 'mirrors');
  if (!isTable(m)) return out;
  for (const [host, v] of Object.entries(m)) {
    const eps = get(v, 'endpoint');
    out[host] = Array.isArray(eps) ? eps.filter((e): e is string => typeof e === 'string') : [];
  }
  return out;
}

function nonEmptyTable(v: unknown): boolean {
  return isTable(v) && Object.keys(v).length > 0;
}

/**
 * Analyses the config file at `file` (node path) and its imports.
 * A missing file is not an error: containerd runs with defaults.
 */
export function analyzeConfig(file: string, snapshot: NodeSnapshot, profile: BehaviourProfile): ConfigAnalysis {
  const decisions: Decision[] = [];
  const { files, errors } = collectConfigFiles(file, snapshot, profile);
  const mainError = errors.find((e) => e.path === file);
  const analysis: ConfigAnalysis = {
    file,
    found: !mainError?.missing,
    files: files.map((f) => f.path),
    version: 0,
    cri: { loads: true, configPath: '', configPathSource: 'unset', pullMode: profile.criDefaultPullMode, pullModeReason: '', mirrors: {} },
    decisions,
  };
  if (mainError && !mainError.missing && !mainError.at) {
    analysis.unreadable = mainError.error;
    return analysis;
  }
  for (const e of errors) {
    if (e.path === file && e.missing) {
      decisions.push({ code: 'config.absent', severity: 'info', message: `${file} does not exist; containerd runs with its built-in defaults`, source: 'daemonConfigLoad' });
      continue;
    }
    if (e.at) {
      analysis.startupError = `${e.path}: ${e.error}`;
      decisions.push({
        code: 'config.syntax-error',
        severity: 'error',
        message: e.error.startsWith('TOML syntax error') ? `${e.path} is not valid TOML (${e.error}); containerd refuses to start` : `${e.path}: ${e.error}; containerd refuses to start`,
        at: e.at,
        // 2.x reports a syntax error as it does a type: go-toml v2's DecodeError (v2.1.9 config.go loadConfigFile)
        containerdExit: e.containerdExit ?? (e.error.includes(GO_TOML_V2_BOM_ERROR)
          ? `failed to unmarshal TOML at row 1 column 1: ${GO_TOML_V2_BOM_ERROR}`
          : profile.version.major >= 2 ? 'failed to unmarshal TOML at row …' : e.typeError ? 'failed to unmarshal TOML' : 'failed to load TOML'),
        source: 'configLoadFile',
      });
    } else {
      // An import that cannot be read: containerd fails to load the config (resolveImports/loadConfigFile).
      analysis.startupError = `${e.path}: ${e.error}`;
      // 2.x's start returns the open error itself (its `config dump` passes over a missing import)
      const containerdExit = profile.version.major >= 2 ? `open ${e.path}` : 'failed to load TOML';
      decisions.push({ code: 'config.import-unreadable', severity: 'error', message: `import ${e.path}: ${e.error}; containerd refuses to start`, containerdExit, source: 'configLoad' });
    }
  }
  if (files.length > 1) {
    decisions.push({
      code: 'config.imports',
      severity: profile.importsMerge === 'replace-plugin-table' ? 'warning' : 'info',
      message:
        profile.importsMerge === 'replace-plugin-table'
          ? `imports ${files.slice(1).map((f) => f.path).join(', ')} are merged the 1.x way: each plugin table in an import replaces the whole table from earlier files`
          : `imports ${files.slice(1).map((f) => f.path).join(', ')} are deep-merged into ${file} (later files win)`,
      source: profile.importsMerge === 'replace-plugin-table' ? 'importsReplace1x' : 'configLoad',
    });
  }
  const merged = mergeFiles(files, profile);
  const vRaw = merged.version;
  const written = typeof vRaw === 'number' ? vRaw : undefined;
  if (written !== undefined) analysis.versionWritten = written;
  let version = written ?? 1;
  // the `version` field came in v1.3.0 (services/server/config/config.go): before it there is nothing to write
  const hasVersionField = profile.version.major > 1 || profile.version.minor >= 3;
  if (written === undefined && files.length > 0 && hasVersionField) {
    decisions.push({
      code: 'config.no-version',
      severity: 'warning',
      message:
        profile.version.major >= 2
          ? `${file} has no \`version\` line: ${profile.label} reads it as version 1 and migrates it straight to 3${profile.versionlessConfigMigratesCri ? '' : ', skipping the CRI plugin migration, so CRI settings under io.containerd.grpc.v1.cri are not applied (config dump on 2.1.9)'}`
          : `${file} has no \`version\` line: containerd reads it as version 1, where plugins are named by short id (\`plugins.cri\`)${profile.version.major > 1 || profile.version.minor >= 5 ? ', and logs a deprecation warning' : ''}`,
      source: 'configNoVersion',
    });
  }
  // a version above the highest (ValidateV2 from 1.6.32/1.7.17, ValidateVersion in 2.x)
  if (version > profile.maxConfigVersion) {
    const v2 = profile.version.major >= 2;
    const what =
      version === 3 ? 'version = 3 is a containerd 2.x config' : version === 4 ? 'version = 4 is a containerd 2.3+ config' : `version = ${version} does not exist (the highest is ${profile.maxConfigVersion})`;
    if (v2 || profile.configVersion3 === 'fatal') {
      analysis.startupError = v2
        ? `failed to load TOML from ${file}: expected containerd config version equal to or less than \`${profile.maxConfigVersion}\`, got \`${version}\``
        : `failed to load TOML from ${file}: unsupported config version \`${version}\``;
      const message = `${what}; ${profile.label} refuses to start with it`;
      decisions.push({ code: 'config.version-unsupported', severity: 'error', message, containerdError: analysis.startupError, source: 'configValidate' });
    } else {
      const message = `${what}; ${profile.label} ignores the number and reads plugins by full URI as in version 2 (io.containerd.cri.v1.images does not exist in 1.x)`;
      decisions.push({ code: 'config.version-unsupported', severity: 'warning', message, source: 'configValidate' });
      version = 2;
    }
  }
  // 2.3: an import above the root file's version stops containerd (the root version is the first file's that has one)
  if (profile.dropInVersionAboveRootFatal && !analysis.startupError) {
    let root = 0;
    for (const f of files) {
      const v = typeof f.data.version === 'number' ? f.data.version : 0;
      if (root === 0) root = v;
      if (v <= root) continue;
      analysis.startupError = `drop-in config version ${v} higher than root config version ${root}`;
      const at = positionIn([f], ['version']);
      decisions.push({
        code: 'config.version-unsupported',
        severity: 'error',
        message: `${f.path} has \`version = ${v}\`, above the root config's version ${root}: ${profile.label} refuses to start with an import of a higher version (containerd#12891)`,
        containerdError: analysis.startupError,
        ...(at ? { at } : {}),
        source: 'configValidate',
        configPath: ['version'],
      });
      break;
    }
  }
  analysis.version = version;
  const plugins = isTable(merged.plugins) ? merged.plugins : {};

  // plugin ids of a version 2+ file (plugin-ids.ts): containerd does not start at the first bad one
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const disabled = ids(merged.disabled_plugins);
  if (version >= 2 && !analysis.startupError) {
    const bad = invalidPluginId(profile.pluginIdValidation, { disabled, required: ids(merged.required_plugins), keys: Object.keys(plugins) });
    if (bad) {
      analysis.startupError = bad.error;
      const what = bad.kind === 'key' ? `the table [plugins.${JSON.stringify(bad.id)}]` : `${bad.key} entry ${JSON.stringify(bad.id)}`;
      const message = `${what} is not a full plugin id in a version ${version} file: containerd ${profile.version.major}.${profile.version.minor} refuses to start`;
      const configPath = bad.kind === 'key' ? ['plugins', bad.id] : [bad.key];
      decisions.push({ code: 'config.disabled-plugin-invalid', severity: 'error', message, containerdError: analysis.startupError, source: 'configValidate', configPath });
    }
  }
  const criDisabledBy = disabled.find((d) =>
    version === 1 && profile.version.major < 2 ? d === CRI_V1_SHORT : d === CRI_GRPC || d === CRI_IMAGES || (profile.version.major >= 2 && version === 1 && d === CRI_V1_SHORT),
  );
  if (criDisabledBy) {
    analysis.cri.loads = false;
    analysis.cri.notLoadedReason = `disabled_plugins contains ${JSON.stringify(criDisabledBy)}`;
    decisions.push({ code: 'config.cri-disabled', severity: 'error', message: `the CRI plugin is disabled (${JSON.stringify(criDisabledBy)} in disabled_plugins): kubelet/crictl pulls never reach the resolver`, source: 'disabledPlugins' });
  }

  // Transfer plugin config_path: declared, never read (RegistryConfigPath, v2.1.9 plugins/transfer/plugin.go).
  // `config_path = ""` is what `containerd config default` prints (1.7+, 2.x), so only a value someone wrote counts.
  const transferConfigPath = get(plugins, TRANSFER, 'config_path');
  if (transferConfigPath !== undefined && transferConfigPath !== '') {
    const at = positionIn(files, ['plugins', TRANSFER, 'config_path']);
    decisions.push({
      code: 'config.transfer-config-path-unused',
      severity: 'warning',
      message: `plugins.${JSON.stringify(TRANSFER)}.config_path is never read by containerd (the field is only declared and copied); it does not configure any pull`,
      ...(at ? { at } : {}),
      source: 'transferConfigPath',
    });
  }

  // Where the CRI registry table is read from.
  const v2 = profile.version.major >= 2;
  let registryPath: string[] | undefined;
  const wrongPlaces: Array<{ path: string[]; why: string }> = [];
  if (!v2) {
    if (version === 1) {
      registryPath = ['plugins', CRI_V1_SHORT, 'registry'];
      wrongPlaces.push({ path: ['plugins', CRI_GRPC, 'registry'], why: 'a version-1 file (no `version` line) names plugins by short id (`plugins.cri`)' });
    } else {
      registryPath = ['plugins', CRI_GRPC, 'registry'];
      wrongPlaces.push({ path: ['plugins', CRI_V1_SHORT, 'registry'], why: '`plugins.cri` is the version-1 name; in a version 2 file use plugins."io.containerd.grpc.v1.cri".registry' });
    }
    wrongPlaces.push({ path: ['plugins', CRI_IMAGES, 'registry'], why: `io.containerd.cri.v1.images is a containerd 2.x plugin; ${profile.label} reads plugins."io.containerd.grpc.v1.cri".registry` });
    wrongPlaces.push({ path: ['plugins', CRI_RUNTIME, 'registry'], why: `io.containerd.cri.v1.runtime is a containerd 2.x plugin, without registry settings; ${profile.label} reads plugins."io.containerd.grpc.v1.cri".registry` });
  } else {
    // the 2.x CRI runtime plugin has no registry field (Bottlerocket 1.39.0 wrote it there: bottlerocket#4520)
    wrongPlaces.push({ path: ['plugins', CRI_RUNTIME, 'registry'], why: 'io.containerd.cri.v1.runtime has no registry settings, they belong to io.containerd.cri.v1.images (containerd warns "Ignoring unknown key in TOML for plugin" … plugin=io.containerd.cri.v1.runtime; config dump on 2.1.9)' });
    registryPath = ['plugins', CRI_IMAGES, 'registry'];
    // CRI's plugin migration runs for files below the highest version (2.3 migrates version 3 files too)
    if (version >= profile.maxConfigVersion) {
      const raisedBy = profile.dropInVersionAboveRootFatal ? undefined : files.find((f) => f.data.version === version && f.path !== file && files[0]?.data.version !== version);
      wrongPlaces.push({
        path: ['plugins', CRI_GRPC, 'registry'],
        why: `the version 2 table name inside a version ${version} config is not migrated (containerd warns "Ignoring unknown key in TOML for plugin")${raisedBy ? `; ${file} says version ${String(files[0]?.data.version ?? 1)}, but the import ${raisedBy.path} has version ${version}, and the merged config takes the higher one: write the import at the root's version, or migrate the root file (containerd config migrate)` : ''}`,
      });
      wrongPlaces.push({ path: ['plugins', CRI_V1_SHORT, 'registry'], why: '`plugins.cri` is the version-1 name' });
    } else if (version === 1 && !profile.versionlessConfigMigratesCri) {
      wrongPlaces.push({ path: ['plugins', CRI_V1_SHORT, 'registry'], why: `${profile.label} migrates a versionless config straight to version 3 without the CRI plugin migration (config dump on 2.1.9: "Ignoring unknown key in TOML for plugin" key=registry plugin=io.containerd.grpc.v1.cri); add \`version = 3\` and use plugins."io.containerd.cri.v1.images".registry` });
      wrongPlaces.push({ path: ['plugins', CRI_GRPC, 'registry'], why: 'not migrated in a versionless config (config dump on 2.1.9: "Ignoring unknown key in TOML for plugin" key=registry)' });
    }
  }
  // 2.3 refuses an import above the root's version before any table is read
  const refusedDropIn = decisions.some((x) => x.code === 'config.version-unsupported' && x.configPath?.[0] === 'version' && x.at?.file !== file);
  for (const w of refusedDropIn ? [] : wrongPlaces) {
    if (get(plugins, ...w.path.slice(1)) === undefined) continue;
    const at = positionIn(files, w.path);
    decisions.push({
      code: 'config.registry-wrong-table',
      severity: 'error',
      message: `[${dottedPath(w.path)}] is not read by ${profile.label}: ${w.why}`,
      ...(at ? { at } : {}),
      source: profile.version.major === 1 ? 'configNoVersion' : 'criMigrate',
      configPath: w.path,
    });
  }

  // Effective images/registry config (2.x v2 files: migrated from the grpc.v1.cri table).
  let images: Table = isTable(get(plugins, registryPath[1]!)) ? (get(plugins, registryPath[1]!) as Table) : {};
  let registrySource = registryPath;
  if (v2 && ((version >= 2 && version < profile.maxConfigVersion) || (version === 1 && profile.versionlessConfigMigratesCri))) {
    const grpcName = version === 1 ? CRI_V1_SHORT : CRI_GRPC;
    const grpc = get(plugins, grpcName);
    if (isTable(grpc)) {
      const migrated: Table = { ...images };
      for (const k of ['registry', 'image_decryption', 'max_concurrent_downloads', 'image_pull_progress_timeout', 'image_pull_with_sync_fs', 'stats_collect_period']) {
        if (grpc[k] !== undefined) migrated[k] = grpc[k];
      }
      const ctd = get(grpc, 'containerd');
      for (const k of ['snapshotter', 'disable_snapshot_annotations', 'discard_unpacked_layers']) {
        if (get(ctd, k) !== undefined) migrated[k] = get(ctd, k);
      }
      if (grpc.registry !== undefined) registrySource = ['plugins', grpcName, 'registry'];
      images = migrated;
      decisions.push({
        code: 'config.migrated',
        severity: 'info',
        message: `version ${version} config: ${profile.label} migrates plugins.${JSON.stringify(grpcName)} settings into ${JSON.stringify(CRI_IMAGES)} at startup`,
        containerdLog: `level=warning msg="Configuration migrated from version ${version}, use \`containerd config migrate\` to avoid migration"`,
        source: 'criMigrate',
      });
    }
  }
  const registry = v2 ? images.registry : get(plugins, ...registryPath.slice(1));
  const cri = analysis.cri;
  // a field of the wrong type stops containerd where the plugin decodes it (2.x: the images plugin)
  const decoded = v2 ? !disabled.includes(CRI_IMAGES) : !criDisabledBy;
  const typeError = decoded && !analysis.startupError ? criRegistryTypeError(registry, profile.version.major) : null;
  if (typeError) {
    const field = dottedPath([...registrySource, ...typeError.path]);
    const at = positionIn(files, [...registrySource, ...typeError.path]);
    analysis.startupError = `${field} ${typeError.error}`;
    const containerdExit = profile.version.major >= 2 ? 'toml: cannot decode …' : "(line, column): Can't convert …";
    decisions.push({ code: 'config.cri-field-type', severity: 'error', message: `${field} ${typeError.error}: ${profile.label} exits while loading the CRI plugin`, ...(at ? { at } : {}), containerdExit, source: 'criRegistryTypes', configPath: [...registrySource, ...typeError.path] });
  }
  const fieldError = analysis.startupError ? null : pluginFieldTypeDecision(merged, version, disabled, profile, { raw: (p) => rawValueIn(files, p), at: (p) => positionIn(files, p) });
  if (fieldError) {
    if (fieldError.startupError) analysis.startupError = fieldError.startupError;
    decisions.push(fieldError.decision);
  }
  cri.mirrors = mirrorsOf(registry);
  cri.table = dottedPath(registrySource);
  const explicitPath = get(registry, 'config_path');
  const hasMirrors = Object.keys(cri.mirrors).length > 0;
  if (typeof explicitPath === 'string') {
    cri.configPath = explicitPath;
    cri.configPathSource = 'file';
    const at = positionIn(files, [...registrySource, 'config_path']);
    if (at) cri.configPathAt = at;
  }
  const dflt = profile.criDefaultConfigPath;
  if (dflt.form === 'default-config') {
    // 2.2.0/2.2.1: the default is in DefaultImageConfig; the v2→v3 migration also rewrote an
    // explicit "" to it on Linux (v2.2.0 internal/cri/config/config_unix.go, plugins/cri/images/plugin.go).
    const migratedEmpty = cri.configPathSource === 'file' && cri.configPath === '' && version < 3;
    if (cri.configPathSource !== 'file' || migratedEmpty) {
      cri.configPath = dflt.value;
      cri.configPathSource = 'default';
      decisions.push({ code: 'config.config-path-default', severity: 'info', message: `config_path ${migratedEmpty ? 'is "" in a migrated v2 config, rewritten' : 'is not set, defaulting'} to ${JSON.stringify(dflt.value)} (${profile.label}, Linux)`, source: 'criDefaultConfigPath22' });
    }
  } else if (dflt.form === 'plugin-init' && cri.configPath === '' && !hasMirrors) {
    cri.configPath = dflt.value;
    cri.configPathSource = 'plugin-init-default';
    decisions.push({ code: 'config.config-path-default', severity: 'info', message: `config_path is empty and there are no mirrors: ${profile.label} sets it to ${JSON.stringify(dflt.value)} at CRI plugin init (Linux); \`containerd config dump\` does not show this`, source: 'criDefaultConfigPath22' });
  } else if (cri.configPath === '' && cri.configPathSource !== 'file') {
    decisions.push({ code: 'config.config-path-unset', severity: 'warning', message: `CRI registry config_path is not set (default "" in ${profile.label}): CRI pulls read no hosts.toml at all${hasMirrors ? ' and use the legacy mirrors' : ''}`, source: 'criDefaultConfig' });
  }
  if (!profile.criConfigPath) cri.configPath = '';

  // Legacy keys and their conflicts (v1.7.24 pkg/cri/config/config.go ValidatePluginConfig; 2.x ValidateImageConfig).
  const configs = get(registry, 'configs');
  const auths = get(registry, 'auths');
  if (hasMirrors) decisions.push({ code: 'config.mirrors-deprecated', severity: 'warning', message: 'legacy registry.mirrors are set (deprecated)', containerdLog: 'level=warning msg="`mirrors` is deprecated, please use `config_path` instead"', source: 'criRegistryValidation' });
  if (nonEmptyTable(configs) && profile.configsDeprecationWarning) decisions.push({ code: 'config.configs-deprecated', severity: 'info', message: 'legacy registry.configs are set (deprecated, still used for credentials/TLS keyed by host)', containerdLog: 'level=warning msg="`configs` is deprecated, please use `config_path` instead"', source: 'criRegistryValidation' });
  if (nonEmptyTable(auths)) decisions.push({ code: 'config.auths-deprecated', severity: 'info', message: 'legacy registry.auths are set (deprecated)', source: 'criRegistryValidation' });
  const configsTls = isTable(configs) && Object.values(configs).some((c) => get(c, 'tls') !== undefined);
  if (cri.loads && hasMirrors && cri.configPath !== '') {
    const err = v2
      ? 'invalid cri image config: `mirrors` cannot be set when `config_path` is provided'
      : 'invalid plugin config: `mirrors` cannot be set when `config_path` is provided';
    cri.loads = false;
    cri.notLoadedReason = err;
    decisions.push({
      code: 'config.mirrors-with-config-path',
      severity: 'error',
      message: `registry.mirrors and config_path (${JSON.stringify(cri.configPath)}${cri.configPathSource === 'file' ? '' : ', the default'}) are both set: the CRI plugin fails to load and containerd runs without CRI`,
      containerdError: err,
      containerdLog: v2 ? `level=warning msg="failed to load plugin" error="${err}" id=${CRI_IMAGES} type=io.containerd.cri.v1` : `level=warning msg="failed to load plugin ${CRI_GRPC}" error="${err}"`,
      source: 'criRegistryValidation',
    });
  } else if (cri.loads && configsTls && cri.configPath !== '' && profile.criConfigsTls) {
    const err = 'invalid plugin config: `configs.tls` cannot be set when `config_path` is provided';
    cri.loads = false;
    cri.notLoadedReason = err;
    decisions.push({ code: 'config.configs-tls-with-config-path', severity: 'error', message: 'registry.configs.*.tls and config_path are both set: the CRI plugin fails to load', containerdError: err, containerdLog: `level=warning msg="failed to load plugin ${CRI_GRPC}" error="${err}"`, source: 'criRegistryValidation' });
  } else if (configsTls && !profile.criConfigsTls) {
    // one per host: the daemon names each ignored table at startup
    for (const [host, c] of Object.entries(configs as Table)) {
      if (get(c, 'tls') === undefined) continue;
      decisions.push({
        code: 'config.configs-tls-ignored',
        severity: 'warning',
        message: `registry.configs.${JSON.stringify(host)}.tls no longer exists in ${profile.label} (unknown key, ignored): its CA, client certificate and skip-verify setting do not apply to ${host}`,
        containerdLog: `level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry configs ${host} tls" plugin=${CRI_IMAGES}`,
        source: 'configPluginKeys',
        configPath: [...registrySource, 'configs', host, 'tls'],
      });
    }
  }

  const pull = criPullMode({ images, useLocalImagePull: get(plugins, CRI_IMAGES, 'use_local_image_pull'), hasMirrors, hasConfigs: nonEmptyTable(configs), hasAuths: nonEmptyTable(auths) }, profile);
  cri.pullMode = pull.mode;
  cri.pullModeReason = pull.reason;
  decisions.push(...pull.decisions);
  return analysis;
}
