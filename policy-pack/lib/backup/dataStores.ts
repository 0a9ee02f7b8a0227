/**
 * The one table of the resources AWS Backup can protect: their type tokens (every
 * alias), the ARN AWS gives them, the property that names them in that ARN, the
 * resource type AWS Backup and restore testing call them by, and whether their
 * recovery points keep the source's own KMS key.
 */
import { parseArn } from "../arn";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { S3_BUCKET, union, type TypeSet } from "../types";
import { isUnknown, stringField } from "../values";

/**
 * The resource types of AWS Backup (`protectedResourceType` of a restore testing
 * selection, `ResourceType` of a backup job).
 */
export type ProtectedResourceType =
  "Aurora" | "DocumentDB" | "DynamoDB" | "EBS" | "EC2" | "EFS" | "FSx" | "Neptune" | "RDS" | "Redshift" | "S3";

export const PROTECTED_RESOURCE_TYPES: readonly ProtectedResourceType[] = [
  "Aurora",
  "DocumentDB",
  "DynamoDB",
  "EBS",
  "EC2",
  "EFS",
  "FSx",
  "Neptune",
  "RDS",
  "Redshift",
  "S3",
];

/** The types a restore testing selection accepts: every protected type but Redshift, which restore testing does not take. */
export const RESTORE_TESTABLE: ReadonlySet<string> = new Set(PROTECTED_RESOURCE_TYPES.filter((type) => type !== "Redshift"));

/** One kind of data store. */
export interface DataStoreKind {
  /** The type tokens of this kind (every alias). */
  readonly types: TypeSet;
  /** The ARN's service segment. */
  readonly service: string;
  /** The ARN's resource segment before the name: `db:`, `table/`. */
  readonly resourcePrefix: string;
  /** The property whose value ends the ARN (`identifier`, `name`, `id`), as AWS names the resource. */
  readonly nameProperty: string;
  /** The end of the ARN when it is made of several properties (an ONTAP volume: `<file system id>/<volume id>`). */
  resourceName?(resource: IndexedResource): string | undefined;
  /** The ARN has no region and account (S3). */
  readonly global?: boolean;
  /** The AWS Backup resource type, which for an RDS cluster depends on its engine. */
  protectedType(resource: IndexedResource): ProtectedResourceType | undefined;
  /**
   * The property holding the KMS key the data store is encrypted with, when its
   * recovery points keep that key instead of the vault's (RDS, Aurora, EBS,
   * DocumentDB, Neptune: AWS Backup copies their snapshots under the source key).
   */
  readonly sourceKeyProperty?: string;
  /** The property that turns encryption on, when the data store has one. */
  readonly encryptedProperty?: string;
}

function types(...tokens: string[]): TypeSet {
  return new Set(tokens);
}

function fixed(type: ProtectedResourceType): () => ProtectedResourceType {
  return () => type;
}

export const RDS_INSTANCE = types("aws:rds/instance:Instance");
export const RDS_CLUSTER = types("aws:rds/cluster:Cluster");
export const DYNAMODB_TABLE = types("aws:dynamodb/table:Table");
export const EFS_FILE_SYSTEM = types("aws:efs/fileSystem:FileSystem");
export const EBS_VOLUME = types("aws:ebs/volume:Volume");
export const EC2_INSTANCE = types("aws:ec2/instance:Instance");
/**
 * AWS Backup backs up FSx for Lustre, Windows File Server and OpenZFS file systems
 * whole, and FSx for NetApp ONTAP by volume (`arn:<p>:fsx:<r>:<acct>:volume/<fs-id>/<fsvol-id>`):
 * an ONTAP file system is not a resource it protects, and neither is an OpenZFS volume
 * (its file system's backup holds it).
 */
export const FSX_FILE_SYSTEM = types(
  "aws:fsx/lustreFileSystem:LustreFileSystem",
  "aws:fsx/windowsFileSystem:WindowsFileSystem",
  "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
);
export const FSX_ONTAP_VOLUME = types("aws:fsx/ontapVolume:OntapVolume");

/** `<file system id>/<volume id>`, when both are known. */
function ontapVolumeName(resource: IndexedResource): string | undefined {
  const fileSystem = stringField(resource.props.fileSystemId);
  const id = stringField(resource.props.id);
  return fileSystem.state === "known" && fileSystem.value !== "" && id.state === "known" && id.value !== ""
    ? `${fileSystem.value}/${id.value}`
    : undefined;
}
export const DOCDB_CLUSTER = types("aws:docdb/cluster:Cluster");
export const NEPTUNE_CLUSTER = types("aws:neptune/cluster:Cluster");
export const REDSHIFT_CLUSTER = types("aws:redshift/cluster:Cluster");

/** An RDS cluster of an `aurora*` engine is Aurora; a Multi-AZ DB cluster (mysql, postgres) is RDS. */
function rdsClusterType(resource: IndexedResource): ProtectedResourceType | undefined {
  const engine = stringField(resource.props.engine);
  if (engine.state !== "known") return undefined;
  return engine.value.startsWith("aurora") ? "Aurora" : "RDS";
}

