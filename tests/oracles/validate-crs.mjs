// Validates custom resources against their CRD schemas, as compiled by the
// @kubernetes-models packages (installed by `./dev setup oracles`).
//
//   node validate-crs.mjs FILE.yaml...
//
// Every document of an API group listed below is validated; a kind the package does
// not know is an error, not a skip. Documents of other groups (the built-in API) are
// counted and left to kubernetes-validate. Prints one line per problem and a summary;
// exits 1 when any document is invalid, 2 when the validators cannot be loaded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const modules = process.env.KUBEPRINT_CRD_MODULES;
if (!modules) {
  console.error("KUBEPRINT_CRD_MODULES must name the node_modules folder holding @kubernetes-models/*");
  process.exit(2);
}
const require = createRequire(path.join(modules, "noop.js"));
const YAML = require("yaml");

// API group -> package.
const PACKAGES = {
  "argoproj.io": "@kubernetes-models/argo-cd",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "cert-manager.io": "@kubernetes-models/cert-manager",
};
// argoproj.io is shared by Argo CD and Argo Rollouts: these kinds are Rollouts'.
const ROLLOUTS_KINDS = new Set(["Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun", "Experiment"]);

function packageFor(group, kind) {
  if (group === "argoproj.io" && ROLLOUTS_KINDS.has(kind)) return "@kubernetes-models/argo-rollouts";
  return PACKAGES[group];
}

let checked = 0, skipped = 0, failed = 0;
const byKind = {};
for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.log(`${file}: not YAML: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj || typeof obj !== "object") continue;
    const [group, version] = String(obj.apiVersion || "").includes("/")
      ? obj.apiVersion.split("/")
      : ["", obj.apiVersion];
    const pkg = packageFor(group, obj.kind);
    if (!pkg) { skipped++; continue; }
    const where = `${file}: ${obj.kind} ${obj.metadata?.name ?? "(no name)"}`;
    let mod;
    try {
      mod = await import(path.join(modules, pkg, group, version, "index.js"));
    } catch (e) {
      console.log(`${where}: ${pkg} has no ${group}/${version}`);
      failed++;
      continue;
    }
    const Model = mod[obj.kind];
    if (!Model) {
      console.log(`${where}: ${pkg} has no kind ${obj.kind} in ${group}/${version}`);
      failed++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      byKind[obj.kind] = (byKind[obj.kind] || 0) + 1;
    } catch (e) {
      console.log(`${where}: ${e.message}`);
      failed++;
    }
  }
}
console.log(`custom resources: ${checked} valid, ${failed} invalid, ${skipped} other documents; ${JSON.stringify(byKind)}`);
process.exit(failed ? 1 : 0);
