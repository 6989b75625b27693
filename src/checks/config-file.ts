/**
 * config.toml itself (containerd v2.1.9 cmd/containerd/server/config/config.go LoadConfig): is it there
 * and readable, does containerd start with it (syntax, imports, `version`), and do imports silently
 * replace plugin tables.
 */
import { sudoAgain } from './run-as-root.js';
import type { Decision } from '../containerd/decision.js';
import { firstMention, scanToml } from '../containerd/toml-scan.js';
import { GO_TOML_V2_BOM_ERROR, removeBomCommand } from '../containerd/utf8-bom.js';
import { tableKeyFix } from '../containerd/go-toml-v1-inline-table.js';
import { TABLE_KEY_PROBLEM } from '../containerd/go-toml-v1-table-keys.js';
import { NOT_UTF8_PROBLEM, notUtf8Fix } from '../containerd/not-utf8.js';
import { lookupEntry } from '../containerd/node-snapshot.js';
import { isTable } from '../containerd/go-value.js';
import { configPosition, decisions } from './config-locate.js';
import { configPathFix, suggestedRoot } from './config-path.js';
import type { Facts } from './facts.js';
import type { Finding } from './finding.js';
import type { Check } from './types.js';
import { criRegistryTable, decisionEvidence, fileEvidence, finding, quote, restartCommand, wholeFileEvidence } from './make.js';

export const configMissing: Check = {
  id: 'config-missing',
  run(facts, d) {
    if (d.config.found || d.config.unreadable) return [];
    const dflt = d.profile.criDefaultConfigPath.value;
    return [
      finding('config-missing', {
        severity: dflt === '' ? 'warning' : 'info',
        detail: `${facts.configFile} does not exist, so containerd runs with its built-in defaults: CRI config_path is ${dflt === '' ? `empty in ${d.profile.label}, so CRI reads no hosts.toml` : quote(dflt)}.`,
        evidence: [wholeFileEvidence(facts.configFile, 'does not exist')],
        fix: configPathFix(facts, d, suggestedRoot(d)),
      }),
    ];
  },
};

export const configUnreadable: Check = {
  id: 'config-unreadable',
  run(facts, d) {
    if (!d.config.unreadable) return [];
    return [
      finding('config-unreadable', {
        detail: `${facts.configFile} cannot be read: ${d.config.unreadable}. The config checks below are based on nothing; run as root or pass --config.`,
        evidence: [wholeFileEvidence(facts.configFile, d.config.unreadable)],
        fix: [sudoAgain(facts), `ls -l ${facts.configFile}`],
      }),
    ];
  },
};

/** go-toml v1's table-key advice for a config file in the snapshot (1.x refuses a `[` in a header), or null. */
function tableKeyFixAt(facts: Facts, file: string): string | null {
  const e = lookupEntry(facts.snapshot, file);
  return e.kind === 'file' && e.content?.kind === 'text' ? tableKeyFix(e.content.text) : null;
}

/** Where a config file the distribution writes at every start comes from, or null when it is the user's own. */
function generatedSource(facts: Facts, file: string): string | null {
  const dist = facts.distribution;
  if (!dist.generated) return null;
  // k0s writes containerd.toml and the CRI part of its drop-ins under /run/k0s (before k0s#3412 by
  // concatenating them, so a table a drop-in repeats breaks the file: k0s#3283)
  if (dist.kind === 'k0s' && (file === facts.configFile || file.startsWith('/run/k0s/')))
    return `the drop-ins in /etc/k0s/containerd.d/ (k0s writes ${file} from them when it starts; releases before k0s#3412 join their CRI tables as written, so a table k0s also writes is declared twice)`;
  if (file !== facts.configFile) return null;
  if (dist.template) return `${dist.template} (${dist.kind} renders ${file} from it when it starts)`;
  return dist.editInstead;
}

/** The first header of the table that `line` of `file` declares again, or null. */
function firstDeclaration(facts: Facts, file: string, line: number): { name: string; line: number } | null {
  const e = lookupEntry(facts.snapshot, file);
  if (e.kind !== 'file' || e.content?.kind !== 'text') return null;
  const headers = scanToml(e.content.text).headers;
  const again = headers.find((h) => h.line === line && h.kind === 'table');
  const key = again ? JSON.stringify(again.path) : null;
  const first = key ? headers.find((h) => h.kind === 'table' && JSON.stringify(h.path) === key && h.line < line) : undefined;
  return again && first ? { name: again.path.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join('.'), line: first.line } : null;
}

