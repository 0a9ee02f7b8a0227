/**
 * Remediation under enforcement level `remediate`. The engine calls Remediate on each
 * resource's provider-checked inputs, with only that resource and its provider, before
 * Analyze of it and before the resources registered after it: a remediation can use
 * only what the resource itself shows. It returns the inputs with a few plain values
 * set, every other value (secrets, unknowns) passed back exactly as it came.
 */
import type { IndexedResource } from "./stackIndex";
import type { TypeSet } from "./types";
import { getPath, isSecret, isUnknown, unwrapProxy, type Field, type Value } from "./values";

/** What a policy says about automatic remediation, written once in its metadata. */
export type RemediationNote =
  /** What `remediate` sets, on which resources: a sentence. */
  | { readonly fixes: string }
  /** Why the policy does not fix anything itself: a sentence. */
  | { readonly notFixed: string };

/** One value a remediation sets, at its path in the resource's inputs. */
export interface PropertyFix {
  readonly path: readonly [string, ...(string | number)[]];
  readonly value: boolean | number | string;
}

/** The remediation of one policy: the fixes one resource's inputs need, or none. */
export interface Remedy<C> {
  readonly resourceTypes: TypeSet;
  fixes(resource: IndexedResource, context: { readonly config: C }): readonly PropertyFix[];
}

/** True when the resource's inputs hold an unknown or a secret anywhere along `path`. */
export function opaqueAt(resource: IndexedResource, path: readonly (string | number)[]): boolean {
  // `getPath` stops at the first unknown on the way; `isSecret` covers a secret container.
  return isUnknown(getPath(resource.props, path)) || isSecret(resource.props, path);
}

/**
 * A value a remediation may rely on or replace, read as `read` reads it; `undefined`
 * when it is unknown or a secret, or lies in one: a secret is never replaced (the
 * program chose to hide it) and an unknown never guessed at.
 */
export function plainField<T>(
  resource: IndexedResource,
  path: readonly (string | number)[],
  read: (value: Value | undefined) => Field<T>,
): Field<T> | undefined {
  if (opaqueAt(resource, path)) return undefined;
  const field = read(getPath(resource.props, path));
  return field.state === "unknown" ? undefined : field;
}

type Raw = Record<string | number, unknown>;

function isPlainContainer(value: unknown): value is Raw {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/**
 * The inputs with the fixes applied: the raw bag @pulumi/policy deserialised (its
 * `Secret`s and unknown sentinels kept, so they travel back unchanged), copied only
 * along the paths that change. `undefined` when a path runs through something that is
 * not a plain object or list (a secret, an unknown, a scalar): nothing is then changed.
 */
export function applyFixes(props: unknown, fixes: readonly PropertyFix[]): Record<string, unknown> | undefined {
  if (typeof props !== "object" || props === null) return undefined;
  const root = unwrapProxy(props);
  if (!isPlainContainer(root) || Array.isArray(root)) return undefined;
  const out: Raw = { ...root };
  for (const { path, value } of fixes) {
    let parent: Raw = out;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i] as string | number;
      const child = parent[step];
      let copy: Raw;
      if (child === undefined || child === null) copy = typeof path[i + 1] === "number" ? ([] as unknown as Raw) : {};
      else if (isPlainContainer(child)) copy = (Array.isArray(child) ? [...(child as unknown[])] : { ...child }) as Raw;
      else return undefined;
      parent[step] = copy;
      parent = copy;
    }
    parent[path[path.length - 1] as string | number] = value;
  }
  return out as Record<string, unknown>;
}
