/**
 * The parsing edge. Everything the engine hands a policy (proxied property bags whose
 * unknown values are sentinel strings, secrets, assets, odd types) is turned here into
 * plain `Value`s in which an unknown is the `UNKNOWN` marker. Nothing past this module
 * sees `any`, a proxy or a sentinel string.
 */

/** A value that AWS computes and that is therefore unknown during `pulumi preview`. */
export interface Unknown {
  readonly __unknown: true;
}

export const UNKNOWN: Unknown = Object.freeze({ __unknown: true as const });

export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };

/** The properties of one resource, plain and frozen in shape. */
export type Props = { readonly [key: string]: Value };

// The Pulumi engine encodes each kind of unknown as one of these sentinel strings
// (see @pulumi/policy's proxy.js and @pulumi/pulumi's rpc.js).
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The string the Node SDK sends for every unknown output. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

export function isObject(value: Value | undefined): value is { [key: string]: Value } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}

// @pulumi/policy wraps property bags in a Proxy that throws on unknown reads; this
// key is its documented escape hatch to the raw target.
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/**
 * The raw object behind @pulumi/policy's proxies. Remediate's props are proxied twice
 * (unknown-checking over secrets-preserving, which hands out plain values): only the
 * innermost target still holds the `Secret`s, so every layer is unwrapped.
 */
export function unwrapProxy(raw: object): object {
  let current = raw;
  for (let depth = 0; depth < 4; depth++) {
    let target: unknown;
    try {
      target = (current as Record<string, unknown>)[PROXY_TARGET_KEY];
    } catch {
      return current;
    }
    if (typeof target !== "object" || target === null || target === current) return current;
    current = target;
  }
  return current;
}

/**
 * Where secrets were: the paths (`pathKey`) of the values that arrived as secrets, for
 * every property bag this module converted, and for every object @pulumi/policy
 * deserialised from the engine (which sends secrets wrapped and hands policies their
 * plain values). Messages ask `isSecret` before they show a value.
 */
const secretPathsOf = new WeakMap<object, ReadonlySet<string>>();

/** `["rules", 0, "kmsMasterKeyId"]` → `rules.0.kmsMasterKeyId`: how secret paths are keyed. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.join(".");
}

function isWrappedSecret(record: Record<string, unknown>, target: object): boolean {
  if (record[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE && "value" in record) return true;
  // @pulumi/policy's Secret class keeps the value in a field of the same name.
  return target.constructor?.name === "Secret" && "value" in record;
}

function convert(raw: unknown, seen: Set<object>, path: (string | number)[], secrets: Set<string>): Value {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string") return UNKNOWN_SENTINELS.has(raw) ? UNKNOWN : raw;
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw === "boolean") return raw;
  if (typeof raw !== "object") return null;
  if (raw === UNKNOWN) return UNKNOWN;
  const target = unwrapProxy(raw);
  if (seen.has(target)) return null;
  seen.add(target);
  try {
    for (const secretPath of secretPathsOf.get(target) ?? []) secrets.add(pathKey([...path, ...(secretPath === "" ? [] : [secretPath])]));
    if (Array.isArray(target)) return target.map((item, i) => convert(item, seen, [...path, i], secrets));
    const record = target as Record<string, unknown>;
    // A wrapped secret (Remediate requests and stack exports): keep its plain value, and that it was secret.
    if (isWrappedSecret(record, target)) {
      secrets.add(pathKey(path));
      return convert(record.value, seen, path, secrets);
    }
    const out: { [key: string]: Value } = {};
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item !== undefined && typeof item !== "function") out[key] = convert(item, seen, [...path, key], secrets);
    }
    return out;
  } finally {
    seen.delete(target);
  }
}

/**
 * Converts anything the engine or a user hands us into a plain `Value`. Never throws:
 * cycles, functions and class instances that are not data become `null` or their
 * data fields.
 */
export function toValue(raw: unknown, seen: Set<object> = new Set()): Value {
  return convert(raw, seen, [], new Set());
}

/**
 * Converts a property bag; anything that is not an object becomes an empty bag. The
 * bag remembers which of its values were secrets (`isSecret`), and so do the top-level
 * properties named in `secretProperties` (a resource's `additionalSecretOutputs`).
 */
export function toProps(raw: unknown, secretProperties: readonly string[] = []): Props {
  const secrets = new Set<string>(secretProperties);
  const value = convert(raw, new Set(), [], secrets);
  const props = isObject(value) ? value : {};
  if (secrets.size > 0) secretPathsOf.set(props, secrets);
  return props;
}

