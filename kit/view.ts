/**
 * The engine's view of a stack: what the Pulumi CLI hands a policy pack. The recorder
 * produces it from a program, the export reader from `pulumi stack export`, and the
 * engine emulator sends it to the pack over the Analyzer protocol.
 */

/**
 * JSON as the engine sends it: unknowns are the sentinel strings, secrets are wrapped in
 * the wire format's secret object (`secretJson`), as the engine marshals them for an
 * analyzer (`KeepSecrets`); @pulumi/policy hands policies their plain values.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The string the Node SDK sends for an unknown value during preview. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Signatures of the Pulumi wire format (sdk/nodejs/runtime/rpc.ts).
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A secret value as the engine sends it to an analyzer. */
export function secretJson(value: Json): JsonObject {
  return isSecretJson(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecretJson(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value[SIG_KEY] === SECRET_SIG;
}

/** The plain value of a possibly secret value, recursively (for the kit's own reads, never for the pack). */
export function revealJson(value: Json): Json {
  if (isSecretJson(value)) return revealJson(value.value ?? null);
  if (Array.isArray(value)) return value.map(revealJson);
  if (typeof value === "object" && value !== null) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as JsonObject)) out[key] = revealJson(item);
    return out;
  }
  return value;
}

/**
 * A resource's outputs as the engine sends them in AnalyzeStack: those named in
 * `additionalSecretOutputs` are secrets in the state, so they arrive wrapped.
 */
export function outputsWithSecrets(resource: EngineResource): JsonObject {
  const names = resource.options.additionalSecretOutputs;
  if (names.length === 0) return resource.outputs;
  const out: JsonObject = { ...resource.outputs };
  for (const name of names) {
    const value = out[name];
    if (value !== undefined && value !== null && value !== UNKNOWN_SENTINEL) out[name] = secretJson(value);
  }
  return out;
}

export interface EngineResourceOptions {
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace?: boolean;
}

export interface EngineResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  /** Provider-checked inputs (what `Analyze` sees). */
  readonly inputs: JsonObject;
  /** Outputs (what `AnalyzeStack` sees): unknown where AWS computes them during preview. */
  readonly outputs: JsonObject;
  readonly dependencies: readonly string[];
  /** Top-level property → URNs of the resources it was computed from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Provider reference, `<provider urn>::<provider id>`. */
  readonly provider?: string;
  readonly options: EngineResourceOptions;
  /**
   * A resource the program read (`aws.kms.Key.get`) rather than manages: the engine
   * reads it during preview too, leaves it out of Analyze, and includes it, with known
   * outputs, in AnalyzeStack.
   */
  readonly external?: boolean;
}

export interface EngineView {
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  /** `true` for a preview (unknowns present), `false` for an update or a deployed stack. */
  readonly dryRun: boolean;
  /** Stack configuration, `namespace:key` → string (secrets decrypted), as `PULUMI_CONFIG`. */
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly EngineResource[];
  /** What the recorder could not reproduce and the user should know (undecryptable secrets, a missing stack file). */
  readonly warnings?: readonly string[];
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>`. */
export function engineUrn(stack: string, project: string, typeChain: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${typeChain}::${name}`;
}

/** The type chain part of a URN (`parentType$childType`). */
export function urnTypeChain(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** A provider reference's URN part. */
export function providerUrn(reference: string): string {
  const cut = reference.lastIndexOf("::");
  return cut > 0 ? reference.slice(0, cut) : reference;
}

export const NO_OPTIONS: EngineResourceOptions = Object.freeze({ protect: false, ignoreChanges: [], additionalSecretOutputs: [] });

/** The root `pulumi:pulumi:Stack` resource the engine registers for every stack. */
export function rootStackResource(project: string, stack: string): EngineResource {
  const name = `${project}-${stack}`;
  return {
    urn: engineUrn(stack, project, "pulumi:pulumi:Stack", name),
    type: "pulumi:pulumi:Stack",
    name,
    custom: false,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    options: NO_OPTIONS,
  };
}

/**
 * The default provider the engine creates for a package (`default_7_48_0`): its inputs
 * are the stack's `<package>:*` config values, as strings, plus `version`.
 */
export function defaultProviderResource(
  project: string,
  stack: string,
  pkg: string,
  version: string | undefined,
  config: Readonly<Record<string, string>>,
): EngineResource {
  const inputs: JsonObject = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = value;
  if (version) inputs.version = version;
  const name = `default${version ? `_${version.replace(/\./g, "_")}` : ""}`;
  return {
    urn: engineUrn(stack, project, `pulumi:providers:${pkg}`, name),
    type: `pulumi:providers:${pkg}`,
    name,
    custom: true,
    inputs,
    outputs: inputs,
    dependencies: [],
    propertyDependencies: {},
    options: NO_OPTIONS,
  };
}

/** The installed version of a package, as resolved from a directory. */
export function packageVersion(pkg: string, from: string): string | undefined {
  try {
    const manifest = require(require.resolve(`${pkg}/package.json`, { paths: [from] })) as { version?: string };
    return manifest.version;
  } catch {
    return undefined;
  }
}
