import { parseArn } from "../arn";
import { SATISFIED, unverifiable, violated, type Outcome } from "../outcome";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import { KMS_ALIAS, KMS_CUSTOMER_KEY, KMS_KEY_POLICY } from "../types";
import { describeType, isUnknown, type Value } from "../values";

/** How a policy decides which literal key references it accepts. */
export interface KeyCustodyConfig {
  readonly trustedKeyArns: readonly string[];
  readonly allowExternalKeyArns: boolean;
}

/** What a key reference (`kmsKeyArn`, `kmsMasterKeyId`, …) is proven to be. */
export type KeyReference =
  /** A KMS key of this stack, reached through a `propertyDependencies` edge (maybe via an alias). */
  | { readonly kind: "stack-key"; readonly key: IndexedResource }
  /** Not set: the service encrypts with its AWS-managed or AWS-owned default key. */
  | { readonly kind: "omitted" }
  /** `alias/aws/<service>`: a key AWS manages and the customer cannot restrict. */
  | { readonly kind: "aws-managed-alias"; readonly alias: string }
  /** A literal key ARN or key id created outside this stack. */
  | { readonly kind: "key-arn"; readonly arn: string }
  /** A literal customer alias created outside this stack, as written (name or ARN). */
  | { readonly kind: "alias"; readonly alias: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "invalid"; readonly found: string };

const AWS_MANAGED_ALIAS = /^alias\/aws\/[A-Za-z0-9/_-]+$/;
const KEY_ID = /^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/i;

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const MALFORMED_KEY_ARN = {
  kind: "invalid",
  found: "a malformed KMS key ARN (it needs a region, a 12-digit account and a key id or mrk- id: arn:aws:kms:<region>:<account>:key/<id>)",
} as const;
const MALFORMED_ALIAS_ARN = {
  kind: "invalid",
  found: "a malformed KMS alias ARN (it needs a region and a 12-digit account: arn:aws:kms:<region>:<account>:alias/<name>)",
} as const;

/** Classifies a literal key reference without looking at the stack. */
export function classifyKeyLiteral(value: string): KeyReference {
  const arn = parseArn(value);
  if (arn && arn.service === "kms") {
    const placed = ACCOUNT.test(arn.account) && REGION.test(arn.region);
    if (arn.resource.startsWith("key/")) {
      return placed && KEY_ID.test(arn.resource.slice(4)) ? { kind: "key-arn", arn: value } : MALFORMED_KEY_ARN;
    }
    if (arn.resource.startsWith("alias/"))
      return placed && arn.resource.length > 6 ? classifyAlias(arn.resource, value) : MALFORMED_ALIAS_ARN;
    return { kind: "invalid", found: "a KMS ARN that names neither a key nor an alias" };
  }
  if (value.startsWith("alias/")) return classifyAlias(value, value);
  if (KEY_ID.test(value)) return { kind: "key-arn", arn: value };
  return { kind: "invalid", found: "a string that is not a KMS key ARN, key id or alias" };
}

/** `name` is the alias name (`alias/…`); `written` the literal as written (name or ARN). */
function classifyAlias(name: string, written: string): KeyReference {
  return name.startsWith("alias/aws/") ? { kind: "aws-managed-alias", alias: name } : { kind: "alias", alias: written };
}

/** The stack's KMS keys by the literals that name them: key ARN and key id. */
function keysByLiteral(index: StackIndex): ReadonlyMap<string, IndexedResource> {
  return index.memo("keysByLiteral", () => {
    const byLiteral = new Map<string, IndexedResource>();
    for (const key of index.ofType(KMS_CUSTOMER_KEY)) {
      for (const property of ["arn", "keyId", "id"]) {
        const value = key.props[property];
        if (typeof value === "string" && value !== "") byLiteral.set(value, key);
      }
    }
    return byLiteral;
  });
}

/** The stack's aliases by their name and ARN. */
function aliasesByLiteral(index: StackIndex): ReadonlyMap<string, IndexedResource> {
  return index.memo("aliasesByLiteral", () => {
    const byLiteral = new Map<string, IndexedResource>();
    for (const alias of index.ofType(KMS_ALIAS)) {
      for (const property of ["name", "arn"]) {
        const value = alias.props[property];
        if (typeof value === "string" && value !== "") byLiteral.set(value, alias);
      }
    }
    return byLiteral;
  });
}

/** What an alias of the stack resolves to: a stack key, or the literal key it targets. */
function aliasReference(index: StackIndex, alias: IndexedResource): KeyReference | undefined {
  const key = aliasTargets(index, alias)[0];
  if (key) return { kind: "stack-key", key };
  const target = alias.props.targetKeyId;
  return typeof target === "string" && target !== "" ? classifyKeyLiteral(target) : undefined;
}

/** The stack keys an alias points to: by its `targetKeyId` edge, or by a literal naming a stack key. */
function aliasTargets(index: StackIndex, alias: IndexedResource): readonly IndexedResource[] {
  const byEdge = index.dependenciesOf(alias, "targetKeyId", KMS_CUSTOMER_KEY);
  if (byEdge.length > 0) return byEdge;
  const target = alias.props.targetKeyId;
  const key = typeof target === "string" ? keysByLiteral(index).get(target) : undefined;
  return key ? [key] : [];
}

/**
 * Every KMS key of the stack that a property of `referrer` was computed from, directly
 * or through an alias. A backup key is each of them, whatever the value turns out to be.
 */
export function stackKeysBehind(index: StackIndex, referrer: IndexedResource, property: string): IndexedResource[] {
  const keys = new Set(index.dependenciesOf(referrer, property, KMS_CUSTOMER_KEY));
  for (const alias of index.dependenciesOf(referrer, property, KMS_ALIAS)) {
    for (const key of aliasTargets(index, alias)) keys.add(key);
  }
  return [...keys];
}

