import { backupBuckets, bucketEncryption, replicationDestinations, type BackupBucketConfig } from "./buckets";
import { resolveKeyReference } from "./keys";
import { describe, type IndexedResource, type StackIndex } from "./stackIndex";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, KMS_CUSTOMER_KEY, KMS_REPLICA_EXTERNAL_KEY, KMS_REPLICA_KEY } from "./types";

/** A KMS key of the stack that encrypts at least one backup store, and what it encrypts. */
export interface BackupKey {
  readonly key: IndexedResource;
  /** "Vault 'payments'", "Bucket 'archive' (replica key)": for messages. */
  readonly protects: readonly string[];
}

/**
 * Every backup key of the stack: keys of vaults and air-gapped vaults, default
 * encryption keys of backup buckets, replica keys of their replication, and the
 * primaries of backup replica keys (whose rotation and material the replicas share).
 */
export function backupKeys(index: StackIndex, buckets: BackupBucketConfig): ReadonlyMap<string, BackupKey> {
  return index.memo(`backupKeys:${JSON.stringify(buckets)}`, () => {
    const uses = new Map<string, { key: IndexedResource; protects: string[] }>();
    const add = (key: IndexedResource | undefined, what: string) => {
      if (!key) return;
      const entry = uses.get(key.urn);
      if (entry) {
        if (!entry.protects.includes(what)) entry.protects.push(what);
      } else uses.set(key.urn, { key, protects: [what] });
    };
    const stackKey = (referrer: IndexedResource, property: string) => {
      const reference = resolveKeyReference(index, referrer, property, undefined);
      return reference.kind === "stack-key" ? reference.key : undefined;
    };
    for (const vault of index.ofType(BACKUP_VAULT)) add(stackKey(vault, "kmsKeyArn"), describe(vault));
    for (const vault of index.ofType(AIR_GAPPED_VAULT)) add(stackKey(vault, "encryptionKeyArn"), describe(vault));
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      for (const rule of bucketEncryption(index, bucket) ?? []) add(stackKey(rule.source, rule.edgeProperty), describe(bucket));
      for (const destination of replicationDestinations(index, bucket)) {
        add(stackKey(destination.source, destination.edgeProperty), `${describe(bucket)} (replica key)`);
      }
    }
    const replicaTypes = new Set([...KMS_REPLICA_KEY, ...KMS_REPLICA_EXTERNAL_KEY]);
    for (const { key } of [...uses.values()]) {
      if (!replicaTypes.has(key.type)) continue;
      const primary = index.dependenciesOf(key, "primaryKeyArn", KMS_CUSTOMER_KEY)[0];
      add(primary, `${describe(key)} (primary key)`);
    }
    return uses;
  });
}

/** `Key 'backup' (encrypts Vault 'payments')`: how messages name a backup key. */
export function describeBackupKey(key: IndexedResource, uses: BackupKey | undefined): string {
  return uses ? `${describe(key)} (encrypts ${uses.protects.join(", ")})` : describe(key);
}
