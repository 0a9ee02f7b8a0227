import type { EngineResource, EngineView, Json, JsonObject } from "../view";
import { providerUrn } from "../view";
import { PackProcess, type AnalyzerInfo, type EnforcementLevel, type Severity, type WireDiagnostic } from "./analyzer";
import { reconcileConfig } from "./config";

/** A policy violation as a user reads it. */
export interface Diagnostic {
  readonly policy: string;
  /** The resource concerned (the stack's root URN for stack-wide findings). */
  readonly urn: string;
  /** The violation message alone, without the policy description the wire format prepends. */
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: Severity;
  readonly description: string;
}

/** One top-level input a remediation changed: its value before and after (absent: `undefined`), secrets wrapped. */
export interface PropertyChange {
  readonly before?: Json;
  readonly after?: Json;
}

/**
 * A remediation the pack returned, as the engine's remediation event carries it: the
 * policy, the resource, and the diff of its inputs (the CLI shows this diff with
 * `--show-policy-remediations`; an empty diff shows nothing, but the event still counts).
 */
export interface AppliedRemediation {
  readonly policy: string;
  readonly urn: string;
  readonly properties: Readonly<Record<string, PropertyChange>>;
}

export interface AnalysisResult {
  readonly pack: { readonly name: string; readonly version: string };
  readonly info: AnalyzerInfo;
  readonly diagnostics: readonly Diagnostic[];
  readonly remediations: readonly AppliedRemediation[];
  /** What the CLI would warn about before analysing (config for names that are not policies). */
  readonly warnings: readonly string[];
  /** A mandatory violation fails a preview (and stops `pulumi up`). */
  readonly failed: boolean;
}

export interface AnalyzeOptions {
  /** Parsed `--policy-pack-config` JSON. */
  readonly policyPackConfig?: unknown;
  readonly stackTags?: Record<string, string>;
}

/**
 * A diagnostic as the engine attributes it: to the analysed resource in Analyze; in
 * AnalyzeStack to the resource the pack named when it is in the stack, else the root.
 */
function toDiagnostic(wire: WireDiagnostic, urn: string): Diagnostic {
  // `reportViolation` sends `description + "\n" + message`.
  const prefix = `${wire.description}\n`;
  const message = wire.message.startsWith(prefix) ? wire.message.slice(prefix.length) : wire.message;
  return {
    policy: wire.policyName,
    urn,
    message,
    // The engine treats a remediate-level violation (a remediation that did not fix it) as mandatory.
    enforcementLevel: wire.enforcementLevel === "remediate" ? "mandatory" : wire.enforcementLevel,
    severity: wire.severity,
    description: wire.description,
  };
}

/** JSON with object keys sorted, to compare values that crossed a protobuf Struct (which keeps no key order). */
function canonical(value: Json | undefined): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The top-level properties whose values differ between two input bags. */
export function diffInputs(before: JsonObject, after: JsonObject): Record<string, PropertyChange> {
  const changes: Record<string, PropertyChange> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonical(before[key]) === canonical(after[key])) continue;
    changes[key] = {
      ...(before[key] !== undefined && { before: before[key] }),
      ...(after[key] !== undefined && { after: after[key] }),
    };
  }
  return changes;
}

/**
 * The outputs AnalyzeStack sees for a remediated resource. The engine hands the
 * remediated inputs to the provider, whose outputs then carry the new values; every
 * property the remediations left alone keeps the outputs it had (a value AWS computes
 * stays unknown in preview). A removed input is no longer in the outputs.
 */
function remediatedOutputs(resource: EngineResource, inputs: JsonObject): JsonObject {
  const outputs: JsonObject = { ...resource.outputs };
  for (const key of Object.keys(diffInputs(resource.inputs, inputs))) {
    const value = inputs[key];
    if (value === undefined) delete outputs[key];
    else outputs[key] = value;
  }
  return outputs;
}

/**
 * Runs one stack through a started pack in the CLI's order: ConfigureStack,
 * GetPluginInfo, GetAnalyzerInfo, Configure (reconciled), then per resource Remediate
 * and Analyze on its inputs, then AnalyzeStack on every resource's outputs.
 */
export async function analyzeView(pack: PackProcess, view: EngineView, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  if (pack.dryRun !== view.dryRun) {
    // The language host tells a pack whether it serves a preview when it starts it.
    throw new Error(
      `this pack process was started for ${pack.dryRun ? "a preview" : "an update"}; start one for ${view.dryRun ? "a preview" : "an update"}`,
    );
  }
  await pack.configureStack(view, options.stackTags);
  await pack.getPluginInfo();
  const info = await pack.getAnalyzerInfo();
  const warnings: string[] = [];
  await pack.configure(reconcileConfig(info, options.policyPackConfig ?? {}, warnings));

  const byUrn = new Map(view.resources.map((resource) => [resource.urn, resource]));
  const providerOf = (resource: EngineResource) => (resource.provider ? byUrn.get(providerUrn(resource.provider)) : undefined);
  const rootUrn = view.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
  const diagnostics: Diagnostic[] = [];
  const remediations: AppliedRemediation[] = [];
  const analyzed: EngineResource[] = [];
  for (const resource of view.resources) {
    // Resources the program only reads are not analysed on their own, as in the engine.
    if (resource.external) {
      analyzed.push(resource);
      continue;
    }
    const provider = providerOf(resource);
    let inputs: JsonObject = resource.inputs;
    for (const remediation of await pack.remediate(resource, provider)) {
      if (remediation.diagnostic) {
        // A remediation that could not run (an unknown read during preview) is a warning.
        const policy = info.policies.find((p) => p.name === remediation.policyName);
        diagnostics.push({
          policy: remediation.policyName,
          urn: resource.urn,
          message: remediation.diagnostic,
          enforcementLevel: "advisory",
          severity: policy?.severity ?? "",
          description: policy?.description ?? "",
        });
      }
      if (remediation.properties) {
        // Each remediation sees the previous one's result (the pack chains them), and the CLI diffs each against it.
        remediations.push({ policy: remediation.policyName, urn: resource.urn, properties: diffInputs(inputs, remediation.properties) });
        inputs = remediation.properties;
      }
    }
    for (const wire of await pack.analyze(resource, inputs, provider)) diagnostics.push(toDiagnostic(wire, resource.urn));
    analyzed.push(inputs === resource.inputs ? resource : { ...resource, inputs, outputs: remediatedOutputs(resource, inputs) });
  }
  for (const wire of await pack.analyzeStack(analyzed, providerOf)) {
    diagnostics.push(toDiagnostic(wire, byUrn.has(wire.urn) ? wire.urn : rootUrn));
  }
  return {
    pack: { name: info.name, version: info.version },
    info,
    diagnostics,
    remediations,
    warnings,
    failed: diagnostics.some((d) => d.enforcementLevel === "mandatory"),
  };
}

/** Starts the pack as the CLI would for this stack, analyses it once, and stops it. */
export async function runPolicyPack(packDir: string, view: EngineView, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const pack = await PackProcess.start(packDir, view);
  try {
    return await analyzeView(pack, view, options);
  } finally {
    await pack.stop();
  }
}