/**
 * True when the value at `path` of a bag made by `toProps` was a secret, or lies in or
 * holds one: a message must then say "a secret value" instead of showing it.
 */
export function isSecret(props: Props, path: readonly (string | number)[]): boolean {
  const secrets = secretPathsOf.get(props);
  if (!secrets || secrets.size === 0) return false;
  const key = pathKey(path);
  for (const secret of secrets) {
    if (secret === "" || secret === key || key.startsWith(`${secret}.`) || secret.startsWith(`${key}.`)) return true;
  }
  return false;
}

/** A value for a message: the value itself, or "a secret value" when it was a secret. */
export function shown(props: Props, path: readonly (string | number)[], value: string | number | boolean): string {
  return isSecret(props, path) ? "a secret value" : String(value);
}

/** The secret paths of a raw engine payload: where the wire format's secret signature sits. */
function wireSecretPaths(raw: unknown, path: (string | number)[], out: Set<string>): void {
  if (typeof raw !== "object" || raw === null) return;
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => wireSecretPaths(item, [...path, i], out));
    return;
  }
  const record = raw as Record<string, unknown>;
  if (record[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE) {
    out.add(pathKey(path));
    return;
  }
  if (typeof record[SECRET_SIGNATURE_KEY] === "string") return; // assets, archives, references
  for (const [key, item] of Object.entries(record)) wireSecretPaths(item, [...path, key], out);
}

/**
 * The engine sends secrets wrapped (`KeepSecrets`) in Analyze and AnalyzeStack, and
 * @pulumi/policy unwraps them before a policy sees its props. This keeps the fact: it
 * observes the SDK's deserialisation (its result is unchanged) and notes where the
 * secrets were, for `toProps` to find behind the unknown-checking proxy.
 */
function observeSdkSecrets(): void {
  let deserialize: { deserializeProperties?: unknown; __secretsObservers?: Set<object> };
  try {
    deserialize = require("@pulumi/policy/deserialize") as typeof deserialize;
  } catch {
    return;
  }
  const original = deserialize.deserializeProperties;
  // Once per copy of this module: a process may hold two (the pack's compiled lib, loaded
  // by the kit's report, beside its sources in tests), and each keeps its own secret paths.
  const observers = (deserialize.__secretsObservers ??= new Set<object>());
  if (typeof original !== "function" || observers.has(secretPathsOf)) return;
  observers.add(secretPathsOf);
  deserialize.deserializeProperties = function (struct: unknown, proxySecrets: boolean): unknown {
    const call = original as (s: unknown, p: boolean) => unknown;
    const toJavaScript = (struct as { toJavaScript?: () => unknown } | undefined)?.toJavaScript;
    if (typeof toJavaScript !== "function") return call(struct, proxySecrets);
    // Converted once, for the SDK and for us: the SDK reads the struct only through toJavaScript.
    const raw = toJavaScript.call(struct);
    const result = call({ toJavaScript: () => raw }, proxySecrets);
    try {
      const paths = new Set<string>();
      wireSecretPaths(raw, [], paths);
      if (paths.size > 0 && typeof result === "object" && result !== null) secretPathsOf.set(unwrapProxy(result), paths);
    } catch {
      // Observing must never break deserialisation.
    }
    return result;
  };
}
observeSdkSecrets();

function holdsSentinel(raw: unknown, depth: number): boolean {
  if (typeof raw === "string") return UNKNOWN_SENTINELS.has(raw);
  if (raw === UNKNOWN) return true;
  if (typeof raw !== "object" || raw === null || depth > 32) return false;
  const target = unwrapProxy(raw);
  const items = Array.isArray(target) ? target : Object.values(target as Record<string, unknown>);
  return items.some((item) => holdsSentinel(item, depth + 1));
}

/** The top-level properties of a raw (maybe proxied) property bag that hold a value (not null or undefined). */
export function presentTopLevelProperties(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null) return [];
  const target = unwrapProxy(raw) as Record<string, unknown>;
  return Object.keys(target).filter((key) => target[key] !== undefined && target[key] !== null);
}

/** The top-level properties of a raw (maybe proxied) property bag whose value is or holds an unknown. */
export function unknownTopLevelProperties(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null) return [];
  const target = unwrapProxy(raw) as Record<string, unknown>;
  return Object.keys(target).filter((key) => holdsSentinel(target[key], 0));
}

/** True when the value, or anything nested in it, is unknown. */
export function containsUnknown(value: Value | undefined): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * Reads a nested property. Stops at the first unknown on the way and returns it, so
 * "the enclosing object is unknown" and "this field is unknown" read the same.
 */
