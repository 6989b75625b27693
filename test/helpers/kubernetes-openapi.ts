/**
 * Validates Kubernetes objects offline against the OpenAPI definitions of Kubernetes 1.36, as the
 * kubernetes-models package (a devDependency) ships them, strictly:
 *
 * - the package's validators (ajv, precompiled from the release's OpenAPI schema) check types,
 *   required fields, enum values and formats;
 * - unknown fields: the OpenAPI schema does not forbid them (no additionalProperties: false), but
 *   the API server rejects them under strict field validation, kubectl's default. So the object is
 *   walked alongside the package's TypeScript declaration of its kind, generated from the same
 *   definitions, and a key the declaration does not have is an error (maps such as labels declare
 *   an index signature and take any key).
 *
 * Only the kinds `fleet manifest` prints are known; any other apiVersion/kind is an error.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate as validateDaemonSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as validateJob } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as validateConfigMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as validateNamespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import ts from 'typescript';

export const KUBERNETES_RELEASE = '1.36';

/** An ajv validate function: `errors` holds what the last call found. */
type SchemaValidator = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; keyword: string; params: Record<string, unknown> }> | null;
};

interface Kind {
  validate: SchemaValidator;
  /** the module and interface that declare the kind */
  module: string;
  declaration: string;
}

const KINDS: Record<string, Kind> = {
  'v1/Namespace': { validate: validateNamespace, module: 'kubernetes-models/v1/Namespace', declaration: 'INamespace' },
  'v1/ConfigMap': { validate: validateConfigMap, module: 'kubernetes-models/v1/ConfigMap', declaration: 'IConfigMap' },
  'apps/v1/DaemonSet': { validate: validateDaemonSet, module: 'kubernetes-models/apps/v1/DaemonSet', declaration: 'IDaemonSet' },
  'batch/v1/Job': { validate: validateJob, module: 'kubernetes-models/batch/v1/Job', declaration: 'IJob' },
};

interface Declarations {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}

let declarations: Declarations | undefined;

/**
 * One TypeScript program over a virtual file that imports every kind's declaration (about 1.5 s,
 * once). The file is placed in this folder so that node_modules resolves as for the tests.
 */
function loadDeclarations(): Declarations {
  if (declarations) return declarations;
  const file = join(dirname(fileURLToPath(import.meta.url)), '__kubernetes-kinds.ts');
  const keys = Object.keys(KINDS);
  const source = keys.map((key, i) => `export type { ${KINDS[key]!.declaration} as Kind${i} } from '${KINDS[key]!.module}';`).join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es5.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file)!;
  const problems = ts.getPreEmitDiagnostics(program, sourceFile).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length) throw new Error(`cannot load the Kubernetes declarations: ${problems.join('; ')}`);
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(sourceFile)!);
  const types = new Map<string, ts.Type>();
  for (const [i, key] of keys.entries()) {
    const symbol = exports.find((e) => e.name === `Kind${i}`)!;
    const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol));
    // an unresolved import would be `any` and let every field through
    if (type.flags & ts.TypeFlags.Any || checker.getPropertiesOfType(type).length === 0) throw new Error(`no declaration for ${key}`);
    types.set(key, type);
  }
  declarations = { checker, types };
  return declarations;
}

/** Keys of `value` (and of everything in it) that `type` does not declare, as JSON pointers. */
function unknownFields(checker: ts.TypeChecker, value: unknown, type: ts.Type, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return; // primitives: the schema checks their type
  const declared = checker.getNonNullableType(type);
  if (declared.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  // only object members of a union can hold fields (IntOrString is number | string)
  const members = (declared.isUnion() ? declared.types : [declared]).filter((t) => t.flags & ts.TypeFlags.Object);
  if (Array.isArray(value)) {
    const item = members.map((m) => checker.getIndexTypeOfType(m, ts.IndexKind.Number)).find((t) => t !== undefined);
    if (item) value.forEach((v, i) => unknownFields(checker, v, item, `${path}/${i}`, out));
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const property = members.map((m) => checker.getPropertyOfType(m, key)).find((p) => p !== undefined);
    const fieldType = property ? checker.getTypeOfSymbol(property) : members.map((m) => checker.getIndexTypeOfType(m, ts.IndexKind.String)).find((t) => t !== undefined);
    if (fieldType) unknownFields(checker, v, fieldType, `${path}/${key}`, out);
    else out.push(`${path}/${key}: unknown field (${members.map((m) => checker.typeToString(m)).join(' | ')} has no such field)`);
  }
}

/**
 * What is wrong with `obj` as a Kubernetes object of Kubernetes 1.36: one line per problem,
 * `JSON pointer: what`; empty when it is valid.
 */
export function validateKubernetesObject(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return ['/: not an object'];
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  const key = `${String(apiVersion)}/${String(kind)}`;
  const k = KINDS[key];
  if (!k) return [`/: no schema for apiVersion ${JSON.stringify(apiVersion)} kind ${JSON.stringify(kind)} (known: ${Object.keys(KINDS).join(', ')})`];
  const problems: string[] = [];
  if (!k.validate(obj)) {
    for (const e of k.validate.errors ?? []) problems.push(`${e.instancePath || '/'}: ${e.keyword} ${JSON.stringify(e.params)}`);
  }
  const { checker, types } = loadDeclarations();
  unknownFields(checker, obj, types.get(key)!, '', problems);
  return problems;
}
