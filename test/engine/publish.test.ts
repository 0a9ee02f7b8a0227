/**
 * The publish round-trip: `pulumi policy publish` uploads `npm pack` of the pack, and
 * Pulumi Cloud installs it as a fresh directory (extract, `npm install --omit=dev`) and
 * launches it as the language host does. This installs our tarball that way in a
 * temporary directory, boots it through the engine emulator and runs every example
 * through it: the diagnostics must be those of the source tree's pack.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackProcess } from "../../kit/engine/analyzer";
import { analyzeView } from "../../kit/engine/run";
import { recordProgram } from "../../kit/recorder";
import { exampleDirs, sortDiagnostics } from "../../scripts/preview-examples";
import { packsForThisFile } from "../helpers";

const PACK_SOURCE = path.resolve(__dirname, "../../policy-pack");
const packs = packsForThisFile();
let workDir = "";
let tarballFiles: string[] = [];
let installed: PackProcess | undefined;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "publish-"));
  const packed = JSON.parse(
    // `npm test` built bin/ already; the prepack build would rewrite it under the pack
    // processes of the other test files.
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], {
      cwd: PACK_SOURCE,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarballFiles = packed[0]!.files.map((file) => file.path).sort();
  execFileSync("tar", ["-xzf", path.join(workDir, packed[0]!.filename), "-C", workDir]);
  // As Pulumi Cloud installs a downloaded pack: production dependencies only.
  execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], {
    cwd: path.join(workDir, "package"),
    stdio: "ignore",
  });
}, 300_000);

afterAll(async () => {
  await installed?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the published pack", () => {
  it("ships the compiled pack and its manifest, and no sources, tests or source maps", () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining(["PulumiPolicy.yaml", "package.json", "bin/index.js", "bin/policies/index.js", "presets/strict.json"]),
    );
    expect(tarballFiles.filter((file) => /\.map$|\.test\.|(?<!\.d)\.ts$|^test\/|^node_modules\//.test(file))).toEqual([]);
  });

  it("installs as Pulumi Cloud installs it and gives every example the source tree's diagnostics", async () => {
    installed = await PackProcess.start(path.join(workDir, "package"));
    for (const dir of exampleDirs()) {
      const view = await recordProgram(dir);
      const [fromSource, fromTarball] = [await analyzeView(packs.preview, view), await analyzeView(installed, view)];
      expect({ example: path.basename(dir), diagnostics: sortDiagnostics(fromTarball.diagnostics) }).toEqual({
        example: path.basename(dir),
        diagnostics: sortDiagnostics(fromSource.diagnostics),
      });
      expect(fromTarball.failed).toBe(fromSource.failed);
    }
    expect(exampleDirs().length).toBeGreaterThan(0);
  }, 300_000);
});
