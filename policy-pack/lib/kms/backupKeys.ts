import { backupBuckets, bucketAttachments, bucketEncryption, replicationDestinations, type BackupBucketConfig } from "../s3/buckets";
import { resolveKeyReference, stackKeysBehind } from "./keys";
import { unverifiable, type Outcome } from "../outcome";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import {
  AIR_GAPPED_VAULT,
  BACKUP_VAULT,
  KMS_CUSTOMER_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  S3_BUCKET_ENCRYPTION,
  union,
} from "../types";
import { getPath, listField, stringField, type Value } from "../values";

/** A KMS key of the stack that encrypts at least one backup store, and what it encrypts. */
export interface BackupKey {
  readonly key: IndexedResource;
  /** "encrypts Vault 'payments'", "primary of ReplicaKey 'dr'": for messages. */
  readonly protects: readonly string[];
  /**
   * False for a key that is a backup key only as the primary of a backup replica key:
   * replicas share its key material and rotation, but have their own policy, state and
   * deletion (KMS keeps a primary with replicas in PendingReplicaDeletion).
   */
  readonly direct: boolean;
}

const REPLICA_KEYS = union(KMS_REPLICA_KEY, KMS_REPLICA_EXTERNAL_KEY);

/** Every stack key a property names: through edges (all of them), or by a literal naming a stack key or alias. */
function keysOf(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  literals: readonly (Value | undefined)[],
): IndexedResource[] {
  const keys = new Set(stackKeysBehind(index, referrer, property));
  for (const literal of literals) {
    if (typeof literal !== "string") continue;
    const reference = resolveKeyReference(index, referrer, property, literal);
    if (reference.kind === "stack-key") keys.add(reference.key);
  }
  return [...keys];
}

/**
 * The stack keys a bucket's default encryption (split or inline) and replication name,
 * by what they do for it. While a block is unknown, its edges still name the keys.
 */
function keysOfBucket(index: StackIndex, bucket: IndexedResource): Map<string, IndexedResource[]> {
  const encrypts = `encrypts ${describe(bucket)}`;
  const out = new Map<string, IndexedResource[]>([[encrypts, []]]);
  const keys = out.get(encrypts)!;
  for (const config of bucketAttachments(index, S3_BUCKET_ENCRYPTION).get(bucket.urn) ?? []) {
    const rules = listField(config.props.rules);
    const literals =
      rules.state === "known" ? rules.value.map((rule) => getPath(rule, ["applyServerSideEncryptionByDefault", "kmsMasterKeyId"])) : [];
    keys.push(...keysOf(index, config, "rules", literals));
  }
  for (const rule of bucketEncryption(index, bucket) ?? []) {
    if (rule.source === bucket) keys.push(...keysOf(index, bucket, rule.edgeProperty, [rule.key]));
  }
  keys.push(
    ...keysOf(index, bucket, "serverSideEncryptionConfiguration", []),
    ...keysOf(index, bucket, "serverSideEncryptionConfigurations", []),
  );
  const replicas = `encrypts the replicas of ${describe(bucket)}`;
  out.set(replicas, []);
  for (const destination of replicationDestinations(index, bucket)) {
    out.get(replicas)!.push(...keysOf(index, destination.source, destination.edgeProperty, [destination.replicaKey]));
  }
  return out;
}

/**
 * Keys that encrypt only buckets whose tags are unknown during preview: whether they
 * are backup keys cannot be decided, so the key controls report them as gaps.
 */
export function undecidedKeys(
  index: StackIndex,
  buckets: BackupBucketConfig,
): ReadonlyMap<string, { key: IndexedResource; bucket: IndexedResource }> {
  return index.memo(`undecidedKeys:${JSON.stringify(buckets)}`, () => {
    const decided = backupKeys(index, buckets);
    const out = new Map<string, { key: IndexedResource; bucket: IndexedResource }>();
    for (const bucket of backupBuckets(index, buckets).undecidable) {
      for (const keys of keysOfBucket(index, bucket).values()) {
        for (const key of keys) if (!decided.has(key.urn) && !out.has(key.urn)) out.set(key.urn, { key, bucket });
      }
    }
    return out;
  });
}

/** The keys a key control looks at: backup keys (only direct ones for `direct`), then undecided ones. */
export function keySubjects(index: StackIndex, buckets: BackupBucketConfig, direct: boolean): IndexedResource[] {
  const keys = [...backupKeys(index, buckets).values()].filter((entry) => !direct || entry.direct).map((entry) => entry.key);
  return [...keys, ...[...undecidedKeys(index, buckets).values()].map((entry) => entry.key)];
}

/** The gap of a key whose role as a backup key is undecided, if it is one. */
export function undecidedKeyOutcome(index: StackIndex, buckets: BackupBucketConfig, key: IndexedResource): Outcome | undefined {
  const undecided = undecidedKeys(index, buckets).get(key.urn);
  return (
    undecided &&
    unverifiable(
      "(backup key)",
      `it encrypts ${describe(undecided.bucket)}, whose tags are unknown ${index.unknownWhen}, so whether it is a backup key cannot be decided`,
    )
  );
}

/**
 * Every backup key of the stack: keys of vaults and air-gapped vaults, default
 * encryption keys of backup buckets, replica keys of their replication, and the
 * primaries of backup replica keys. Every key a key property was computed from counts,
 * even when the value itself is unknown during preview.
 */
