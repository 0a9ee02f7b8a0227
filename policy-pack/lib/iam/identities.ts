import { parseArn } from "../arn";
import { backupBuckets, bucketAttachments, INLINE_REPLICATION, type BackupBucketConfig } from "../s3/buckets";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { BACKUP_SELECTION, IAM_GROUP, IAM_IDENTITY, IAM_ROLE, IAM_USER, RESTORE_TESTING_SELECTION, S3_BUCKET_REPLICATION } from "../types";
import { expandPath, getPath, stringField, type Value } from "../values";

/** How principals written in policies find the IAM roles, users and groups of the stack. */
interface IdentityLookup {
  readonly byArn: ReadonlyMap<string, IndexedResource>;
  /** `role/<name>`, `user/<name>`, `group/<name>` for identities whose name is known. */
  readonly byKindAndName: ReadonlyMap<string, IndexedResource>;
}

const KIND_OF_TYPE: Readonly<Record<string, string>> = {
  "aws:iam/role:Role": "role",
  "aws:iam/user:User": "user",
  "aws:iam/group:Group": "group",
};

function identityLookup(index: StackIndex): IdentityLookup {
  return index.memo("identityLookup", () => {
    const byArn = new Map<string, IndexedResource>();
    const byKindAndName = new Map<string, IndexedResource>();
    for (const identity of index.ofType(IAM_IDENTITY)) {
      const arn = stringField(identity.props.arn);
      if (arn.state === "known") byArn.set(arn.value, identity);
      const name = stringField(identity.props.name);
      if (name.state === "known") byKindAndName.set(`${KIND_OF_TYPE[identity.type]}/${name.value}`, identity);
    }
    return { byArn, byKindAndName };
  });
}

/** The AWS accounts the stack's resources live in, from every known ARN (empty during a first preview). */
export function stackAccounts(index: StackIndex): ReadonlySet<string> {
  return index.memo("stackAccounts", () => {
    const accounts = new Set<string>();
    for (const resource of index.resources) {
      const arn = resource.props.arn;
      const account = typeof arn === "string" ? parseArn(arn)?.account : undefined;
      if (account) accounts.add(account);
    }
    return accounts;
  });
}

/** The account a principal names as a whole (`arn:aws:iam::<account>:root` or the bare id), if it does. */
export function accountRootOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const arn = parseArn(principal);
  return arn?.service === "iam" && arn.resource === "root" ? arn.account : undefined;
}

/**
 * The stack identity a principal ARN names: by its known ARN, or, while ARNs are still
 * unknown during preview, by the kind and name in the ARN (`…:role/path/name`), in an
 * account of the stack when those are known.
 */
export function identityForPrincipal(index: StackIndex, principal: string): IndexedResource | undefined {
  const lookup = identityLookup(index);
  const exact = lookup.byArn.get(principal);
  if (exact) return exact;
  const arn = parseArn(principal);
  if (!arn || arn.service !== "iam") return undefined;
  const accounts = stackAccounts(index);
  if (accounts.size > 0 && !accounts.has(arn.account)) return undefined;
  const [kind, ...rest] = arn.resource.split("/");
  const name = rest[rest.length - 1];
  return kind && name ? lookup.byKindAndName.get(`${kind}/${name}`) : undefined;
}

/**
 * The `aws:userid` of a session of a role no policy can name: IAM gives every role a
 * fresh unique id when it is created, so a role being created (or a probe role that is
 * no one in particular) has none that a policy written before it could hold.
 */
export const UNNAMED_ROLE_USER_ID = "AROAUNASSIGNEDROLEID0:unassigned-session";

/** The stack identity whose `uniqueId` (known once it exists) is `id`. */
export function identityForUniqueId(index: StackIndex, id: string): IndexedResource | undefined {
  const byId = index.memo("identitiesByUniqueId", () => {
    const out = new Map<string, IndexedResource>();
    for (const identity of index.ofType(IAM_IDENTITY)) {
      const unique = stringField(identity.props.uniqueId);
      if (unique.state === "known" && unique.value !== "") out.set(unique.value, identity);
    }
    return out;
  });
  return byId.get(id);
}

