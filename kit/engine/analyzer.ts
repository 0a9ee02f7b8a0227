/**
 * A policy pack process, started and spoken to exactly as the Pulumi CLI does it:
 * `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` in the
 * pack's directory, the gRPC port read from the first stdout line, then the Analyzer
 * protocol (protos shipped in `@pulumi/pulumi/proto`).
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { outputsWithSecrets, type EngineResource, type JsonObject } from "../view";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "" | "low" | "medium" | "high" | "critical";

const LEVELS: Record<number, EnforcementLevel> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
  [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES: Record<EnforcementLevel, analyzer.EnforcementLevel> = {
  advisory: analyzer.EnforcementLevel.ADVISORY,
  mandatory: analyzer.EnforcementLevel.MANDATORY,
  disabled: analyzer.EnforcementLevel.DISABLED,
  remediate: analyzer.EnforcementLevel.REMEDIATE,
};
const SEVERITIES: Record<number, Severity> = {
  [analyzer.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "",
  [analyzer.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzer.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzer.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzer.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly type: "resource" | "stack" | "unknown";
  readonly severity: Severity;
  readonly framework?: { name: string; version: string; reference: string; specification: string };
  readonly tags: readonly string[];
  readonly remediationSteps: string;
  readonly url: string;
  /** JSON schema `properties` of the policy's config (the engine adds `enforcementLevel`). */
  readonly configSchema?: { properties: Record<string, unknown>; required: readonly string[] };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName: string;
  readonly readme: string;
  readonly policies: readonly PolicyInfo[];
  /** The pack's `initialConfig`, policy name → level or object. */
  readonly initialConfig: Record<string, unknown>;
}

/** A diagnostic as the pack returns it (the message carries the description on its first line). */
export interface WireDiagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string;
  readonly severity: Severity;
}

export interface PolicyConfigEntry {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

export interface Remediation {
  readonly policyName: string;
  readonly properties?: JsonObject;
  readonly diagnostic: string;
}

export class PackLaunchError extends Error {}

/** Strips `undefined` (which `Struct.fromJavaScript` rejects) and anything not JSON. */
function struct(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, JavaScriptValue>);
}

function resourceOptions(resource: EngineResource): analyzer.AnalyzerResourceOptions {
  const options = new analyzer.AnalyzerResourceOptions();
  options.setProtect(resource.options.protect);
  options.setIgnorechangesList([...resource.options.ignoreChanges]);
  options.setAdditionalsecretoutputsList([...resource.options.additionalSecretOutputs]);
  if (resource.options.deleteBeforeReplace !== undefined) {
    options.setDeletebeforereplacedefined(true);
    options.setDeletebeforereplace(resource.options.deleteBeforeReplace);
  }
  if (resource.parent) options.setParent(resource.parent);
  options.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
  return options;
}

function providerResource(provider: EngineResource | undefined): analyzer.AnalyzerProviderResource | undefined {
  if (!provider) return undefined;
  const message = new analyzer.AnalyzerProviderResource();
  message.setType(provider.type);
  message.setUrn(provider.urn);
  message.setName(provider.name);
  message.setProperties(struct(provider.inputs));
  return message;
}

function diagnostics(response: analyzer.AnalyzeResponse): WireDiagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn(),
    severity: SEVERITIES[d.getSeverity()] ?? "",
  }));
}

type Unary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

function call<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method(request, (error, response) => (error ? reject(error) : resolve(response))));
}

export interface StartOptions {
  /** `PULUMI_NODEJS_*` and `PULUMI_CONFIG`, as the language host sets them. */
  readonly organization?: string;
  readonly project?: string;
  readonly stack?: string;
  readonly dryRun?: boolean;
  readonly config?: Readonly<Record<string, string>>;
  /** Extra environment for the pack process. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the port line. */
  readonly timeoutMs?: number;
}

