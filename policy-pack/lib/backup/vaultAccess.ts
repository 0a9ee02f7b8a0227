import type { Statement } from "../iam/policyDocument";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, BACKUP_VAULT_POLICY, union } from "../types";
import { isUnknown, stringField } from "../values";

export const ANY_VAULT = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

/** The vault access policies of the stack, per vault URN, and those whose vault cannot be told. */
export interface VaultPolicies {
  readonly byVault: ReadonlyMap<string, readonly IndexedResource[]>;
  /** Policies whose `backupVaultName` is unknown with no edge: they may belong to any vault. */
  readonly unplaced: readonly IndexedResource[];
}

/** Vaults by their known name (the `backupVaultName` a literal names). */
function vaultsByName(index: StackIndex): ReadonlyMap<string, IndexedResource> {
  return index.memo("vaultsByName", () => {
    const out = new Map<string, IndexedResource>();
    for (const vault of index.ofType(ANY_VAULT)) {
      const name = stringField(vault.props.name);
      if (name.state === "known") out.set(name.value, vault);
    }
    return out;
  });
}

/**
 * Each `aws:backup/vaultPolicy:VaultPolicy` placed on its vault: by the
 * `backupVaultName` edge, or by a literal naming a vault of the stack.
 */
export function vaultPolicies(index: StackIndex): VaultPolicies {
  return index.memo("vaultPolicies", () => {
    const byVault = new Map<string, IndexedResource[]>();
    const unplaced: IndexedResource[] = [];
    for (const policy of index.ofType(BACKUP_VAULT_POLICY)) {
      const byEdge = index.dependenciesOf(policy, "backupVaultName", ANY_VAULT);
      const name = policy.props.backupVaultName;
      const vault = byEdge[0] ?? (typeof name === "string" ? vaultsByName(index).get(name) : undefined);
      if (vault) byVault.set(vault.urn, [...(byVault.get(vault.urn) ?? []), policy]);
      else if (isUnknown(name)) unplaced.push(policy);
    }
    return { byVault, unplaced };
  });
}

/**
 * Whether a vault access policy statement has a wildcard in `Action` (`backup:*`,
 * `backup:Delete*`): unlike other resource policies, AWS Backup vault access policies
 * do not support one ("Vault access policies", AWS Backup Developer Guide), so such a
 * statement cannot be relied on to deny (or allow) anything.
 */
export function hasWildcardAction(statement: Statement): boolean {
  return statement.actions.some((action) => /[*?]/.test(action));
}
