/**
 * Runs one Pulumi program under `pulumi.runtime.setMocks` and writes the engine's view
 * of it. Started as its own process by `recordProgram`, because the Pulumi runtime is
 * process-global state: one program per process, as under the real CLI.
 */
import type * as PulumiSdk from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import {
  defaultProviderResource,
  engineUrn,
  packageVersion,
  rootStackResource,
  secretJson,
  UNKNOWN_SENTINEL,
  urnTypeChain,
  type EngineResource,
  type EngineView,
  type Json,
  type JsonObject,
} from "../view";
import { computedOutputs, invokeResult, MOCK_ACCOUNT, syntheticOutputs, UNANSWERED } from "./outputs";

export interface RecordJob {
  readonly programDir: string;
  readonly main: string;
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  readonly dryRun: boolean;
  readonly config: Record<string, string>;
  /** Outputs of referenced stacks, by stack name; any other output is unknown to the recorder. */
  readonly stackReferenceOutputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly output: string;
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

// Signatures of the Pulumi wire format (sdk/nodejs/runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** Flattens what the SDK sent the monitor into what the engine hands a policy pack. */
function flatten(value: unknown, urnOf: (mockUrn: string) => string): Json {
  if (value === null || value === undefined) return null;
  // A value a look-up or read knows and the recorder does not, however the program used it.
  if (typeof value === "string") return value.includes(UNANSWERED) ? UNKNOWN_SENTINEL : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((item) => flatten(item, urnOf));
  if (typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SECRET_SIG:
      // Kept wrapped, as the engine sends a secret to an analyzer.
      return secretJson(flatten(record.value, urnOf));
    case RESOURCE_REF_SIG: {
      if (typeof record.id === "string") return record.id === "" ? UNKNOWN_SENTINEL : record.id;
      return typeof record.urn === "string" ? urnOf(record.urn) : UNKNOWN_SENTINEL;
    }
    case OUTPUT_VALUE_SIG:
      return "value" in record ? flatten(record.value, urnOf) : UNKNOWN_SENTINEL;
    default: {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(record)) if (item !== undefined) out[key] = flatten(item, urnOf);
      return out;
    }
  }
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): ProtoStruct | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): ProtoStruct | undefined;
}
type Callback = (err: unknown, response?: RegisterResponse) => void;
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getId(): string;
  getDependenciesList(): string[];
}
interface ReadResponse {
  getUrn(): string;
  getProperties(): ProtoStruct | undefined;
}
type ReadCallback = (err: unknown, response?: ReadResponse) => void;
interface Monitor {
  registerResource(req: RegisterRequest, callback: Callback): unknown;
  readResource(req: ReadRequest, callback: ReadCallback): unknown;
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2] ?? "", "utf8")) as RecordJob;
  process.chdir(job.programDir);
  // The program's own copy of the SDK is the one whose runtime must be mocked.
  const resolveFromProgram = (id: string) => require.resolve(id, { paths: [job.programDir] });
  const pulumi = require(resolveFromProgram("@pulumi/pulumi")) as typeof PulumiSdk;
  const settings = require(resolveFromProgram("@pulumi/pulumi/runtime/settings")) as {
    getMonitor(): Monitor;
    waitForRPCs(): Promise<void>;
  };
  const region = job.config["aws:region"] ?? "us-east-1";

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        // A read (`Key.get`) has an id and is read even during preview: its state is known.
        // A stack reference is read too: its outputs are what --stack-reference-outputs supplies.
        if (args.type === STACK_REFERENCE) {
          const name = typeof inputs.name === "string" ? inputs.name : args.name;
          return { id: args.id ?? name, state: { name, outputs: { ...job.stackReferenceOutputs[name] }, secretOutputNames: [] } };
        }
        if (args.id) return { id: args.id, state: { ...readOutputs(args.type, args.name, args.id, inputs, region), ...inputs } };
        if (job.dryRun) return { id: undefined, state: inputs };
        const synthetic = syntheticOutputs(args.type, args.name, inputs, region);
        return { id: synthetic.id, state: { ...synthetic.outputs, ...inputs } };
      },
      call: (args) => invokeResult(args.token, (args.inputs ?? {}) as Record<string, unknown>, region, job.programDir),
    },
    job.project,
    job.stack,
    job.dryRun,
    job.organization,
  );
  pulumi.runtime.setAllConfig(job.config);
  answerStackReferences(pulumi);

  // What the engine would pass: secure values it could decrypt; here, unknown placeholders.
  const engineConfig = Object.fromEntries(
    Object.entries(job.config).map(([key, value]) => [key, value.includes(UNANSWERED) ? UNKNOWN_SENTINEL : value]),
  );
  const root = rootStackResource(job.project, job.stack);
  const stackUrn = root.urn;
  const engineUrns = new Map<string, string>();
  const urnOf = (mockUrn: string) => engineUrns.get(mockUrn) ?? mockUrn;
  const recorded: EngineResource[] = [];
  const defaultProviders = new Map<string, EngineResource>();

  const defaultProviderFor = (pkg: string): string => {
    let provider = defaultProviders.get(pkg);
    if (!provider) {
      provider = defaultProviderResource(job.project, job.stack, pkg, packageVersion(`@pulumi/${pkg}`, job.programDir), engineConfig);
      defaultProviders.set(pkg, provider);
    }
    return `${provider.urn}::${job.dryRun ? UNKNOWN_SENTINEL : `${provider.name}-id`}`;
  };

  const monitor = settings.getMonitor();
  monitor.registerResource = intercept(monitor.registerResource.bind(monitor), recordOne);
  monitor.readResource = intercept(monitor.readResource.bind(monitor), recordRead);

  function engineUrnOf(type: string, name: string, mockParent: string, mockUrn: string): { urn: string; parent: string } {
    const parent = mockParent ? urnOf(mockParent) : stackUrn;
    const chain = parent === stackUrn ? type : `${urnTypeChain(parent)}$${type}`;
    const urn = engineUrn(job.stack, job.project, chain, name);
    engineUrns.set(mockUrn, urn);
    return { urn, parent };
  }

  function providerOf(reference: string, custom: boolean, type: string): string | undefined {
    const pkg = type.split(":")[0] ?? "";
    if (reference !== "") return translateProviderRef(reference, urnOf, job.dryRun);
    return custom && !type.startsWith("pulumi:providers:") && pkg !== "pulumi" ? defaultProviderFor(pkg) : undefined;
  }

  function recordRead(req: ReadRequest, response: ReadResponse): void {
    const { urn, parent } = engineUrnOf(req.getType(), req.getName(), req.getParent(), response.getUrn());
    const outputs = flatten(response.getProperties()?.toJavaScript() ?? {}, urnOf) as JsonObject;
    // A read learns the resource's whole state from AWS; the recorder knows only its id and
    // ARN, so everything else the class declares is unknown (never "unset").
    for (const property of computedOutputs(req.getType(), job.programDir)) {
      if (!(property in outputs)) outputs[property] = UNKNOWN_SENTINEL;
    }
    recorded.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: true,
      parent,
      inputs: {},
      outputs: { ...outputs, id: req.getId() },
      dependencies: req.getDependenciesList().map(urnOf),
      propertyDependencies: {},
      provider: providerOf(req.getProvider(), true, req.getType()),
      options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [] },
      external: true,
    });
  }

  function recordOne(req: RegisterRequest, response: RegisterResponse): void {
    const type = req.getType();
    const { urn, parent } = engineUrnOf(type, req.getName(), req.getParent(), response.getUrn());
    const inputs = flatten(req.getObject()?.toJavaScript() ?? {}, urnOf) as JsonObject;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      const urns = deps.getUrnsList().map(urnOf);
      // The engine drops keys whose list is empty.
      if (urns.length > 0) propertyDependencies[key] = urns;
    });
    let outputs = flatten(response.getObject()?.toJavaScript() ?? {}, urnOf) as JsonObject;
    if (job.dryRun && req.getCustom()) {
      // A create in preview: what the provider computes is unknown until it runs.
      outputs = { ...outputs };
      for (const property of computedOutputs(type, job.programDir)) {
        if (!(property in outputs)) outputs[property] = UNKNOWN_SENTINEL;
      }
      outputs.id = UNKNOWN_SENTINEL;
    } else if (req.getCustom()) {
      outputs = { ...outputs, id: response.getId() };
    }
    const provider = providerOf(req.getProvider(), req.getCustom(), type);
    recorded.push({
      urn,
      type,
      name: req.getName(),
      custom: req.getCustom(),
      parent,
      inputs,
      outputs,
      dependencies: req.getDependenciesList().map(urnOf),
      propertyDependencies,
      provider,
      options: {
        protect: req.getProtect(),
        ignoreChanges: req.getIgnorechangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      },
    });
  }

  const program = path.resolve(job.programDir, job.main);
  // As the Node language host does: a program that exports a function is run by calling it.
  const exported = require(program) as unknown;
  const entry = typeof exported === "function" ? exported : (exported as { default?: unknown } | null)?.default;
  if (typeof entry === "function") await (entry as () => unknown)();
  // Drain the program's registrations until nothing new arrives.
  let seen = -1;
  while (seen !== recorded.length) {
    seen = recorded.length;
    await settings.waitForRPCs();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  // Engine order: the stack, then each resource as registered, its default provider first.
  const ordered: EngineResource[] = [root];
  const emitted = new Set<string>();
  for (const resource of recorded) {
    const providerUrn = resource.provider?.slice(0, resource.provider.lastIndexOf("::"));
    const defaultProvider = [...defaultProviders.values()].find((p) => p.urn === providerUrn);
    if (defaultProvider && !emitted.has(defaultProvider.urn)) {
      emitted.add(defaultProvider.urn);
      ordered.push(defaultProvider);
    }
    ordered.push(resource);
  }
  const view: EngineView = {
    organization: job.organization,
    project: job.project,
    stack: job.stack,
    dryRun: job.dryRun,
    config: engineConfig,
    resources: ordered,
  };
  fs.writeFileSync(job.output, JSON.stringify(view, null, 1));
}