/** A running policy pack and a gRPC client to it. Start once; analyse many stacks; stop. */
export class PackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerRpc.AnalyzerClient,
    /** Whether the pack was told it serves a preview (PULUMI_NODEJS_DRY_RUN). */
    readonly dryRun: boolean,
    /** Milliseconds from spawn to the port line. */
    readonly startupMs: number,
    /** What the pack printed after its port (the CLI shows these as diagnostics). */
    readonly output: string[],
  ) {}

  static async start(packDir: string, options: StartOptions = {}): Promise<PackProcess> {
    const dir = path.resolve(packDir);
    let runner: string;
    try {
      // As the CLI's `pulumi-analyzer-policy` script does: `require.resolve` from the pack
      // directory, so a pack whose dependencies are hoisted (npm workspaces) runs too.
      runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
    } catch {
      throw new PackLaunchError(`${dir} has no @pulumi/pulumi installed: run npm install in the pack directory.`);
    }
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", dir], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PULUMI_NODEJS_ORGANIZATION: options.organization ?? "organization",
        PULUMI_NODEJS_PROJECT: options.project ?? "project",
        PULUMI_NODEJS_STACK: options.stack ?? "dev",
        PULUMI_NODEJS_DRY_RUN: String(options.dryRun ?? true),
        PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
        ...options.env,
      },
    });
    const output: string[] = [];
    const stderr: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new PackLaunchError(`policy pack at ${dir} printed no port within ${options.timeoutMs ?? 60000} ms`));
      }, options.timeoutMs ?? 60000);
      let first = true;
      lines.on("line", (line) => {
        if (!first) {
          output.push(line);
          return;
        }
        first = false;
        clearTimeout(timer);
        const parsed = Number(line.trim());
        // Anything printed before the port breaks the launch, as it does under the CLI.
        if (Number.isInteger(parsed) && parsed > 0) resolve(parsed);
        else reject(new PackLaunchError(`policy pack at ${dir} printed "${line}" before its port`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new PackLaunchError(`policy pack at ${dir} exited with code ${code} before serving:\n${stderr.join("").trim()}`));
      });
    });
    const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
    const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    child.removeAllListeners("exit");
    return new PackProcess(child, client, options.dryRun ?? true, startupMs, output);
  }

  async configureStack(
    view: { organization: string; project: string; stack: string; dryRun: boolean; config: Readonly<Record<string, string>> },
    tags: Record<string, string> = {},
  ): Promise<void> {
    const request = new analyzer.AnalyzerStackConfigureRequest();
    request.setStack(view.stack);
    request.setProject(view.project);
    request.setOrganization(view.organization);
    request.setDryRun(view.dryRun);
    for (const [key, value] of Object.entries(view.config)) request.getConfigMap().set(key, value);
    for (const [key, value] of Object.entries(tags)) request.getTagsMap().set(key, value);
    await call(this.client.configureStack.bind(this.client), request);
  }

  async getPluginInfo(): Promise<string> {
    const info = await call<Empty, plugin.PluginInfo>(this.client.getPluginInfo.bind(this.client), new Empty());
    return info.getVersion();
  }

  async getAnalyzerInfo(): Promise<AnalyzerInfo> {
    const info = await call<Empty, analyzer.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    const initialConfig: Record<string, unknown> = {};
    info.getInitialconfigMap().forEach((config, name) => {
      initialConfig[name] = {
        enforcementLevel: LEVELS[config.getEnforcementlevel()],
        ...(config.getProperties()?.toJavaScript() ?? {}),
      };
    });
    return {
      name: info.getName(),
      version: info.getVersion(),
      displayName: info.getDisplayname(),
      readme: info.getReadme(),
      initialConfig,
      policies: info.getPoliciesList().map((p) => {
        const schema = p.getConfigschema();
        const framework = p.getFramework();
        return {
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
          type:
            p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_RESOURCE
              ? "resource"
              : p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK
                ? "stack"
                : "unknown",
          severity: SEVERITIES[p.getSeverity()] ?? "",
          framework: framework && {
            name: framework.getName(),
            version: framework.getVersion(),
            reference: framework.getReference(),
            specification: framework.getSpecification(),
          },
          tags: p.getTagsList(),
          remediationSteps: p.getRemediationSteps(),
          url: p.getUrl(),
          configSchema: schema && {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            required: schema.getRequiredList(),
          },
        };
      }),
    };
  }

  async configure(config: Readonly<Record<string, PolicyConfigEntry>>): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, entry] of Object.entries(config)) {
      const policyConfig = new analyzer.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_CODES[entry.enforcementLevel]);
      policyConfig.setProperties(struct(entry.properties));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await call(this.client.configure.bind(this.client), request);
  }

  private analyzeRequest(resource: EngineResource, properties: JsonObject, provider: EngineResource | undefined): analyzer.AnalyzeRequest {
    const request = new analyzer.AnalyzeRequest();
    request.setType(resource.type);
    request.setUrn(resource.urn);
    request.setName(resource.name);
    request.setProperties(struct(properties));
    request.setOptions(resourceOptions(resource));
    const providerMessage = providerResource(provider);
    if (providerMessage) request.setProvider(providerMessage);
    return request;
  }

  async remediate(resource: EngineResource, provider: EngineResource | undefined): Promise<Remediation[]> {
    const response = await call<analyzer.AnalyzeRequest, analyzer.RemediateResponse>(
      this.client.remediate.bind(this.client),
      this.analyzeRequest(resource, resource.inputs, provider),
    );
    return response.getRemediationsList().map((r) => ({
      policyName: r.getPolicyname(),
      properties: r.getProperties()?.toJavaScript() as JsonObject | undefined,
      diagnostic: r.getDiagnostic(),
    }));
  }

  async analyze(resource: EngineResource, inputs: JsonObject, provider: EngineResource | undefined): Promise<WireDiagnostic[]> {
    const response = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
      this.client.analyze.bind(this.client),
      this.analyzeRequest(resource, inputs, provider),
    );
    return diagnostics(response);
  }

  async analyzeStack(
    resources: readonly EngineResource[],
    providerOf: (r: EngineResource) => EngineResource | undefined,
  ): Promise<WireDiagnostic[]> {
    const request = new analyzer.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const message = new analyzer.AnalyzerResource();
        message.setType(resource.type);
        message.setUrn(resource.urn);
        message.setName(resource.name);
        message.setProperties(struct(outputsWithSecrets(resource)));
        message.setOptions(resourceOptions(resource));
        const provider = providerResource(providerOf(resource));
        if (provider) message.setProvider(provider);
        if (resource.parent) message.setParent(resource.parent);
        message.setDependenciesList([...resource.dependencies]);
        for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
          if (urns.length === 0) continue; // the engine drops keys with no URNs
          const dependencies = new analyzer.AnalyzerPropertyDependencies();
          dependencies.setUrnsList([...urns]);
          message.getPropertydependenciesMap().set(property, dependencies);
        }
        return message;
      }),
    );
    const response = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
      this.client.analyzeStack.bind(this.client),
      request,
    );
    return diagnostics(response);
  }

  /** The pack process's peak resident memory so far (Linux), in MiB; NaN where unknown. */
  peakRssMiB(): number {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
      return Math.round(kib / 1024);
    } catch {
      return NaN;
    }
  }

  /** The host kills the pack: it never exits on its own. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }
}