/**
 * Resolves the key a resource's property refers to: first through the stack's
 * `propertyDependencies` (a key created in the same stack has an unknown ARN during
 * preview, but its edge proves what it is), then from the literal value, which may
 * itself name a key or alias of the stack. A known AWS-managed alias wins over edges:
 * it is what AWS will use, whatever the value was computed from.
 */
export function resolveKeyReference(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  value: Value | undefined,
): KeyReference {
  const literal = typeof value === "string" && value !== "" ? classifyKeyLiteral(value) : undefined;
  if (literal?.kind === "aws-managed-alias") return literal;
  const keys = stackKeysBehind(index, referrer, property);
  if (keys.length > 0) return { kind: "stack-key", key: keys[0]! };
  // An alias of the stack whose target is a literal: the target decides.
  for (const alias of index.dependenciesOf(referrer, property, KMS_ALIAS)) {
    const reference = aliasReference(index, alias);
    if (reference) return reference;
  }
  if (literal && typeof value === "string") {
    const key = keysByLiteral(index).get(value);
    if (key) return { kind: "stack-key", key };
    const alias = aliasesByLiteral(index).get(value);
    return (alias && aliasReference(index, alias)) ?? literal;
  }
  if (value === undefined || value === null || value === "") return { kind: "omitted" };
  if (isUnknown(value)) {
    // An unknown that no resource of the program produced is one the provider
    // computes because the program left it unset: the service default key.
    return index.leftToProvider(referrer, property) ? { kind: "omitted" } : { kind: "unknown" };
  }
  return { kind: "invalid", found: describeType(value) };
}

/** The aws.kms.KeyPolicy resources that set a key's policy: by their `keyId` edge, or by a literal naming the key. */
export function keyPoliciesOf(index: StackIndex, key: IndexedResource): readonly IndexedResource[] {
  const byKey = index.memo("keyPoliciesByKey", () => {
    const map = new Map<string, IndexedResource[]>();
    for (const keyPolicy of index.ofType(KMS_KEY_POLICY)) {
      const keyId = keyPolicy.props.keyId;
      const targets = new Set(index.dependenciesOf(keyPolicy, "keyId", KMS_CUSTOMER_KEY));
      const named = typeof keyId === "string" && keyId !== "" ? keysByLiteral(index).get(keyId) : undefined;
      if (named) targets.add(named);
      for (const target of targets) map.set(target.urn, [...(map.get(target.urn) ?? []), keyPolicy]);
    }
    return map;
  });
  return byKey.get(key.urn) ?? [];
}

/**
 * Whether a literal is on `trustedKeyArns`: ARNs match exactly (an alias ARN names one
 * account's alias), names match names, and a bare key id matches the ARN of that key.
 */
function isTrusted(reference: string, config: KeyCustodyConfig): boolean {
  return config.trustedKeyArns.some((trusted) => {
    if (trusted === reference) return true;
    const arn = parseArn(trusted);
    return arn?.service === "kms" && arn.resource === `key/${reference}`;
  });
}

/** How the messages of one key-custody check read for one kind of store. */
export interface CustodySubject {
  readonly resource: IndexedResource;
  /** The property as the user writes it: `kmsKeyArn`, `serverSideEncryptionConfiguration…kmsMasterKeyId`. */
  readonly property: string;
  /** What AWS uses when the property is unset: "the AWS-managed key alias/aws/backup". */
  readonly defaultKey: string;
  /** What to do: "set kmsKeyArn to the ARN of a customer-managed aws.kms.Key". */
  readonly remedy: string;
  /** The key reference was a secret: messages never show it. */
  readonly secret?: boolean;
}

/** Turns a resolved key reference into the outcome of a customer-managed-key control. */
export function keyCustodyOutcome(
  reference: KeyReference,
  subject: CustodySubject,
  config: KeyCustodyConfig,
  /** When a value was unknown, for the reason (`StackIndex.unknownWhen`). */
  unknownWhen = "during preview",
): Outcome {
  const who = describe(subject.resource);
  const { property, remedy } = subject;
  switch (reference.kind) {
    case "stack-key":
      return SATISFIED;
    case "omitted":
      return violated(`${who} does not set ${property}, so it is encrypted with ${subject.defaultKey}; ${remedy}.`);
    case "aws-managed-alias": {
      if (subject.secret)
        return violated(`${who} sets ${property} to a secret value that names an AWS-managed key (alias/aws/…); ${remedy}.`);
      const shown = AWS_MANAGED_ALIAS.test(reference.alias) ? ` ${reference.alias}` : "";
      return violated(`${who} uses the AWS-managed key${shown} in ${property}; ${remedy}.`);
    }
    case "key-arn":
      if (config.allowExternalKeyArns || isTrusted(reference.arn, config)) return SATISFIED;
      return violated(
        `${who} sets ${property} to a key ARN from outside this stack that is not on trustedKeyArns (allowExternalKeyArns is false); ${remedy}, or add the key ARN to trustedKeyArns.`,
      );
    case "alias":
      if (isTrusted(reference.alias, config)) return SATISFIED;
      return violated(
        `${who} sets ${property} to a KMS alias from outside this stack that is not on trustedKeyArns, and an alias can be repointed to any key, including an AWS-managed one; ${remedy}, or add the alias to trustedKeyArns.`,
      );
    case "unknown":
      return unverifiable(
        property,
        `${property} is unknown ${unknownWhen} and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack`,
      );
    case "invalid":
      return violated(`${who} sets ${property} to ${reference.found}; ${remedy}.`);
  }
}
