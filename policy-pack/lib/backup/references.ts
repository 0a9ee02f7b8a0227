import type { IndexedResource, StackIndex } from "../stackIndex";
import type { TypeSet } from "../types";
import { isUnknown } from "../values";

/** What a property naming another resource (`backupVaultName`, `planId`) is proven to point at. */
export type Referent =
  /** Resources of the stack, by `propertyDependencies` edge or by a literal equal to their name. */
  | { readonly kind: "stack"; readonly targets: readonly IndexedResource[] }
  /** A literal naming nothing of the stack whose name is known. */
  | { readonly kind: "literal"; readonly value: string }
  /** Unknown during preview and computed from no resource of the target types. */
  | { readonly kind: "unknown" }
  | { readonly kind: "absent" };

/** The resources of `types` by the literals that name them (`name`, `id`, `arn`), built once per index. */
function byLiteral(index: StackIndex, types: TypeSet, properties: readonly string[]): ReadonlyMap<string, IndexedResource> {
  return index.memo(`byLiteral:${[...types].join(",")}:${properties.join(",")}`, () => {
    const map = new Map<string, IndexedResource>();
    for (const resource of index.ofType(types)) {
      for (const property of properties) {
        const value = resource.props[property];
        if (typeof value === "string" && value !== "") map.set(value, resource);
      }
    }
    return map;
  });
}

/**
 * Resolves a property that names a resource of the stack: its edges first (a name
 * computed during preview is unknown, but its edge proves what it names), then a
 * literal equal to a target's `name`, `id` or `arn`.
 */
export function referent(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  types: TypeSet,
  nameProperties: readonly string[] = ["name", "id", "arn"],
): Referent {
  const byEdge = index.dependenciesOf(referrer, property, types);
  if (byEdge.length > 0) return { kind: "stack", targets: byEdge };
  const value = referrer.props[property];
  if (typeof value === "string" && value !== "") {
    const target = byLiteral(index, types, nameProperties).get(value);
    return target ? { kind: "stack", targets: [target] } : { kind: "literal", value };
  }
  return isUnknown(value) ? { kind: "unknown" } : { kind: "absent" };
}

/** True when some resource of `types` has none of its name properties known, so a literal could still name it. */
export function someNameUnknown(index: StackIndex, types: TypeSet, nameProperties: readonly string[] = ["name"]): boolean {
  return index.memo(`someNameUnknown:${[...types].join(",")}:${nameProperties.join(",")}`, () =>
    index.ofType(types).some((resource) => nameProperties.every((property) => typeof resource.props[property] !== "string")),
  );
}

/**
 * Groups referrers by the stack resource they name: `byTarget` by URN, with the
 * referrers whose target stays open (unknown, or a literal while some target's name
 * is unknown) in `open`.
 */
export interface ReferrerGroups {
  readonly byTarget: ReadonlyMap<string, readonly IndexedResource[]>;
  readonly open: readonly OpenReferrer[];
}

/** A referrer whose target is not settled: its value is unknown, or a literal that may be a target's unknown name. */
export interface OpenReferrer {
  readonly referrer: IndexedResource;
  /** The literal, when the value is one. */
  readonly literal?: string;
}

/** The open referrers that may name `target`: an unknown may name anything, a literal only a target whose name is unknown. */
export function openFor(
  groups: ReferrerGroups,
  target: IndexedResource,
  nameProperties: readonly string[] = ["name", "id", "arn"],
): IndexedResource[] {
  const nameUnknown = nameProperties.every((property) => typeof target.props[property] !== "string");
  return groups.open.filter((open) => open.literal === undefined || nameUnknown).map((open) => open.referrer);
}

export function groupReferrers(
  index: StackIndex,
  referrers: readonly IndexedResource[],
  property: string,
  types: TypeSet,
  nameProperties: readonly string[] = ["name", "id", "arn"],
): ReferrerGroups {
  const byTarget = new Map<string, IndexedResource[]>();
  const open: OpenReferrer[] = [];
  const namesUnknown = someNameUnknown(index, types, nameProperties);
  for (const referrer of referrers) {
    const found = referent(index, referrer, property, types, nameProperties);
    if (found.kind === "stack") {
      for (const target of found.targets) {
        const list = byTarget.get(target.urn);
        if (list) list.push(referrer);
        else byTarget.set(target.urn, [referrer]);
      }
    } else if (found.kind === "unknown") open.push({ referrer });
    else if (found.kind === "literal" && namesUnknown) open.push({ referrer, literal: found.value });
  }
  return { byTarget, open };
}