/** The fix for a config file containerd cannot load: exact where the emulation knows the cause. */
function syntaxErrorFix(facts: Facts, x: Decision): string {
  const at = x.at;
  if (!at) return 'fix or remove the import, then: containerd config dump';
  const source = generatedSource(facts, at.file);
  if (source) return `${at.file} line ${at.line} is where containerd stops, but ${facts.distribution.kind} writes that file when it starts, so an edit there is lost: fix it in ${source}, then: ${restartCommand(facts)}`;
  if (x.containerdExit?.includes(GO_TOML_V2_BOM_ERROR)) return `${removeBomCommand(at.file)} && containerd config dump >/dev/null`;
  if (x.message.includes(NOT_UTF8_PROBLEM)) return `${notUtf8Fix(at.file, at)}\nthen check with: containerd config dump`;
  const twice = /duplicated tables|toml: table .* already exists/.test(x.containerdExit ?? '') ? firstDeclaration(facts, at.file, at.line) : null;
  if (twice) return `${at.file} line ${at.line} declares [${twice.name}] a second time (first at line ${twice.line}): move the keys under it to the first and delete the second header, then check with: containerd config dump`;
  const inline = x.message.includes(TABLE_KEY_PROBLEM) ? tableKeyFixAt(facts, at.file) : null;
  if (inline) return `in ${at.file} line ${at.line}: ${inline}\nthen check with: containerd config dump`;
  return `fix ${at.file} line ${at.line}, then check with: containerd config dump`;
}

export const configParseError: Check = {
  id: 'config-parse-error',
  run(facts, d) {
    const ds = [...decisions(d, 'config.syntax-error'), ...decisions(d, 'config.import-unreadable')];
    const cri = [...decisions(d, 'config.cri-field-type'), ...decisions(d, 'config.plugin-field-type')].map((x) =>
      x.severity === 'warning'
        ? finding('config-parse-error', {
            severity: 'warning',
            title: 'a config.toml field has a type another containerd version refuses',
            detail: `${x.message}. If it does, containerd does not start with this file; a running daemon still uses the config it was started with.`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: ['containerd config dump >/dev/null   # on the node: exits with the decoder\'s error if this containerd refuses the file', `give the field a value of the right type${x.at ? ` (${x.at.file} line ${x.at.line})` : ''}`],
          })
        : finding('config-parse-error', {
            detail: `${x.message}. containerd's exit error starts "${x.containerdExit}"; a running daemon still uses the config it was started with.`,
            evidence: decisionEvidence(facts.snapshot, x),
            fix: [`give the field a value of the right type${x.at ? ` (${x.at.file} line ${x.at.line})` : ''}, then check with: containerd config dump`, restartCommand(facts)],
          }),
    );
    return [...cri, ...ds.map((x) =>
      finding('config-parse-error', {
        detail: `${x.message}. containerd exits at startup with "${x.containerdExit}"; a running daemon still uses the config it was started with.`,
        evidence: [...decisionEvidence(facts.snapshot, x), ...(x.at ? [] : [wholeFileEvidence(facts.configFile, x.message)])],
        fix: [syntaxErrorFix(facts, x)],
      }),
    )];
  },
};

export const configVersionMissing: Check = {
  id: 'config-version-missing',
  run(facts, d) {
    const ds = decisions(d, 'config.no-version');
    if (ds.length === 0) return [];
    const major = d.profile.version.major;
    const want = major >= 2 ? 3 : 2;
    const evidence = [{ kind: 'file' as const, source: facts.configFile, line: 1, column: 1, text: 'no `version = …` line in the file' }];
    const toFullIds = `add \`version = ${want}\` as the first line of ${facts.configFile} and name plugins by full id (${criRegistryTable(major, want)})`;
    if (major < 2) {
      // version 1 names plugins by short id: a table named by full id is what it does not read
      const keys = new Set(d.configFiles.flatMap((f) => (isTable(f.data.plugins) ? Object.keys(f.data.plugins) : [])));
      const full = [...keys].filter((k) => k.includes('.'));
      const short = [...keys].filter((k) => !k.includes('.'));
      if (full.length === 0) {
        return [
          finding('config-version-missing', {
            severity: 'info',
            detail: `${ds[0]!.message}. That is valid on ${d.profile.label}: ${short.length ? `its plugin tables are named by short id (${short.map((k) => `plugins.${k}`).join(', ')}), as version 1 wants` : 'it has no plugin table'}; only containerd 2.x will read it otherwise.`,
            evidence,
            fix: facts.distribution.generated ? [`nothing to change: ${facts.distribution.kind} writes this file`] : [`before moving to containerd 2.x: ${toFullIds}`],
          }),
        ];
      }
      return [
        finding('config-version-missing', {
          detail: `${ds[0]!.message}. Version 1 does not read the plugin tables named by full id: ${full.map((k) => `plugins.${quote(k)}`).join(', ')} ${full.length > 1 ? 'are' : 'is'} ignored${short.length ? `, while ${short.map((k) => `plugins.${k}`).join(', ')} ${short.length > 1 ? 'are' : 'is'} read` : ''}.`,
          evidence,
          fix: short.length
            ? [`either move the settings of ${full.map((k) => `plugins.${quote(k)}`).join(', ')} into the short-id tables (plugins.cri for io.containerd.grpc.v1.cri), or ${toFullIds}, renaming ${short.map((k) => `plugins.${k}`).join(', ')} too: with \`version = 2\` a short id is no longer read`, restartCommand(facts)]
            : [`add \`version = 2\` as the first line of ${facts.configFile}: its tables are then read as written`, restartCommand(facts)],
        }),
      ];
    }
    return [
      finding('config-version-missing', {
        detail: `${ds[0]!.message}.`,
        evidence,
        fix: [toFullIds, 'containerd config migrate   # prints the migrated file', restartCommand(facts)],
      }),
    ];
  },
};

