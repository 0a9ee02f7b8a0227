/**
 * Reads a `pulumi stack export` file into the engine's view, so a deployed stack can be
 * audited with the same pack: every value is known (an update's view), except secrets
 * the export keeps encrypted, which become unknown (unverifiable, never guessed).
 */
import { secretJson, UNKNOWN_SENTINEL, type EngineResource, type EngineView, type Json, type JsonObject } from "./view";

export class StackExportError extends Error {}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function plain(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) {
    // `--show-secrets` exports carry `plaintext` (JSON); others only `ciphertext`.
    if (typeof record.plaintext === "string") {
      try {
        return secretJson(plain(JSON.parse(record.plaintext)));
      } catch {
        return secretJson(record.plaintext);
      }
    }
    return UNKNOWN_SENTINEL;
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(record)) if (item !== undefined) out[key] = plain(item);
  return out;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function object(value: unknown): JsonObject {
  const converted = plain(value);
  return typeof converted === "object" && converted !== null && !Array.isArray(converted) ? converted : {};
}

/** Parses the JSON of `pulumi stack export` (deployment version 3). */
export function readStackExport(document: unknown): EngineView {
  try {
    return parseExport(document);
  } catch (error) {
    if (error instanceof RangeError) throw new StackExportError("the stack export nests values too deeply to read");
    throw error;
  }
}

const URN = /^urn:pulumi:[^:]*::[^:]*::[^:]+(?::[^:]+)*::.+$/;

function objectOrAbsent(value: unknown, where: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new StackExportError(`${where} is not an object`);
  return object(value);
}

function parseExport(document: unknown): EngineView {
  const deployment = (document as { deployment?: { resources?: unknown } } | null)?.deployment;
  if (!deployment || !Array.isArray(deployment.resources)) {
    throw new StackExportError("not a `pulumi stack export` file: it has no deployment.resources list");
  }
  const resources: EngineResource[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of (deployment.resources as unknown[]).entries()) {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.urn !== "string" || typeof r.type !== "string") {
      throw new StackExportError(`deployment.resources[${i}] has no urn or type`);
    }
    if (!URN.test(r.urn)) throw new StackExportError(`deployment.resources[${i}].urn is not a Pulumi URN`);
    if (r.delete === true) continue; // pending deletion: no longer part of the stack
    if (seen.has(r.urn)) throw new StackExportError(`deployment.resources[${i}] repeats the URN of another resource`);
    seen.add(r.urn);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, urns] of Object.entries((r.propertyDependencies ?? {}) as Record<string, unknown>)) {
      const list = strings(urns);
      if (list.length > 0) propertyDependencies[key] = list;
    }
    const outputs = objectOrAbsent(r.outputs, `deployment.resources[${i}].outputs`);
    if (typeof r.id === "string" && r.custom === true) outputs.id = r.id;
    resources.push({
      urn: r.urn,
      type: r.type,
      name: r.urn.split("::").slice(3).join("::"),
      custom: r.custom === true,
      parent: typeof r.parent === "string" ? r.parent : undefined,
      inputs: objectOrAbsent(r.inputs, `deployment.resources[${i}].inputs`),
      outputs,
      dependencies: strings(r.dependencies),
      propertyDependencies,
      provider: typeof r.provider === "string" ? r.provider : undefined,
      options: {
        protect: r.protect === true,
        ignoreChanges: strings(r.ignoreChanges),
        additionalSecretOutputs: strings(r.additionalSecretOutputs),
      },
    });
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const [, stack = "stack", project = "project"] = (root?.urn ?? resources[0]?.urn ?? "").match(/^urn:pulumi:([^:]*)::([^:]*)::/) ?? [];
  return { organization: "organization", project, stack, dryRun: false, config: {}, resources };
}