/**
 * A referenced stack's output that `--stack-reference-outputs` did not supply exists in
 * that stack, as far as anyone here knows: it reads as a value from outside the stack
 * (unknown to the pack), never as "not set", and the program does not fail on it.
 */
function answerStackReferences(pulumi: typeof PulumiSdk): void {
  const prototype = pulumi.StackReference.prototype as unknown as Record<string, unknown>;
  const lookUp = function (this: PulumiSdk.StackReference, name: PulumiSdk.Input<string>): PulumiSdk.Output<unknown> {
    return pulumi
      .all([pulumi.output(name), this.outputs])
      .apply(([n, outputs]) => (Object.prototype.hasOwnProperty.call(outputs ?? {}, n) ? outputs[n] : UNANSWERED));
  };
  prototype.getOutput = lookUp;
  prototype.requireOutput = lookUp;
  prototype.getOutputDetails = async function (this: PulumiSdk.StackReference, name: string) {
    return { value: await new Promise((resolve) => lookUp.call(this, name).apply(resolve)) };
  };
  prototype.getOutputValue = async function (this: PulumiSdk.StackReference, name: string) {
    return new Promise((resolve) => lookUp.call(this, name).apply(resolve));
  };
  prototype.requireOutputValue = prototype.getOutputValue;
}

