import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { className, type TypeSet } from "./types";
import { getPath, isUnknown, toProps, type Props, type Value } from "./values";

/** The provider a resource is registered with, as policies see it. */
export interface IndexedProvider {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Props;
}

/** One resource of the stack, with plain props. */
export interface IndexedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Inputs in a resource policy; outputs in a stack policy (unknown where AWS computes them during preview). */
  readonly props: Props;
  readonly provider?: IndexedProvider;
}

/** A `propertyDependencies` edge seen from its target. */
export interface Referrer {
  readonly resource: IndexedResource;
  readonly property: string;
}

/** What the SDK hands a policy about a resource or provider (`PolicyResource`, `ResourceValidationArgs`). */
interface SdkResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: unknown;
  readonly provider?: PolicyProviderResource;
}

/** Plain props, converted on first read: most resources are never looked at. */
function withLazyProps<T extends object>(fields: T, raw: unknown): T & { readonly props: Props } {
  let props: Props | undefined;
  return Object.defineProperty(fields, "props", { get: () => (props ??= toProps(raw)), enumerable: true }) as T & { props: Props };
}

/**
 * Indexes one resource. Providers are shared by many resources, so `providers` keeps
 * one converted provider per URN.
 */
export function indexResource(resource: SdkResource, providers: Map<string, IndexedProvider> = new Map()): IndexedResource {
  let provider: IndexedProvider | undefined;
  if (resource.provider) {
    const { urn, type, name, props } = resource.provider;
    provider = providers.get(urn);
    if (!provider) {
      provider = withLazyProps({ urn, type, name }, props);
      providers.set(urn, provider);
    }
  }
  return withLazyProps({ urn: resource.urn, type: resource.type, name: resource.name, provider }, resource.props);
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * One indexed view of the stack, built once per analysis and shared by its stack policies: resources by
 * type and by URN, and `propertyDependencies` edges in both directions, so that every
 * cross-resource question is a lookup rather than a scan. Derived facts that several
 * policies need (backup stores, backup keys, identities) are computed once per index
 * through `memo`.
 */
export class StackIndex {
  private readonly byUrn = new Map<string, IndexedResource>();
  private readonly byType = new Map<string, IndexedResource[]>();
  private readonly forward = new Map<string, Map<string, IndexedResource[]>>();
  private readonly reverse = new Map<string, Referrer[]>();
  private readonly memos = new Map<string, unknown>();
  private inputStateOf?: (urn: string, property: string) => "unknown" | "set" | "absent" | undefined;
  private readCheck?: (urn: string) => boolean;

  private constructor(
    readonly resources: readonly IndexedResource[],
    /** A preview (the language host sets PULUMI_NODEJS_DRY_RUN); an update or audit otherwise. */
    readonly preview: boolean,
  ) {}

  static fromPolicyResources(resources: readonly PolicyResource[]): StackIndex {
    const providers = new Map<string, IndexedProvider>();
    const indexed = resources.map((resource) => ({ resource, indexed: indexResource(resource, providers) }));
    const index = new StackIndex(
      indexed.map((entry) => entry.indexed),
      process.env.PULUMI_NODEJS_DRY_RUN !== "false",
    );
    for (const { indexed: resource } of indexed) {
      index.byUrn.set(resource.urn, resource);
      const sameType = index.byType.get(resource.type);
      if (sameType) sameType.push(resource);
      else index.byType.set(resource.type, [resource]);
    }
    for (const { resource, indexed: from } of indexed) {
      const edges = new Map<string, IndexedResource[]>();
      for (const property of Object.keys(resource.propertyDependencies ?? {})) {
        const targets = (resource.propertyDependencies[property] ?? [])
          .map((target) => index.byUrn.get(target.urn))
          .filter((target): target is IndexedResource => target !== undefined);
        if (targets.length === 0) continue;
        edges.set(property, targets);
        for (const target of targets) {
          const referrers = index.reverse.get(target.urn);
          const referrer = { resource: from, property };
          if (referrers) referrers.push(referrer);
          else index.reverse.set(target.urn, [referrer]);
        }
      }
      if (edges.size > 0) index.forward.set(from.urn, edges);
    }
    return index;
  }

  get(urn: string): IndexedResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(types: TypeSet): IndexedResource[] {
    const out: IndexedResource[] = [];
    for (const type of types) out.push(...(this.byType.get(type) ?? EMPTY));
    return out;
  }

  /** Resources the given property of `from` was computed from (its `propertyDependencies`). */
  dependenciesOf(from: IndexedResource, property: string, types?: TypeSet): readonly IndexedResource[] {
    const targets = this.forward.get(from.urn)?.get(property) ?? EMPTY;
    return types ? targets.filter((target) => types.has(target.type)) : targets;
  }

  /** Resources with a property computed from `target`. */
  referrersOf(target: IndexedResource, types?: TypeSet): readonly Referrer[] {
    const referrers = this.reverse.get(target.urn) ?? EMPTY;
    return types ? referrers.filter((referrer) => types.has(referrer.resource.type)) : referrers;
  }

  /**
   * Reads a setting the program may have left unset. During preview the provider marks
   * an unset optional-computed property (a vault's `kmsKeyArn`, a key's
   * `rotationPeriodInDays`) unknown; such a default reads as absent (`leftToProvider`).
   */
  setting(resource: IndexedResource, path: readonly [string, ...(string | number)[]]): Value | undefined {
    const value = getPath(resource.props, path);
    return isUnknown(value) && this.leftToProvider(resource, path[0]) ? undefined : value;
  }

  /**
   * True when an unknown top-level property is one the provider fills in: only during
   * preview, only when no resource of the program produced it, and not when the program
   * set it (to a data source's result, a secret config value, …: see `withInputs`). Outside preview an
   * unknown is a secret the stack export keeps encrypted, and stays unknown.
   */
  leftToProvider(resource: IndexedResource, property: string): boolean {
    return (
      this.preview &&
      this.dependenciesOf(resource, property).length === 0 &&
      this.inputState(resource, property) !== "unknown" &&
      !this.isRead(resource)
    );
  }

  /**
   * Tells the index which inputs the program set to an unknown value (seen in Analyze,
   * before AnalyzeStack): those are not left to the provider, whatever produced them.
   */
  withInputs(
    inputState: (urn: string, property: string) => "unknown" | "set" | "absent" | undefined,
    wasRead?: (urn: string) => boolean,
  ): this {
    this.inputStateOf = inputState;
    this.readCheck = wasRead;
    return this;
  }

  /**
   * True when the program reads the resource (`.get`) rather than creating it: its
   * properties are what the read returned, and one that is unknown is not a default.
   */
  isRead(resource: IndexedResource): boolean {
    return this.readCheck?.(resource.urn) ?? false;
  }

  /**
   * This index as seen by the check of one subject the program reads: `unknownWhen`
   * says so, since nothing the stack creates computes its unknown values.
   */
  forReadSubject(resource: IndexedResource): StackIndex {
    const view = Object.create(this) as StackIndex;
    Object.defineProperty(view, "unknownWhen", {
      value: `here, because the program reads ${describe(resource)} (.get) rather than creating it, and only what the read returned is known`,
    });
    return view;
  }

  /**
   * What the program set a top-level input to, as Analyze saw it: `"unknown"`, `"set"`,
   * `"absent"`, or `undefined` when the inputs were not seen (audits, read resources).
   */
  inputState(resource: IndexedResource, property: string): "unknown" | "set" | "absent" | undefined {
    return this.inputStateOf?.(resource.urn, property);
  }

  /** How a reason says when a value was unknown: "during preview", or for an audit, why. */
  get unknownWhen(): string {
    return this.preview ? "during preview" : "in the stack state (an encrypted secret, or a value this analysis was not given)";
  }

  /** Computes a derived fact once per index. */
  memo<T>(key: string, compute: (index: StackIndex) => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute(this);
    this.memos.set(key, value);
    return value;
  }
}

/** `Vault 'payments'`: how messages name a resource. */
export function describe(resource: { readonly type: string; readonly name: string }): string {
  return `${className(resource.type)} '${resource.name}'`;
}