/**
 * The `aws:userid` an identity calls with: `<unique id>:<session>` for a role, its
 * unique id for a user; while the unique id is unknown, the identity is being created
 * and no policy can name it yet (nor a group's members, who are not known here).
 */
export function userIdOf(identity: IndexedResource): string {
  const unique = stringField(identity.props.uniqueId);
  // A group's members call as themselves.
  if (unique.state !== "known" || unique.value === "" || identity.type === "aws:iam/group:Group") return UNNAMED_ROLE_USER_ID;
  return identity.type === "aws:iam/role:Role" ? `${unique.value}:unassigned-session` : unique.value;
}

/** The identity a role reference (`iamRoleArn`, `role`) of `referrer` points to. */
function roleReferredTo(index: StackIndex, referrer: IndexedResource, property: string, value: Value | undefined) {
  const byEdge = index.dependenciesOf(referrer, property, IAM_ROLE)[0];
  if (byEdge) return byEdge;
  return typeof value === "string" ? identityForPrincipal(index, value) : undefined;
}

/** Why a role is a backup identity: the resource that makes AWS Backup or S3 assume it. */
export interface BackupIdentityUse {
  readonly role: IndexedResource;
  readonly assumedFor: IndexedResource;
}

/**
 * Backup identities: roles AWS Backup assumes (`iamRoleArn` of backup and
 * restore-testing selections) and roles S3 assumes to replicate backup buckets.
 */
export function backupIdentities(index: StackIndex, buckets: BackupBucketConfig): ReadonlyMap<string, BackupIdentityUse> {
  return index.memo(`backupIdentities:${JSON.stringify(buckets)}`, () => {
    const out = new Map<string, BackupIdentityUse>();
    const add = (role: IndexedResource | undefined, assumedFor: IndexedResource) => {
      if (role && !out.has(role.urn)) out.set(role.urn, { role, assumedFor });
    };
    for (const selection of index.ofType(BACKUP_SELECTION)) {
      add(roleReferredTo(index, selection, "iamRoleArn", selection.props.iamRoleArn), selection);
    }
    for (const selection of index.ofType(RESTORE_TESTING_SELECTION)) {
      add(roleReferredTo(index, selection, "iamRoleArn", selection.props.iamRoleArn), selection);
    }
    const replications = bucketAttachments(index, S3_BUCKET_REPLICATION);
    for (const { bucket } of backupBuckets(index, buckets).byUrn.values()) {
      for (const replication of replications.get(bucket.urn) ?? []) {
        add(roleReferredTo(index, replication, "role", replication.props.role), bucket);
      }
      for (const shape of INLINE_REPLICATION) {
        const configs = expandPath(bucket.props[shape.property], shape.configSteps, shape.property);
        const byEdge = index.dependenciesOf(bucket, shape.property, IAM_ROLE);
        if (configs === "unknown") byEdge.forEach((role) => add(role, bucket));
        else for (const config of configs) add(roleReferredTo(index, bucket, shape.property, getPath(config.value, ["role"])), bucket);
      }
    }
    return out;
  });
}

/**
 * The stack identity of `kind` ("role", "user", "group") a reference names: a property
 * computed from it (edge), or a literal name or ARN.
 */
export function identityReferredTo(
  index: StackIndex,
  referrer: IndexedResource,
  property: string,
  kind: "role" | "user" | "group",
  value: Value | undefined,
): IndexedResource[] {
  const types = kind === "role" ? IAM_ROLE : kind === "user" ? IAM_USER : IAM_GROUP;
  const byEdge = index.dependenciesOf(referrer, property, types);
  const literals =
    typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  const out = new Set(byEdge);
  for (const literal of literals) {
    const found = literal.startsWith("arn:")
      ? identityForPrincipal(index, literal)
      : identityLookup(index).byKindAndName.get(`${kind}/${literal}`);
    if (found && types.has(found.type)) out.add(found);
  }
  return [...out];
}