/** What a read (`Key.get(name, id)`) learns that the recorder can know: the id it was given, and the ARN it implies. */
function readOutputs(type: string, name: string, id: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  const outputs = syntheticOutputs(type, name, inputs, region).outputs;
  if (type.startsWith("aws:kms/") && type.toLowerCase().includes("key:")) {
    const arn = id.startsWith("arn:") ? id : `arn:aws:kms:${region}:${MOCK_ACCOUNT}:key/${id}`;
    return { ...outputs, keyId: arn.slice(arn.indexOf(":key/") + 5), arn };
  }
  return outputs;
}

/** Wraps a mock monitor call so that each successful answer is recorded first. */
function intercept<Req, Res>(
  call: (req: Req, callback: (err: unknown, response?: Res) => void) => unknown,
  record: (req: Req, response: Res) => void,
): (req: Req, callback: (err: unknown, response?: Res) => void) => unknown {
  return (req, callback) =>
    call(req, (err, response) => {
      if (!err && response) {
        try {
          record(req, response);
        } catch (recordError) {
          return callback(recordError);
        }
      }
      callback(err, response);
    });
}

function translateProviderRef(reference: string, urnOf: (urn: string) => string, dryRun: boolean): string {
  const cut = reference.lastIndexOf("::");
  const urn = urnOf(reference.slice(0, cut));
  const id = reference.slice(cut + 2);
  return `${urn}::${id === "" ? (dryRun ? UNKNOWN_SENTINEL : "provider-id") : id}`;
}

/** The line the recorder's parent reads a program's failure from. */
export const PROGRAM_ERROR = "backup-guardrails-program-error ";

/**
 * Where in the program an error was thrown: the first stack frame in the program's own
 * files (not its node_modules), with the resource the line creates when it creates one.
 */
export function programLocation(error: unknown, programDir: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n").slice(1)) {
    const frame = /\(?((?:\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!frame) continue;
    const [, file = "", row = "", column = ""] = frame;
    if (!file.startsWith(programDir + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    let resource = "";
    try {
      const source = fs.readFileSync(file, "utf8").split("\n")[Number(row) - 1] ?? "";
      const created = /new\s+([\w.$]+)\s*\(\s*(["'`])([^"'`]+)\2/.exec(source);
      if (created && !/Error$/.test(created[1] ?? "")) resource = `, creating ${created[1]} "${created[3]}"`;
    } catch {
      // The location alone still helps.
    }
    return `${path.relative(programDir, file)}:${row}:${column}${resource}`;
  }
  return undefined;
}

function fail(error: unknown): never {
  const job = (() => {
    try {
      return JSON.parse(fs.readFileSync(process.argv[2] ?? "", "utf8")) as RecordJob;
    } catch {
      return undefined;
    }
  })();
  const message =
    error instanceof Error ? `${error.constructor.name === "Error" ? "Error" : error.constructor.name}: ${error.message}` : String(error);
  const location = job ? programLocation(error, job.programDir) : undefined;
  process.stderr.write(`${PROGRAM_ERROR}${JSON.stringify({ message: message.split("\n")[0], location })}\n`);
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

if (require.main === module) {
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  main().catch(fail);
}