export const configVersionUnsupported: Check = {
  id: 'config-version-unsupported',
  run(facts, d) {
    const ds = decisions(d, 'config.version-unsupported');
    if (ds.length === 0) return [];
    const x = ds[0]!;
    const fatal = x.severity === 'error';
    // an import above the root file's version (2.3): either file can change
    const dropIn = x.at && x.at.file !== facts.configFile ? d.configFiles.find((f) => f.path === x.at!.file) : undefined;
    if (dropIn) {
      const root = d.configFiles.find((f) => typeof f.data.version === 'number')?.data.version;
      return [
        finding('config-version-unsupported', {
          title: 'an imported config.toml has a higher version than the root file',
          detail: `${x.message}.`,
          evidence: [fileEvidence(facts.snapshot, x.at!), ...decisionEvidence(facts.snapshot, { ...x, at: undefined } as Decision)],
          fix: [
            `write ${dropIn.path} at \`version = ${String(root)}\`, with its tables named as that version names them`,
            `or raise ${facts.configFile} to \`version = ${String(dropIn.data.version)}\`: \`containerd config migrate\` prints it migrated`,
            restartCommand(facts),
          ],
        }),
      ];
    }
    const at = configPosition(d, ['version'], true);
    const max = d.profile.maxConfigVersion;
    return [
      finding('config-version-unsupported', {
        severity: fatal ? 'error' : 'warning',
        detail: `${x.message}.`,
        evidence: [...(at ? [fileEvidence(facts.snapshot, at)] : []), ...decisionEvidence(facts.snapshot, { ...x, at: undefined } as Decision)],
        fix: [
          `set \`version = ${max}\` in ${facts.configFile} and use ${criRegistryTable(d.profile.version.major, max)} for config_path (containerd ${d.profile.version.major}.${d.profile.version.minor})`,
          restartCommand(facts),
        ],
      }),
    ];
  },
};

export const configImportsReplace: Check = {
  id: 'config-imports-replace',
  run(facts, d) {
    if (d.profile.importsMerge !== 'replace-plugin-table' || d.configFiles.length < 2) return [];
    const out: Finding[] = [];
    const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    for (let i = 1; i < d.configFiles.length; i++) {
      const imp = d.configFiles[i]!;
      const plugins = isTable(imp.data.plugins) ? imp.data.plugins : {};
      for (const [id, table] of Object.entries(plugins)) {
        for (let j = 0; j < i; j++) {
          const earlier = d.configFiles[j]!;
          const ep = isTable(earlier.data.plugins) ? earlier.data.plugins[id] : undefined;
          if (!isTable(ep) || !isTable(table)) continue;
          const dropped = Object.keys(ep).filter((k) => !(k in table));
          if (dropped.length === 0) continue;
          const a = firstMention(scanToml(earlier.text), ['plugins', id]);
          const b = firstMention(scanToml(imp.text), ['plugins', id]);
          out.push(
            finding('config-imports-replace', {
              severity: id.includes('cri') ? 'error' : 'warning',
              detail: `${imp.path} sets plugins.${quote(id)}, which in ${d.profile.label} replaces the whole table from ${earlier.path}: ${dropped.map((k) => `\`${k}\``).join(', ')} ${dropped.length === 1 ? 'is' : 'are'} dropped.`,
              evidence: [
                ...(b ? [fileEvidence(facts.snapshot, { file: imp.path, line: b.line, column: b.column }, 'replaces')] : []),
                ...(a ? [fileEvidence(facts.snapshot, { file: earlier.path, line: a.line, column: a.column }, 'dropped')] : []),
              ],
              fix: [`repeat ${dropped.join(', ')} inside plugins.${quote(id)} in ${imp.path}, or keep that plugin's settings in one file`, 'containerd config dump   # shows the merged result'],
            }),
          );
        }
      }
    }
    return out;
  },
};
