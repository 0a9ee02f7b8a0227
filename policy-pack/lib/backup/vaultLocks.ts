/**
 * AWS Backup Vault Lock: each `aws:backup/vaultLockConfiguration:VaultLockConfiguration`
 * placed on its vault, and its bounds. A lock with `changeableForDays` is in compliance
 * mode (after that many days nobody, root included, can remove or loosen it); without,
 * it is in governance mode, which any principal allowed
 * `backup:DeleteBackupVaultLockConfiguration` can remove.
 */
import type { IndexedResource, StackIndex } from "../stackIndex";
import { BACKUP_VAULT, BACKUP_VAULT_LOCK } from "../types";
import { numberField, type Field } from "../values";
import { groupReferrers, openFor } from "./references";

export interface VaultLocksOf {
  /** The locks that name the vault. */
  readonly locks: readonly IndexedResource[];
  /** Locks whose vault stays open during preview: they may name this vault. */
  readonly open: readonly IndexedResource[];
}

export function vaultLocks(index: StackIndex, vault: IndexedResource): VaultLocksOf {
  const groups = index.memo("vaultLocksByVault", () =>
    groupReferrers(index, index.ofType(BACKUP_VAULT_LOCK), "backupVaultName", BACKUP_VAULT, ["name"]),
  );
  return { locks: groups.byTarget.get(vault.urn) ?? [], open: openFor(groups, vault, ["name"]) };
}

/** The settings of one lock. */
export interface LockBounds {
  readonly changeableForDays: Field<number>;
  readonly minRetentionDays: Field<number>;
  readonly maxRetentionDays: Field<number>;
}

/** Reads a lock's bounds: its inputs, or with the stack's index its outputs (an unset optional setting the provider fills reads as absent). */
export function lockBounds(lock: IndexedResource, index?: StackIndex): LockBounds {
  const read = (property: string) => numberField(index ? index.setting(lock, [property]) : lock.props[property]);
  return {
    changeableForDays: read("changeableForDays"),
    minRetentionDays: read("minRetentionDays"),
    maxRetentionDays: read("maxRetentionDays"),
  };
}
