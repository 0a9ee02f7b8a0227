import type { IndexedResource, StackIndex } from "../stackIndex";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, BACKUP_VAULT_NOTIFICATIONS, union } from "../types";
import { groupReferrers, openFor } from "./references";

const VAULTS = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

/** Vault events AWS Backup emits to SNS (PutBackupVaultNotifications). */
export const SUPPORTED_VAULT_EVENTS: ReadonlySet<string> = new Set([
  "BACKUP_JOB_STARTED",
  "BACKUP_JOB_COMPLETED",
  "COPY_JOB_STARTED",
  "COPY_JOB_SUCCESSFUL",
  "COPY_JOB_FAILED",
  "RESTORE_JOB_STARTED",
  "RESTORE_JOB_COMPLETED",
  "RECOVERY_POINT_MODIFIED",
  "S3_BACKUP_OBJECT_FAILED",
  "S3_RESTORE_OBJECT_FAILED",
  // Added since (continuous backup, backup indexing of June 2025): valid values of BackupVaultEvents, not deprecated.
  "CONTINUOUS_BACKUP_INTERRUPTED",
  "RECOVERY_POINT_INDEX_COMPLETED",
  "RECOVERY_POINT_INDEX_DELETED",
  "RECOVERY_POINT_INDEXING_FAILED",
]);

/** Events the API still accepts but AWS documents as deprecated: they never fire. */
export const DEPRECATED_VAULT_EVENTS: ReadonlySet<string> = new Set([
  "BACKUP_JOB_SUCCESSFUL",
  "BACKUP_JOB_FAILED",
  "BACKUP_JOB_EXPIRED",
  "RESTORE_JOB_SUCCESSFUL",
  "RESTORE_JOB_FAILED",
  "BACKUP_PLAN_CREATED",
  "BACKUP_PLAN_MODIFIED",
]);

export interface VaultNotificationsOf {
  /** The aws.backup.VaultNotifications that name the vault. */
  readonly notifications: readonly IndexedResource[];
  /** Those whose vault stays open during preview: they may name this vault. */
  readonly open: readonly IndexedResource[];
}

/** The notification configurations of a vault, by `backupVaultName` edge or literal name. */
export function vaultNotifications(index: StackIndex, vault: IndexedResource): VaultNotificationsOf {
  const groups = index.memo("vaultNotificationsByVault", () =>
    groupReferrers(index, index.ofType(BACKUP_VAULT_NOTIFICATIONS), "backupVaultName", VAULTS, ["name"]),
  );
  return { notifications: groups.byTarget.get(vault.urn) ?? [], open: openFor(groups, vault, ["name"]) };
}
