import { readStackExport, StackExportError } from "../../kit/export";
import { UNKNOWN_SENTINEL } from "../../kit/view";

const SECRET = "4dabf18193072939515e22adb298388d";
const SIG = "1b47061264138c4ac30d75fd1eb44270";

describe("readStackExport", () => {
  const document = {
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        {
          urn: "urn:pulumi:prod::shop::aws:kms/key:Key::key",
          custom: true,
          id: "k-1",
          type: "aws:kms/key:Key",
          parent: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod",
          inputs: { enableKeyRotation: true },
          outputs: {
            enableKeyRotation: true,
            policy: { [SECRET]: SIG, ciphertext: "v1:abc" },
            description: { [SECRET]: SIG, plaintext: '"shown with --show-secrets"' },
          },
          propertyDependencies: { policy: [], description: ["urn:x"] },
          additionalSecretOutputs: ["policy"],
          protect: true,
        },
        { urn: "urn:pulumi:prod::shop::aws:kms/key:Key::gone", custom: true, type: "aws:kms/key:Key", delete: true },
      ],
    },
  };

  it("reads resources as the engine's view of a deployed stack: known values, decrypted secrets kept secret, encrypted secrets unknown", () => {
    const view = readStackExport(document);
    expect(view).toMatchObject({ project: "shop", stack: "prod", dryRun: false });
    expect(view.resources.map((r) => r.name)).toEqual(["shop-prod", "key"]);
    expect(view.resources[1]).toEqual({
      urn: "urn:pulumi:prod::shop::aws:kms/key:Key::key",
      type: "aws:kms/key:Key",
      name: "key",
      custom: true,
      parent: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod",
      inputs: { enableKeyRotation: true },
      outputs: {
        enableKeyRotation: true,
        policy: UNKNOWN_SENTINEL,
        description: { [SECRET]: SIG, value: "shown with --show-secrets" },
        id: "k-1",
      },
      dependencies: [],
      propertyDependencies: { description: ["urn:x"] },
      provider: undefined,
      options: { protect: true, ignoreChanges: [], additionalSecretOutputs: ["policy"] },
    });
  });

  it("rejects what is not a stack export, naming what is missing", () => {
    expect(() => readStackExport({ deployment: {} })).toThrow(
      new StackExportError("not a `pulumi stack export` file: it has no deployment.resources list"),
    );
    expect(() => readStackExport({ deployment: { resources: [{ type: "x" }] } })).toThrow(
      new StackExportError("deployment.resources[0] has no urn or type"),
    );
  });
});