export function getPath(value: Value | undefined, path: readonly (string | number)[]): Value | undefined {
  let current: Value | undefined = value;
  for (const step of path) {
    if (isUnknown(current)) return UNKNOWN;
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isObject(current)) return undefined;
      current = Object.prototype.hasOwnProperty.call(current, step) ? current[step] : undefined;
    }
  }
  return current;
}

/** What a typed read of one property found. */
export type Field<T> =
  | { readonly state: "absent" }
  | { readonly state: "unknown" }
  | { readonly state: "invalid"; readonly found: string }
  | { readonly state: "known"; readonly value: T };

export const ABSENT: Field<never> = { state: "absent" };
export const UNKNOWN_FIELD: Field<never> = { state: "unknown" };

export function describeType(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (isUnknown(value)) return "unknown";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function typed<T>(value: Value | undefined, accept: (v: Value) => T | undefined): Field<T> {
  if (value === undefined || value === null) return ABSENT;
  if (isUnknown(value)) return UNKNOWN_FIELD;
  const accepted = accept(value);
  return accepted === undefined ? { state: "invalid", found: describeType(value) } : { state: "known", value: accepted };
}

export function stringField(value: Value | undefined): Field<string> {
  return typed(value, (v) => (typeof v === "string" ? v : undefined));
}

/** Booleans; the strings "true"/"false" count too (providers and config send them). */
export function booleanField(value: Value | undefined): Field<boolean> {
  return typed(value, (v) => {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return undefined;
  });
}

/** Numbers; numeric strings count too (providers and config send them). */
export function numberField(value: Value | undefined): Field<number> {
  return typed(value, (v) => {
    if (typeof v === "number") return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  });
}

export function listField(value: Value | undefined): Field<Value[]> {
  return typed(value, (v) => (Array.isArray(v) ? v : undefined));
}

/**
 * Reads a map of strings such as `tags`. A map whose values are partly unknown keeps
 * its known entries and says which keys were unknown.
 */
export function stringMapField(value: Value | undefined): Field<{ known: Record<string, string>; unknownKeys: string[] }> {
  return typed(value, (v) => {
    if (!isObject(v)) return undefined;
    const known: Record<string, string> = {};
    const unknownKeys: string[] = [];
    for (const [key, item] of Object.entries(v)) {
      if (typeof item === "string") known[key] = item;
      else if (isUnknown(item)) unknownKeys.push(key);
    }
    return { known, unknownKeys };
  });
}

/**
 * Parses a JSON document held in a string property (key policies, provider
 * `defaultTags`). An object is accepted as it is, since some producers send one.
 */
export function jsonField(value: Value | undefined): Field<Value> {
  if (value === undefined || value === null) return ABSENT;
  if (isUnknown(value)) return UNKNOWN_FIELD;
  if (typeof value === "string") {
    if (value.includes(UNKNOWN_SENTINEL)) return UNKNOWN_FIELD;
    try {
      return { state: "known", value: toValue(JSON.parse(value) as unknown) };
    } catch {
      return { state: "invalid", found: "a string that is not valid JSON" };
    }
  }
  if (isObject(value) || Array.isArray(value)) {
    return containsUnknown(value) ? UNKNOWN_FIELD : { state: "known", value };
  }
  return { state: "invalid", found: describeType(value) };
}

/** One object reached by `expandPath`, with the path to it as the user writes it. */
export interface Reached {
  readonly path: string;
  readonly value: Value;
}

/**
 * Follows `steps` from `value`, fanning out over every item of a list at each `"[]"`
 * step: `expandPath(props.x, ["[]", "rules", "[]"], "x")` reaches `x[0].rules[1]`, …
 * Returns `"unknown"` when an unknown lies on the way; absent steps reach nothing.
 */
export function expandPath(value: Value | undefined, steps: readonly string[], prefix: string): Reached[] | "unknown" {
  if (isUnknown(value)) return "unknown";
  if (value === undefined || value === null) return [];
  const [step, ...rest] = steps;
  if (step === undefined) return [{ path: prefix, value }];
  if (step === "[]") {
    if (!Array.isArray(value)) return [];
    const out: Reached[] = [];
    for (const [i, item] of value.entries()) {
      const reached = expandPath(item, rest, `${prefix}[${i}]`);
      if (reached === "unknown") return reached;
      out.push(...reached);
    }
    return out;
  }
  return isObject(value) ? expandPath(value[step], rest, `${prefix}.${step}`) : [];
}
