import { parseArn } from "../arn";
import { ANY_VAULT, hasWildcardAction, vaultPolicies } from "../backup/vaultAccess";
import { backupKeys } from "../kms/backupKeys";
import { keyPoliciesOf } from "../kms/keys";
import { bucketPolicies } from "../s3/bucketAccess";
import { backupBuckets, type BackupBucketConfig } from "../s3/buckets";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import { BACKUP_PLAN } from "../types";
import type { Value } from "../values";
import { addressOf, type Address, type Filled } from "./addresses";
import type { NamedStatements } from "./evaluate";
import { parsePolicyDocument, type Statement } from "./policyDocument";
import { vaultActionResources } from "./probes";

export type TargetKind = "vault" | "plan" | "bucket" | "key";

/** What a target's own resource policy is: known statements, the AWS default, or unknowable here. */
export type TargetPolicy =
  | { readonly state: "known"; readonly policy: NamedStatements }
  | { readonly state: "absent" }
  | { readonly state: "unknown"; readonly reason: string };

/** A backup store or backup key of the stack that destructive actions can reach. */
export interface BackupTarget {
  readonly resource: IndexedResource;
  readonly kind: TargetKind;
  readonly address: Address;
  readonly policy: TargetPolicy;
}

function policyOf(
  index: StackIndex,
  sources: readonly { holder: IndexedResource; document: Value | undefined }[],
  honoured: (statement: Statement) => boolean = () => true,
): TargetPolicy {
  const statements: Statement[] = [];
  const names: string[] = [];
  for (const { holder, document } of sources) {
    const parsed = parsePolicyDocument(document);
    if (parsed.state === "absent") continue;
    // A resource policy the pack cannot read may deny anything, or allow another account.
    if (parsed.state !== "known")
      return {
        state: "unknown",
        reason: `the policy of ${describe(holder)} is ${parsed.state === "unknown" ? `unknown ${index.unknownWhen}` : "malformed"}`,
      };
    statements.push(...parsed.statements.filter(honoured));
    names.push(describe(holder));
  }
  return names.length === 0 ? { state: "absent" } : { state: "known", policy: { name: names.join(", "), statements } };
}

/**
 * Every backup store and backup key of the stack, with its address and resource
 * policy: vaults (access policy), plans, backup buckets (bucket policy) and the keys
 * that encrypt them (key policy).
 */
export function backupTargets(index: StackIndex, buckets: BackupBucketConfig): readonly BackupTarget[] {
  return index.memo(`backupTargets:${JSON.stringify(buckets)}`, () => {
    const out: BackupTarget[] = [];
    const { byVault } = vaultPolicies(index);
    for (const vault of index.ofType(ANY_VAULT)) {
      const sources = (byVault.get(vault.urn) ?? []).map((holder) => ({ holder, document: holder.props.policy }));
      // A statement with a wildcard in Action is one AWS Backup does not support: it protects nothing.
      const policy = policyOf(index, sources, (statement) => !hasWildcardAction(statement));
      out.push({ resource: vault, kind: "vault", address: addressOf(index, vault, "name"), policy });
    }
    for (const plan of index.ofType(BACKUP_PLAN))
      out.push({ resource: plan, kind: "plan", address: addressOf(index, plan, "name"), policy: { state: "absent" } });
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      out.push({
        resource: bucket,
        kind: "bucket",
        address: addressOf(index, bucket, "bucket"),
        policy: policyOf(index, bucketPolicies(index, bucket)),
      });
    }
    for (const { key } of backupKeys(index, buckets).values()) {
      const attached = keyPoliciesOf(index, key);
      const sources =
        attached.length > 0
          ? attached.map((holder) => ({ holder, document: holder.props.policy }))
          : [{ holder: key, document: index.setting(key, ["policy"]) }];
      out.push({ resource: key, kind: "key", address: addressOf(index, key, "keyId"), policy: policyOf(index, sources) });
    }
    return out;
  });
}

const KINDS = new Map<string, TargetKind | undefined>();

/** The kind of target an action destroys, from its service and name; `undefined` for other services. */
export function targetKindOf(action: string): TargetKind | undefined {
  if (KINDS.has(action)) return KINDS.get(action);
  const [service = "", name = ""] = action.toLowerCase().split(":");
  const kind =
    service === "backup"
      ? /backupplan|backupselection/.test(name)
        ? "plan"
        : "vault"
      : service === "s3"
        ? "bucket"
        : service === "kms"
          ? "key"
          : undefined;
  // Actions come from the pack's list and the config: a bounded set.
  KINDS.set(action, kind);
  return kind;
}

/** The backup targets of each kind (see `backupTargets`). */
export function backupTargetsByKind(index: StackIndex, buckets: BackupBucketConfig): ReadonlyMap<TargetKind, readonly BackupTarget[]> {
  return index.memo(`backupTargetsByKind:${JSON.stringify(buckets)}`, () => {
    const out = new Map<TargetKind, BackupTarget[]>();
    for (const target of backupTargets(index, buckets)) {
      const same = out.get(target.kind);
      if (same) same.push(target);
      else out.set(target.kind, [target]);
    }
    return out;
  });
}

/** The ARNs a request for `action` on the target is authorised against (a vault's recovery points have several kinds). */
export function actionResources(target: BackupTarget, filled: Filled, action: string): readonly string[] {
  const { address } = target;
  switch (target.kind) {
    case "vault":
      return vaultActionResources(address, filled, action);
    case "plan":
      return [address.arn ?? `arn:aws:backup:${filled.region}:${filled.account}:backup-plan:${filled.name}`];
    case "bucket": {
      const bucket = (address.arn && parseArn(address.arn)?.resource) || filled.name;
      return [/object/i.test(action) ? `arn:aws:s3:::${bucket}/unassigned-object-key` : `arn:aws:s3:::${bucket}`];
    }
    case "key":
      return [address.arn ?? `arn:aws:kms:${filled.region}:${filled.account}:key/${filled.name}`];
  }
}

const DEFAULT_KEY_POLICIES = new Map<string, NamedStatements>();

/** AWS's default key policy when a key sets none: the account (and so IAM) administers it. */
export function defaultKeyPolicy(account: string): NamedStatements {
  let policy = DEFAULT_KEY_POLICIES.get(account);
  if (!policy) DEFAULT_KEY_POLICIES.set(account, (policy = keyPolicyOfAccount(account)));
  return policy;
}

function keyPolicyOfAccount(account: string): NamedStatements {
  const parsed = parsePolicyDocument({
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
  });
  return { name: "the default key policy", statements: parsed.state === "known" ? parsed.statements : [] };
}
