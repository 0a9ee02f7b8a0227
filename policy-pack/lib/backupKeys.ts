import { backupBuckets, bucketAttachments, replicationDestinations, type BackupBucketConfig } from "./buckets";
import { resolveKeyReference, stackKeysBehind } from "./keys";
import { describe, type IndexedResource, type StackIndex } from "./stackIndex";
import {
  AIR_GAPPED_VAULT,
  BACKUP_VAULT,
  KMS_CUSTOMER_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  S3_BUCKET_ENCRYPTION,
  union,
} from "./types";
import { getPath, listField, type Value } from "./values";

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
    const encryptions = bucketAttachments(index, S3_BUCKET_ENCRYPTION);
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      for (const config of encryptions.get(bucket.urn) ?? []) {
        const rules = listField(config.props.rules);
        const literals =
          rules.state === "known" ? rules.value.map((rule) => getPath(rule, ["applyServerSideEncryptionByDefault", "kmsMasterKeyId"])) : [];
        add(keysOf(index, config, "rules", literals), `encrypts ${describe(bucket)}`);
      }
      const inline = getPath(bucket.props.serverSideEncryptionConfiguration, [
        "rule",
        "applyServerSideEncryptionByDefault",
        "kmsMasterKeyId",
      ]);
      add(keysOf(index, bucket, "serverSideEncryptionConfiguration", [inline]), `encrypts ${describe(bucket)}`);
      for (const destination of replicationDestinations(index, bucket)) {
        add(
          keysOf(index, destination.source, destination.edgeProperty, [destination.replicaKey]),
          `encrypts the replicas of ${describe(bucket)}`,
        );
      }
    }
    for (const { key } of [...uses.values()]) {
      if (!REPLICA_KEYS.has(key.type)) continue;
      add(index.dependenciesOf(key, "primaryKeyArn", KMS_CUSTOMER_KEY), `primary of ${describe(key)}`, false);
    }
    return uses;
  });
}

/** The backup keys a control about a key's own policy, state or deletion applies to. */
export function directBackupKeys(index: StackIndex, buckets: BackupBucketConfig): IndexedResource[] {
  return [...backupKeys(index, buckets).values()].filter((entry) => entry.direct).map((entry) => entry.key);
}

/** `Key 'backup' (encrypts Vault 'payments')`: how messages name a backup key. */
export function describeBackupKey(key: IndexedResource, uses: BackupKey | undefined): string {
  return uses ? `${describe(key)} (${uses.protects.join(", ")})` : describe(key);
}
