/**
 * Typed fixtures: build a stack in a test from the real `@pulumi/aws` argument types,
 * link resources with `ref` (which records the `propertyDependencies` edge and, in
 * preview mode, makes the value unknown exactly as a first preview does), and get the
 * engine's view of it without running a program.
 *
 *     const stack = new FixtureStack();
 *     const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
 *     stack.add(aws.backup.Vault, "pass-vault", { kmsKeyArn: ref(key, "arn") });
 *     const result = await runPolicies(policies, stack.view());
 */
import type * as pulumi from "@pulumi/pulumi";
import { computedOutputs, syntheticOutputs } from "./recorder/outputs";
import {
  defaultProviderResource,
  engineUrn,
  NO_OPTIONS,
  packageVersion,
  rootStackResource,
  secretJson,
  UNKNOWN_SENTINEL,
  type EngineResource,
  type EngineView,
  type Json,
  type JsonObject,
} from "./view";

/** A resource class of a Pulumi provider SDK (`aws.backup.Vault`). */
export interface ResourceClass<Args> {
  new (name: string, args: Args, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

class Reference {
  constructor(
    readonly target: Fixture,
    readonly property: string,
  ) {}
}
class Derived {
  constructor(
    readonly value: unknown,
    readonly from: readonly Fixture[],
  ) {}
}
class SecretValue {
  constructor(readonly value: Json) {}
}
class UnknownValue {}

/** One resource added to a `FixtureStack`. */
export class Fixture {
  constructor(
    readonly urn: string,
    readonly type: string,
    readonly name: string,
    readonly args: Record<string, unknown>,
    readonly options: FixtureOptions,
  ) {}
}

export interface FixtureOptions {
  readonly additionalSecretOutputs?: readonly string[];
  /**
   * Outputs that differ from the inputs: what AWS filled in for an existing resource
   * (known mode), such as the ARN of the default key of a vault that set none.
   */
  readonly outputs?: Readonly<Record<string, Json>>;
  /** Use this explicit provider instead of the default one. */
  readonly provider?: Fixture;
}

/**
 * The output `property` of a fixture, as an input of another: records the edge; unknown
 * in preview mode, the resource's AWS-computed value in known mode. Typed as an Output
 * so it fits any `Input<string>`.
 */
export function ref(target: Fixture, property: string): pulumi.Output<string> {
  return new Reference(target, property) as unknown as pulumi.Output<string>;
}

/**
 * A value the program computes from other resources' outputs (`pulumi.all(...).apply`):
 * records an edge to each of them; unknown in preview mode, `value` in known mode.
 */
export function derived<T>(value: T, ...from: Fixture[]): T {
  return new Derived(value, from) as unknown as T;
}

/** A secret input: sent wrapped, as the engine sends secrets (policies see the plain value); never to be echoed. */
export function secret<T extends Json>(value: T): T {
  return new SecretValue(value) as unknown as T;
}

/** A value unknown during preview that no resource of the stack produced (no edge). */
export function unknown<T = string>(): T {
  return new UnknownValue() as unknown as T;
}

export interface FixtureStackOptions {
  /** `preview` (default): a first preview; `known`: an update of an existing stack. */
  readonly mode?: "preview" | "known";
  readonly project?: string;
  readonly stack?: string;
  readonly region?: string;
  /** Extra `aws:*` provider config, e.g. `{ "aws:defaultTags": '{"tags":{…}}' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/** A stack built in code, resource by resource, in registration order. */
export class FixtureStack {
  private readonly fixtures: Fixture[] = [];
  private readonly urns = new Set<string>();
  readonly mode: "preview" | "known";
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  private readonly config: Record<string, string>;
  /** Every secret value given to `secret()`, for tests that assert they are never echoed. */
  readonly secrets: Json[] = [];

  constructor(options: FixtureStackOptions = {}) {
    this.mode = options.mode ?? "preview";
    this.project = options.project ?? "fixture";
    this.stack = options.stack ?? "test";
    this.region = options.region ?? "us-east-1";
    this.config = { "aws:region": this.region, ...options.config };
  }

  /** How many resources the stack holds so far (providers aside). */
  get size(): number {
    return this.fixtures.length;
  }

  /** Adds a resource of an SDK class with that class's own argument type. */
  add<Args>(cls: ResourceClass<Args>, name: string, args: Args, options: FixtureOptions = {}): Fixture {
    const type = (cls as unknown as { __pulumiType?: string }).__pulumiType;
    if (typeof type !== "string") throw new Error(`${cls.name} is not a Pulumi resource class`);
    return this.addType(type, name, args as Record<string, unknown>, options);
  }

  /** Adds a resource by type token, for types without an SDK class or with odd inputs. */
  addType(type: string, name: string, args: Record<string, unknown>, options: FixtureOptions = {}): Fixture {
    const fixture = new Fixture(engineUrn(this.stack, this.project, type, name), type, name, args, options);
    if (this.urns.has(fixture.urn)) throw new Error(`duplicate fixture ${fixture.urn}`);
    this.urns.add(fixture.urn);
    this.fixtures.push(fixture);
    return fixture;
  }

  private known(fixture: Fixture): { id: string; outputs: Record<string, unknown> } {
    const plain = this.resolve(fixture.args, () => undefined) as Record<string, unknown>;
    return syntheticOutputs(fixture.type, fixture.name, plain, this.region);
  }

  /**
   * The value AWS would have computed for a fixture's output in an update (known mode),
   * for building documents such as policies that embed another resource's ARN.
   */
  knownOutput(fixture: Fixture, property: string): Json {
    const known = this.known(fixture);
    const value = property === "id" ? known.id : (known.outputs[property] ?? fixture.args[property]);
    return this.resolve(value, () => undefined);
  }

  /** Replaces markers: references become unknown (preview) or the target's value (known). */
  private resolve(value: unknown, onReference: (reference: Reference) => void): Json {
    if (value instanceof Reference) {
      onReference(value);
      if (this.mode === "preview") return UNKNOWN_SENTINEL;
      const target = this.known(value.target);
      const output = value.property === "id" ? target.id : (target.outputs[value.property] ?? value.target.args[value.property]);
      return this.resolve(output, onReference);
    }
    if (value instanceof Derived) {
      for (const target of value.from) onReference(new Reference(target, "(derived)"));
      return this.mode === "preview" ? UNKNOWN_SENTINEL : this.resolve(value.value, onReference);
    }
    if (value instanceof SecretValue) {
      // Known-mode references resolve a fixture's args again: record each secret once.
      if (!this.secrets.includes(value.value)) this.secrets.push(value.value);
      return secretJson(value.value);
    }
    if (value instanceof UnknownValue) return UNKNOWN_SENTINEL;
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, onReference));
    if (typeof value === "object") {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = this.resolve(item, onReference);
      return out;
    }
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
  }

  /** The engine's view of the stack: root stack, default aws provider, then every fixture. */
  view(): EngineView {
    this.secrets.length = 0;
    const root = rootStackResource(this.project, this.stack);
    const defaultProvider = defaultProviderResource(
      this.project,
      this.stack,
      "aws",
      packageVersion("@pulumi/aws", process.cwd()),
      this.config,
    );
    const providerId = this.mode === "preview" ? UNKNOWN_SENTINEL : `${defaultProvider.name}-id`;
    const resources: EngineResource[] = [root, defaultProvider];
    for (const fixture of this.fixtures) {
      const propertyDependencies: Record<string, string[]> = {};
      const inputs: JsonObject = {};
      for (const [key, value] of Object.entries(fixture.args)) {
        if (value === undefined) continue;
        inputs[key] = this.resolve(value, (reference) => {
          const list = (propertyDependencies[key] ??= []);
          if (!list.includes(reference.target.urn)) list.push(reference.target.urn);
        });
      }
      const isProvider = fixture.type.startsWith("pulumi:providers:");
      if (isProvider) {
        // @pulumi/aws's Provider JSON-encodes every non-string input before registering.
        for (const [key, value] of Object.entries(inputs)) if (typeof value !== "string") inputs[key] = JSON.stringify(value);
      }
      let outputs: JsonObject;
      if (this.mode === "preview") {
        outputs = { ...inputs };
        for (const property of computedOutputs(fixture.type, process.cwd()))
          if (!(property in outputs)) outputs[property] = UNKNOWN_SENTINEL;
        outputs.id = UNKNOWN_SENTINEL;
      } else {
        const known = this.known(fixture);
        outputs = { ...(this.resolve(known.outputs, () => undefined) as JsonObject), ...inputs, ...fixture.options.outputs, id: known.id };
      }
      const provider = isProvider
        ? undefined
        : fixture.options.provider
          ? `${fixture.options.provider.urn}::${providerId}`
          : `${defaultProvider.urn}::${providerId}`;
      resources.push({
        urn: fixture.urn,
        type: fixture.type,
        name: fixture.name,
        custom: true,
        parent: root.urn,
        inputs,
        outputs,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        provider,
        options: { ...NO_OPTIONS, additionalSecretOutputs: [...(fixture.options.additionalSecretOutputs ?? [])] },
      });
    }
    return {
      organization: "organization",
      project: this.project,
      stack: this.stack,
      dryRun: this.mode === "preview",
      config: this.config,
      resources,
    };
  }
}