export function backupKeys(index: StackIndex, buckets: BackupBucketConfig): ReadonlyMap<string, BackupKey> {
  return index.memo(`backupKeys:${JSON.stringify(buckets)}`, () => {
    const uses = new Map<string, { key: IndexedResource; protects: string[]; direct: boolean }>();
    const add = (keys: readonly IndexedResource[], what: string, direct = true) => {
      for (const key of keys) {
        const entry = uses.get(key.urn);
        if (!entry) uses.set(key.urn, { key, protects: [what], direct });
        else {
          if (!entry.protects.includes(what)) entry.protects.push(what);
          entry.direct ||= direct;
        }
      }
    };
    for (const vault of index.ofType(BACKUP_VAULT))
      add(keysOf(index, vault, "kmsKeyArn", [vault.props.kmsKeyArn]), `encrypts ${describe(vault)}`);
    for (const vault of index.ofType(AIR_GAPPED_VAULT)) {
      add(keysOf(index, vault, "encryptionKeyArn", [vault.props.encryptionKeyArn]), `encrypts ${describe(vault)}`);
    }
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      for (const [use, keys] of keysOfBucket(index, bucket)) add(keys, use);
    }
    for (const { key } of [...uses.values()]) {
      if (!REPLICA_KEYS.has(key.type)) continue;
      add(index.dependenciesOf(key, "primaryKeyArn", KMS_CUSTOMER_KEY), `primary of ${describe(key)}`, false);
    }
    return uses;
  });
}

/** `Key 'backup' (encrypts Vault 'payments')`: how messages name a backup key. */
export function describeBackupKey(key: IndexedResource, uses: BackupKey | undefined): string {
  return uses ? `${describe(key)} (${uses.protects.join(", ")})` : describe(key);
}

/** A backup store whose key the key controls cannot look at: outside the stack, or unknown. */
export interface UncheckedStoreKey {
  readonly store: IndexedResource;
  /** The key property as the user writes it (with the resource that holds it, when not the store). */
  readonly property: string;
  readonly state: "outside" | "unknown";
}

const KMS_ALGORITHMS: ReadonlySet<string> = new Set(["aws:kms", "aws:kms:dsse"]);

function uncheckedReference(
  index: StackIndex,
  store: IndexedResource,
  holder: IndexedResource,
  property: string,
  shownProperty: string,
  value: Value | undefined,
): UncheckedStoreKey | undefined {
  // Not set by the program (its inputs say so): the service's default key, which the custody control reports.
  if (index.inputState(holder, property) === "absent") return undefined;
  const reference = resolveKeyReference(index, holder, property, value);
  const at = holder === store ? shownProperty : `${shownProperty} of ${describe(holder)}`;
  if (reference.kind === "key-arn" || reference.kind === "alias") return { store, property: at, state: "outside" };
  if (reference.kind === "unknown") return { store, property: at, state: "unknown" };
  return undefined;
}

/**
 * The backup stores whose key is a literal ARN or alias from outside this stack, or is
 * unknown with nothing in the stack settling which key it is: rotation, deletion and the
 * key policy of that key are not verified here either, and the key controls say so.
 */
export function uncheckedStoreKeys(index: StackIndex, buckets: BackupBucketConfig): ReadonlyMap<string, UncheckedStoreKey[]> {
  return index.memo(`uncheckedStoreKeys:${JSON.stringify(buckets)}`, () => {
    const out = new Map<string, UncheckedStoreKey[]>();
    const add = (entry: UncheckedStoreKey | undefined) => {
      if (entry) out.set(entry.store.urn, [...(out.get(entry.store.urn) ?? []), entry]);
    };
    for (const vault of index.ofType(BACKUP_VAULT))
      add(uncheckedReference(index, vault, vault, "kmsKeyArn", "kmsKeyArn", vault.props.kmsKeyArn));
    for (const vault of index.ofType(AIR_GAPPED_VAULT)) {
      add(uncheckedReference(index, vault, vault, "encryptionKeyArn", "encryptionKeyArn", vault.props.encryptionKeyArn));
    }
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      for (const rule of bucketEncryption(index, bucket) ?? []) {
        const algorithm = stringField(rule.algorithm);
        if (algorithm.state === "known" && !KMS_ALGORITHMS.has(algorithm.value)) continue;
        if (algorithm.state === "absent" || algorithm.state === "invalid") continue;
        add(uncheckedReference(index, bucket, rule.source, rule.edgeProperty, rule.keyProperty, rule.key));
      }
    }
    return out;
  });
}

/** The gaps of one key control on a store whose key it cannot look at (`uncheckedStoreKeys`). */
export function uncheckedKeyOutcomes(index: StackIndex, buckets: BackupBucketConfig, store: IndexedResource, aspect: string): Outcome[] {
  return (uncheckedStoreKeys(index, buckets).get(store.urn) ?? []).map((entry) =>
    unverifiable(
      entry.property,
      entry.state === "outside"
        ? `${entry.property} names a KMS key outside this stack, so its ${aspect} cannot be verified here`
        : `${entry.property} is unknown ${index.unknownWhen}, so the ${aspect} of the key it will use cannot be verified`,
    ),
  );
}

/** The stores of `uncheckedStoreKeys`, for the key controls' subjects. */
export function storesWithUncheckedKeys(index: StackIndex, buckets: BackupBucketConfig): IndexedResource[] {
  return [...uncheckedStoreKeys(index, buckets).values()].map((entries) => entries[0]!.store);
}
