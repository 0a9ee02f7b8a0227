/**
 * Runs policies in this process, the way `@pulumi/policy`'s server runs them for the
 * CLI (same deserialisation, same unknown-checking proxies, same order, same config
 * reconciliation), for unit tests that need no pack process: milliseconds per test.
 */
import type {
  Policy,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import type { AnalyzerInfo, EnforcementLevel, Severity } from "./engine/analyzer";
import { reconcileConfig } from "./engine/config";
import type { AnalysisResult, Diagnostic } from "./engine/run";
import { outputsWithSecrets, providerUrn, type EngineResource, type EngineView, type JsonObject } from "./view";

// The SDK's own deserialisation and proxy, so unknowns behave exactly as under the CLI
// (these modules are internal to @pulumi/policy and ship without declarations).
// Called through the module object, as the SDK's server does, so that whatever observes
// the SDK's deserialisation (the pack keeps where secrets were) sees ours too.
const deserialize = require("@pulumi/policy/deserialize") as {
  deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
};
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(value: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};

type AnyPolicy = Policy &
  Partial<Pick<ResourceValidationPolicy, "validateResource">> &
  Partial<Pick<StackValidationPolicy, "validateStack">>;

/** What the SDK hands a policy as `props`: deserialised from a Struct, behind the unknown-checking proxy. */
export function policyProps(values: JsonObject): Record<string, unknown> {
  const struct = Struct.fromJavaScript(JSON.parse(JSON.stringify(values)) as Record<string, JavaScriptValue>);
  return unknownCheckingProxy(deserialize.deserializeProperties(struct, false)) as Record<string, unknown>;
}

function options(resource: EngineResource) {
  return {
    protect: resource.options.protect,
    ignoreChanges: [...resource.options.ignoreChanges],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [...resource.options.additionalSecretOutputs],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

function info(policies: readonly AnyPolicy[]): AnalyzerInfo {
  return {
    name: PACK,
    version: PACK_VERSION,
    displayName: "",
    readme: "",
    initialConfig: {},
    policies: policies.map((policy) => ({
      name: policy.name,
      description: policy.description,
      enforcementLevel: policy.enforcementLevel ?? "advisory",
      type: policy.validateStack ? "stack" : "resource",
      severity: policy.severity ?? "",
      tags: policy.tags ?? [],
      remediationSteps: policy.remediationSteps ?? "",
      url: policy.url ?? "",
      configSchema: policy.configSchema && {
        properties: policy.configSchema.properties as Record<string, unknown>,
        required: policy.configSchema.required ?? [],
      },
    })),
  };
}

export interface InProcessOptions {
  /** `--policy-pack-config` JSON, reconciled as the CLI does. */
  readonly policyPackConfig?: unknown;
  readonly stackTags?: Record<string, string>;
}

/**
 * Runs the given policies (a pack's `policies` list, or just one policy) over an engine
 * view: each resource policy on each resource's inputs, then each stack policy on
 * every resource's outputs. Returns what the engine emulator returns.
 */
export async function runPolicies(
  policies: readonly Policy[],
  view: EngineView,
  runOptions: InProcessOptions = {},
): Promise<AnalysisResult> {
  const list = policies as readonly AnyPolicy[];
  // The language host tells a pack whether it serves a preview through its environment,
  // which is one per process: runs take turns, so concurrent calls cannot see each
  // other's setting.
  const turn = queue.then(async () => {
    const dryRun = process.env.PULUMI_NODEJS_DRY_RUN;
    process.env.PULUMI_NODEJS_DRY_RUN = String(view.dryRun);
    try {
      return await analyze(list, view, runOptions);
    } finally {
      if (dryRun === undefined) delete process.env.PULUMI_NODEJS_DRY_RUN;
      else process.env.PULUMI_NODEJS_DRY_RUN = dryRun;
    }
  });
  queue = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

let queue: Promise<void> = Promise.resolve();

const PACK = "in-process";
const PACK_VERSION = "0.0.0";

/** Thrown by `args.notApplicable()`, as @pulumi/policy's own. */
class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** `isType`/`asType` as the SDK defines them: by the class's `__pulumiType`. */
function typeChecks<T extends { isType: unknown; asType: unknown }>(type: string, props: unknown): Pick<T, "isType" | "asType"> {
  const matches = (cls: unknown) => (cls as { __pulumiType?: string } | null)?.__pulumiType === type;
  return { isType: matches, asType: (cls: unknown) => (matches(cls) ? props : undefined) } as unknown as Pick<T, "isType" | "asType">;
}

/** A resource's provider as the SDK hands it to a policy. */
function providerOf(byUrn: ReadonlyMap<string, EngineResource>) {
  return (resource: EngineResource) => {
    const p = resource.provider ? byUrn.get(providerUrn(resource.provider)) : undefined;
    return p && { type: p.type, urn: p.urn, name: p.name, props: policyProps(p.inputs) };
  };
}

/**
 * The stack's resources as the SDK hands them to a stack policy in AnalyzeStack: outputs
 * deserialised (secrets of `additionalSecretOutputs` included), behind the
 * unknown-checking proxy, with parents, dependencies and `propertyDependencies` linked.
 */
export function stackPolicyResources(view: EngineView): PolicyResource[] {
  const byUrn = new Map(view.resources.map((r) => [r.urn, r]));
  const provider = providerOf(byUrn);
  const resources = new Map<string, PolicyResource>();
  for (const r of view.resources) {
    const p = provider(r);
    const props = policyProps(outputsWithSecrets(r));
    resources.set(r.urn, {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      ...typeChecks<PolicyResource>(r.type, props),
      ...(p ? { provider: p } : {}),
    } as PolicyResource);
  }
  for (const r of view.resources) {
    const resource = resources.get(r.urn)!;
    if (r.parent) resource.parent = resources.get(r.parent);
    resource.dependencies = r.dependencies.map((d) => resources.get(d)).filter((d): d is PolicyResource => d !== undefined);
    for (const [property, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[property] = urns.map((u) => resources.get(u)).filter((d): d is PolicyResource => d !== undefined);
    }
  }
  return [...resources.values()];
}

async function analyze(list: readonly AnyPolicy[], view: EngineView, runOptions: InProcessOptions): Promise<AnalysisResult> {
  const analyzerInfo = info(list);
  const warnings: string[] = [];
  const config = reconcileConfig(analyzerInfo, runOptions.policyPackConfig ?? {}, warnings);
  const stackTags = new Map(Object.entries(runOptions.stackTags ?? {}));
  const byUrn = new Map(view.resources.map((r) => [r.urn, r]));
  const rootUrn = view.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
  const diagnostics: Diagnostic[] = [];
  const provider = providerOf(byUrn);

  /** `urn` is where the engine attributes what the pack reports: the resource (Analyze) or, for a stack policy, the root. */
  const run = async (policy: AnyPolicy, fallbackUrn: string, stackPhase: boolean, body: (report: ReportViolation) => unknown) => {
    const configured = config[policy.name];
    let level: EnforcementLevel = configured?.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") return;
    if (level === "remediate") level = "mandatory";
    const severity = (policy.severity ?? "") as Severity;
    const report: ReportViolation = (message, urn) => {
      diagnostics.push({
        policy: policy.name,
        urn: stackPhase && urn && byUrn.has(urn) ? urn : fallbackUrn,
        message: typeof message === "string" ? message : "",
        enforcementLevel: level,
        severity,
        description: policy.description,
      });
    };
    try {
      await body(report);
    } catch (error) {
      if (error instanceof NotApplicable) return;
      if (!(error instanceof UnknownValueError)) throw error;
      const message = `can't run policy '${policy.name}' from policy pack '${PACK}@v${PACK_VERSION}' during preview: ${error.message}`;
      diagnostics.push({
        policy: policy.name,
        urn: fallbackUrn,
        message,
        enforcementLevel: "advisory",
        severity,
        description: policy.description,
      });
    }
  };
  const getConfig = (policy: AnyPolicy) => () => ({ ...(config[policy.name]?.properties ?? {}) }) as never;

  for (const resource of view.resources) {
    // Resources the program only reads are not analysed on their own, as in the engine.
    if (resource.external) continue;
    for (const policy of list) {
      const validate = policy.validateResource;
      if (!validate) continue;
      for (const validation of Array.isArray(validate) ? validate : [validate]) {
        await run(policy, resource.urn, false, async (report) => {
          const props = policyProps(resource.inputs);
          const p = provider(resource);
          await validation(
            {
              type: resource.type,
              props,
              urn: resource.urn,
              name: resource.name,
              opts: options(resource),
              stackTags,
              ...typeChecks<ResourceValidationArgs>(resource.type, props),
              getConfig: getConfig(policy),
              notApplicable,
              ...(p ? { provider: p } : {}),
            },
            report,
          );
        });
      }
    }
  }

  for (const policy of list) {
    const validateStack = policy.validateStack;
    if (!validateStack) continue;
    await run(policy, rootUrn, true, async (report) => {
      await validateStack(
        {
          resources: stackPolicyResources(view),
          getConfig: getConfig(policy),
          stackTags,
          notApplicable,
        },
        report,
      );
    });
  }
  return {
    pack: { name: analyzerInfo.name, version: analyzerInfo.version },
    info: analyzerInfo,
    diagnostics,
    remediations: [],
    warnings,
    failed: diagnostics.some((d) => d.enforcementLevel === "mandatory"),
  };
}