export const DATA_STORE_KINDS: readonly DataStoreKind[] = [
  {
    types: RDS_INSTANCE,
    service: "rds",
    resourcePrefix: "db:",
    nameProperty: "identifier",
    protectedType: fixed("RDS"),
    sourceKeyProperty: "kmsKeyId",
    encryptedProperty: "storageEncrypted",
  },
  {
    types: RDS_CLUSTER,
    service: "rds",
    resourcePrefix: "cluster:",
    nameProperty: "clusterIdentifier",
    protectedType: rdsClusterType,
    sourceKeyProperty: "kmsKeyId",
    encryptedProperty: "storageEncrypted",
  },
  { types: DYNAMODB_TABLE, service: "dynamodb", resourcePrefix: "table/", nameProperty: "name", protectedType: fixed("DynamoDB") },
  {
    types: EFS_FILE_SYSTEM,
    service: "elasticfilesystem",
    resourcePrefix: "file-system/",
    nameProperty: "id",
    protectedType: fixed("EFS"),
  },
  {
    types: EBS_VOLUME,
    service: "ec2",
    resourcePrefix: "volume/",
    nameProperty: "id",
    protectedType: fixed("EBS"),
    sourceKeyProperty: "kmsKeyId",
    encryptedProperty: "encrypted",
  },
  { types: EC2_INSTANCE, service: "ec2", resourcePrefix: "instance/", nameProperty: "id", protectedType: fixed("EC2") },
  { types: FSX_FILE_SYSTEM, service: "fsx", resourcePrefix: "file-system/", nameProperty: "id", protectedType: fixed("FSx") },
  {
    types: FSX_ONTAP_VOLUME,
    service: "fsx",
    resourcePrefix: "volume/",
    nameProperty: "id",
    resourceName: ontapVolumeName,
    protectedType: fixed("FSx"),
  },
  {
    types: DOCDB_CLUSTER,
    service: "rds",
    resourcePrefix: "cluster:",
    nameProperty: "clusterIdentifier",
    protectedType: fixed("DocumentDB"),
    sourceKeyProperty: "kmsKeyId",
    encryptedProperty: "storageEncrypted",
  },
  {
    types: NEPTUNE_CLUSTER,
    service: "rds",
    resourcePrefix: "cluster:",
    nameProperty: "clusterIdentifier",
    protectedType: fixed("Neptune"),
    sourceKeyProperty: "kmsKeyArn",
    encryptedProperty: "storageEncrypted",
  },
  {
    types: REDSHIFT_CLUSTER,
    service: "redshift",
    resourcePrefix: "cluster:",
    nameProperty: "clusterIdentifier",
    protectedType: fixed("Redshift"),
  },
  { types: S3_BUCKET, service: "s3", resourcePrefix: "", nameProperty: "bucket", global: true, protectedType: fixed("S3") },
];

const KIND_BY_TYPE = new Map<string, DataStoreKind>(DATA_STORE_KINDS.flatMap((kind) => [...kind.types].map((type) => [type, kind])));

/** Every data store type token except S3 buckets, which count only when configured. */
export const DATA_STORE_TYPES: TypeSet = union(...DATA_STORE_KINDS.filter((kind) => kind.types !== S3_BUCKET).map((kind) => kind.types));

export function kindOf(type: string): DataStoreKind | undefined {
  return KIND_BY_TYPE.get(type);
}

export function isDataStore(type: string): boolean {
  return KIND_BY_TYPE.has(type);
}

/**
 * The data store kinds an ARN (or ARN pattern) can name, from its service and
 * resource segment: `arn:aws:rds:…:cluster:…` names RDS, DocumentDB and Neptune
 * clusters alike. A wildcard service or resource names every kind it could.
 */
export function kindsNamedByArn(value: string): readonly DataStoreKind[] | "not-an-arn" {
  const arn = parseArn(value);
  if (!arn) return "not-an-arn";
  return DATA_STORE_KINDS.filter(
    (kind) =>
      (arn.service === "*" || arn.service === kind.service) &&
      (kind.resourcePrefix === "" || arn.resource.startsWith("*") || arn.resource.startsWith(kind.resourcePrefix)),
  );
}

/** Human names of the AWS Backup resource types, for messages. */
export function listTypes(list: readonly string[]): string {
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

/**
 * An RDS read replica (`replicateSourceDb` set, or set by the program to a value unknown
 * during preview). Its data is its source's, which is what a backup plan must hold; RDS
 * takes no automated backups of most replicas (PostgreSQL, Oracle, SQL Server), so
 * neither coverage nor native backups are asked of it.
 */
export function isReadReplica(index: StackIndex, resource: IndexedResource): boolean {
  if (!RDS_INSTANCE.has(resource.type)) return false;
  const source = index.setting(resource, ["replicateSourceDb"]);
  return isUnknown(source) || (typeof source === "string" && source !== "");
}
