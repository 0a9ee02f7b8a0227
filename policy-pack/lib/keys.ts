import { parseArn } from "./arn";
import { SATISFIED, unverifiable, violated, type Outcome } from "./outcome";
import { describe, type IndexedResource, type StackIndex } from "./stackIndex";
import { KMS_ALIAS, KMS_CUSTOMER_KEY } from "./types";
import { describeType, isUnknown, type Value } from "./values";

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
  /** A literal customer alias (name or ARN) created outside this stack. */
  | { readonly kind: "alias"; readonly alias: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "invalid"; readonly found: string };

const AWS_MANAGED_ALIAS = /^alias\/aws\/[A-Za-z0-9/_-]+$/;
const KEY_ID = /^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/i;

/** Classifies a literal key reference without looking at the stack. */
export function classifyKeyLiteral(value: string): KeyReference {
  const arn = parseArn(value);
  if (arn && arn.service === "kms") {
    if (arn.resource.startsWith("key/") && arn.resource.length > 4) return { kind: "key-arn", arn: value };
    if (arn.resource.startsWith("alias/")) return classifyAlias(arn.resource);
    return { kind: "invalid", found: "a KMS ARN that names neither a key nor an alias" };
  }
  if (value.startsWith("alias/")) return classifyAlias(value);
  if (KEY_ID.test(value)) return { kind: "key-arn", arn: value };
  return { kind: "invalid", found: "a string that is not a KMS key ARN, key id or alias" };
}

function classifyAlias(alias: string): KeyReference {
  return alias.startsWith("alias/aws/") ? { kind: "aws-managed-alias", alias } : { kind: "alias", alias };
}

/**
 * Resolves the key a resource's property refers to: first through the stack's
 * `propertyDependencies` (a key created in the same stack has an unknown ARN during
 * preview, but its edge proves what it is), then from the literal value.
 */
export function resolveKeyReference(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  value: Value | undefined,
): KeyReference {
  // A known AWS-managed alias is what AWS will use, whatever the value was computed from.
  const literal = typeof value === "string" && value !== "" ? classifyKeyLiteral(value) : undefined;
  if (literal?.kind === "aws-managed-alias") return literal;
  const key = stackKeyBehind(index, referrer, property);
  if (key) return { kind: "stack-key", key };
  if (literal) return literal;
  if (value === undefined || value === null || value === "") return { kind: "omitted" };
  if (isUnknown(value)) {
    // An unknown that no resource of the program produced is one the provider
    // computes because the program left it unset: the service default key.
    return index.leftToProvider(referrer, property) ? { kind: "omitted" } : { kind: "unknown" };
  }
  return { kind: "invalid", found: describeType(value) };
}

function stackKeyBehind(index: StackIndex, referrer: IndexedResource, property: string): IndexedResource | undefined {
  const key = index.dependenciesOf(referrer, property, KMS_CUSTOMER_KEY)[0];
  if (key) return key;
  for (const alias of index.dependenciesOf(referrer, property, KMS_ALIAS)) {
    const target = index.dependenciesOf(alias, "targetKeyId", KMS_CUSTOMER_KEY)[0];
    if (target) return target;
  }
  return undefined;
}

function aliasName(reference: string): string {
  const arn = parseArn(reference);
  return arn?.resource.startsWith("alias/") ? arn.resource : reference;
}

function isTrusted(reference: string, config: KeyCustodyConfig): boolean {
  const name = aliasName(reference);
  return config.trustedKeyArns.some((trusted) => trusted === reference || aliasName(trusted) === name);
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
}

/** Turns a resolved key reference into the outcome of a customer-managed-key control. */
export function keyCustodyOutcome(index: StackIndex, reference: KeyReference, subject: CustodySubject, config: KeyCustodyConfig): Outcome {
  const who = describe(subject.resource);
  const { property, remedy } = subject;
  switch (reference.kind) {
    case "stack-key":
      return SATISFIED;
    case "omitted":
      return violated(`${who} does not set ${property}, so it is encrypted with ${subject.defaultKey}; ${remedy}.`);
    case "aws-managed-alias": {
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
        `${property} is unknown ${index.unknownWhen} and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack`,
      );
    case "invalid":
      return violated(`${who} sets ${property} to ${reference.found}; ${remedy}.`);
  }
}
