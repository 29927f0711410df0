//! The Helm chart: every environment of a design as one chart plus one values file each.
//!
//! The chart's templates are the rendered objects ([`render`]) of all environments,
//! unified per object ([`crate::render::Object::key`]). Where every environment renders the same value,
//! a template holds it literally; at the paths a value names, it holds a Helm action that
//! reads that value. Values are what a team changes per environment or per release, named
//! after what they mean and keyed by name (maps, never lists, because Helm replaces lists
//! whole):
//!
//! - `services.<svc>.enabled`, `.image.repository` / `.tag` (/ `.digest`), `.replicas`,
//!   `.autoscaling.{enabled,minReplicas,maxReplicas}`, `.resources`,
//!   `.podDisruptionBudget.enabled`, `.ingress.{enabled,host}`;
//! - `config.<configmap>.<key>`, `secrets.<name>.create`, `networkPolicies.enabled`,
//!   `namespaces.<env>` (another environment's namespace a policy lets in);
//! - `objects.<Kind>.<name>.<keyed path>`: whatever else differs between environments,
//!   named after its object and its path (list items by their `name`); an object
//!   whose very members differ is whole under `objects.<Kind>.<name>.manifest`, and
//!   one only some environments write is switched by `objects.<Kind>.<name>.enabled`.
//!
//! `values.yaml` is the base environment (the first that runs services, as the
//! Kustomize base), `values-<env>.yaml` only what differs from it (a key the environment
//! lacks is `null`, which Helm reads as "delete"). An object or a field that only some
//! environments have sits in `{{- if ... }}` / `{{- end }}` lines: an object of a service
//! the environment does not run under `services.<svc>.enabled`, an HPA under
//! `autoscaling.enabled` (and the workload's `spec.replicas` only where that is off), a
//! ConfigMap key some environments leave out (or only some have) where its values have
//! it (`hasKey`; the values of an environment without it delete it with `null`, and the
//! schema does not require it).
//!
//! Template text is serde_yaml's output of the unified object with a unique placeholder
//! scalar at every slot, each placeholder then replaced by its action: the one place in
//! Kubeprint where YAML text is edited rather than serialized. Every file is written for
//! YAML 1.1 readers ([`yaml::to_doc`]): Helm reads values and rendered manifests
//! with one, which takes a plain `on`, `yes` or `0755` for a bool or a number. The actions are exactly
//! `{{ toJson (index .Values "a" "b") }}` (JSON is YAML's flow syntax, so one form writes
//! numbers, strings, maps and lists), `{{ toJson (printf "%s:%s" (index ...) (index ...)) }}`
//! for an image reference, `{{ toJson (printf "...namespace=\"%s\"..." .Release.Namespace) }}`
//! for PromQL that selects the release's namespace (analysis queries, alert
//! expressions), `{{ .Release.Namespace }}`, `{{ "JSON" }}` for a literal that
//! holds `{{` itself, `{{ quote (sha256sum (include (print $.Template.BasePath
//! "/configmap-x.yaml") $)) }}` for a pod's `checksum/config` (the included files
//! joined by `(print ...)` when it reads several), and `{{- if C }}` ... `{{- end }}` where C is `(index .Values ...)`,
//! `(hasKey (index .Values ...) "key")`, `(not C)`, `(and C C)` or `(or C C)`.
//!
//! A value that differs between environments and holds a character YAML forbids
//! unescaped (a BOM, DEL, a C1 control) cannot pass: Helm's `toJson` writes it as is,
//! and Helm's YAML reader then refuses the rendered manifest.

use super::BundleFile;
use crate::model::{effective, Design, Environment, ResidualRole, Service};
use crate::order::Collect;
use crate::render::{references, render, residual_role, SECRET_PLACEHOLDER};
use crate::{naming, yaml};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The chart's version: a chart exported by Kubeprint starts its own history.
pub const CHART_VERSION: &str = "0.1.0";

/// The chart's name: the design's name made a valid chart name (lowercase letters,
/// digits and dashes, starting with a letter, at most 53 characters).
pub fn chart_name(design: &Design) -> String {
    let mut out = String::new();
    for c in design.name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out = format!("chart-{out}").trim_end_matches('-').to_string();
    }
    out.truncate(53);
    out.trim_end_matches('-').to_string()
}

/// The chart's files, under `helm/<chart>/`: Chart.yaml, values.yaml (the base
/// environment), values-<env>.yaml for every environment, values.schema.json,
/// .helmignore, README.md, templates/_helpers.tpl, templates/NOTES.txt and one template
/// per object.
pub fn chart(design: &Design) -> Vec<BundleFile> {
    let name = chart_name(design);
    let dir = format!("helm/{name}");
    let mut b = Builder::new(design);
    let templates = b.templates();
    // Workloads the chart writes `replicas` of beside an HPA that scales them (as the
    // design keeps them, from its input).
    let beside: Vec<&str> = (design.services.iter())
        .filter(|s| s.scaling.replicas_with_hpa && b.switches_replicas(s))
        .map(|s| s.name.as_str())
        .collect();
    let envs = &design.environments;
    let trees: Vec<Value> = (0..envs.len()).map(|e| b.values(e)).collect();
    let base_tree = trees.get(b.base).cloned().unwrap_or_else(|| json!({}));

    let mut files = vec![
        BundleFile {
            path: format!("{dir}/Chart.yaml"),
            contents: chart_yaml(design, &name, b.app_version()),
        },
        BundleFile {
            path: format!("{dir}/values.yaml"),
            contents: format!(
                "# Values of environment `{}` (the base). Each values-<env>.yaml holds only\n\
                 # what its environment changes: helm install -f values-<env>.yaml\n{}",
                envs.get(b.base).map_or("", |e| e.name.as_str()),
                yaml::to_doc(&base_tree)
            ),
        },
    ];
    for (e, env) in envs.iter().enumerate() {
        let diff = difference(&base_tree, &trees[e]).unwrap_or_else(|| json!({}));
        files.push(BundleFile {
            path: format!("{dir}/values-{}.yaml", env.name),
            contents: format!(
                "# Environment `{}` (namespace {}): what differs from values.yaml.\n{}",
                env.name,
                env.namespace,
                yaml::to_doc(&diff)
            ),
        });
    }
    files.push(BundleFile {
        path: format!("{dir}/values.schema.json"),
        contents: serde_json::to_string_pretty(&b.schema(&trees)).expect("JSON") + "\n",
    });
    files.push(BundleFile {
        path: format!("{dir}/.helmignore"),
        contents: HELMIGNORE.into(),
    });
    files.push(BundleFile {
        path: format!("{dir}/README.md"),
        contents: readme(design, &name, &trees, &templates, &beside),
    });
    files.push(BundleFile {
        path: format!("{dir}/templates/_helpers.tpl"),
        contents: HELPERS.replace("CHART", &name),
    });
    files.push(BundleFile {
        path: format!("{dir}/templates/NOTES.txt"),
        contents: notes(design, &name),
    });
    for (file, text) in templates {
        files.push(BundleFile {
            path: format!("{dir}/templates/{file}"),
            contents: text,
        });
    }
    files
}

/// A value's path under `.Values`.
type VPath = Vec<String>;

fn vpath(parts: &[&str]) -> VPath {
    parts.iter().map(|s| s.to_string()).collect()
}

/// When an object or a line of a template is written.
#[derive(Clone, Debug)]
enum Cond {
    /// A boolean value.
    Value(VPath),
    /// The map of values at `parent` has `key` (a ConfigMap key some environments
    /// leave out): `present` says where.
    Has {
        parent: VPath,
        key: String,
        present: Vec<bool>,
    },
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

/// What an action writes.
#[derive(Clone, Debug)]
enum Expr {
    /// A value, as JSON.
    Value(VPath),
    /// The release's namespace.
    Namespace,
    /// Values joined by a printf format (an image reference), as a JSON string.
    Format(&'static str, Vec<VPath>),
    /// Text that names the release's namespace (a PromQL selector `namespace="..."`),
    /// as a printf format with one `%s` per mention, each the release's namespace.
    NamespacedText(String),
    /// A literal that Helm would otherwise read as template text (it holds `{{`), as
    /// JSON in a Go string constant.
    Raw(Value),
    /// The sha256 of these templates (files under `templates/`) as the release renders
    /// them, quoted: a pod's `checksum/config` of the ConfigMaps it reads.
    Checksum(Vec<String>),
    /// A key of a placeholder Secret ([`Found`], `key`) under `data`: its value in the
    /// cluster, base64 as it is there (binary values too), when the Secret exists, else
    /// the placeholder. So an upgrade keeps the values someone set (`helm template`
    /// cannot read the cluster).
    Kept(Found, String),
}

/// Where `lookup` finds an object: its namespace (the release's: `None`) and name.
type Found = (Option<String>, String);

/// Whether text holds what Helm reads as an action (or a placeholder of this module).
fn template_like(s: &str) -> bool {
    s.contains("{{") || s.contains(PLACEHOLDER)
}

struct Slot {
    expr: Expr,
    /// The slot's line is written only when this holds.
    line_if: Option<Cond>,
}

/// One value: what it is in every environment (by the design's environment order), and
/// where it is absent (its values file deletes it with `null`).
struct Def {
    per_env: Vec<Value>,
    absent: Vec<bool>,
    minimum: Option<u32>,
    description: String,
}

/// One step of a path into an object: a map key, or a list item by its `name` or index.
#[derive(Clone)]
enum Seg {
    Key(String),
    Item(usize, Option<String>),
}

impl Seg {
    /// The step in a value's name: a key, or the item's name, or its index.
    fn label(&self) -> String {
        match self {
            Seg::Key(k) => k.clone(),
            Seg::Item(_, Some(n)) => n.clone(),
            Seg::Item(i, None) => i.to_string(),
        }
    }

    fn key(&self) -> Option<&str> {
        match self {
            Seg::Key(k) => Some(k),
            Seg::Item(..) => None,
        }
    }
}

/// A service's object in its role, or a NetworkPolicy of it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Of(ResidualRole),
    Policy,
}

/// One object of the chart: its key and its JSON in each environment that has it.
struct Obj<'a> {
    kind: String,
    name: String,
    per_env: Vec<Option<Value>>,
    owner: Option<(&'a Service, Role)>,
    /// A placeholder Secret's place in the cluster, to keep the values it has there.
    kept: Option<Found>,
}

struct Builder<'a> {
    design: &'a Design,
    envs: &'a [Environment],
    /// The base environment's index.
    base: usize,
    defs: BTreeMap<VPath, Def>,
    slots: Vec<Slot>,
    /// The template file of each ConfigMap of the chart, by name.
    config_map_files: BTreeMap<String, String>,
}

const PLACEHOLDER: &str = "__kp_slot_";

impl<'a> Builder<'a> {
    fn new(design: &'a Design) -> Self {
        let envs = &design.environments[..];
        let base = envs.iter().position(|e| e.hosts_services).unwrap_or(0);
        Builder {
            design,
            envs,
            base,
            defs: BTreeMap::new(),
            slots: Vec::new(),
            config_map_files: BTreeMap::new(),
        }
    }

    /// The objects of every environment (Namespaces aside: the release's namespace is
    /// used), in order of first appearance, base environment first.
    fn objects(&self) -> Vec<Obj<'a>> {
        let mut order: Vec<(String, String)> = Vec::new();
        let mut by_key: BTreeMap<(String, String), Vec<Option<Value>>> = BTreeMap::new();
        let mut kept: BTreeMap<(String, String), Found> = BTreeMap::new();
        let mut env_order: Vec<usize> = (0..self.envs.len()).collect();
        crate::order::sort_by_key(&mut env_order, |e| *e != self.base);
        for e in env_order {
            for o in render(self.design, &self.envs[e].name).objects {
                if o.kind() == "Namespace" {
                    continue;
                }
                let key = o.key();
                let slot = by_key.entry(key.clone()).or_insert_with(|| {
                    order.push(key.clone());
                    vec![None; self.envs.len()]
                });
                let mut json = o.to_json();
                if crate::export::placeholder_secret(&o) {
                    super::as_data(&mut json);
                    let meta = o.metadata();
                    let namespace =
                        (meta.namespace.clone()).filter(|ns| *ns != self.envs[e].namespace);
                    let name = meta.name.clone().unwrap_or_default();
                    kept.insert(key.clone(), (namespace, name));
                }
                slot[e] = Some(json);
            }
        }
        order
            .into_iter()
            .map(|key| {
                let per_env = by_key.remove(&key).unwrap_or_default();
                let owner = self.owner(&key.0, &key.1);
                let kept = kept.remove(&key);
                Obj {
                    kind: key.0,
                    name: key.1,
                    per_env,
                    owner,
                    kept,
                }
            })
            .collect()
    }

    fn owner(&self, kind: &str, name: &str) -> Option<(&'a Service, Role)> {
        self.design.services.iter().find_map(|s| {
            if kind == "NetworkPolicy" && naming::allow_policy(&s.name) == name {
                return Some((s, Role::Policy));
            }
            residual_role(s, kind, name).map(|r| (s, Role::Of(r)))
        })
    }

    /// (file name, template text) of every object.
    fn templates(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let objects = self.objects();
        self.config_map_files = (objects.iter())
            .filter(|o| o.kind == "ConfigMap")
            .map(|o| (o.name.clone(), template_file(&o.kind, &o.name)))
            .collect();
        for mut obj in objects {
            self.replicas_owned_by_switch(&mut obj);
            let present: Vec<(usize, &Value)> = obj
                .per_env
                .iter()
                .enumerate()
                .filter_map(|(e, v)| v.as_ref().map(|v| (e, v)))
                .collect();
            let mut tree = self.unify(&obj, &mut Vec::new(), &present);
            self.replicas_beside_hpa(&obj, &mut tree);
            let cond = self.object_cond(&obj);
            let mut text = self.text(&tree);
            if let Some(c) = cond {
                text = format!("{{{{- if {} }}}}\n{text}{{{{- end }}}}\n", cond_text(&c));
            }
            out.push((template_file(&obj.kind, &obj.name), text));
        }
        out
    }

    /// Register a value; false if a value of that name exists with other contents.
    fn def(
        &mut self,
        path: &VPath,
        per_env: Vec<Value>,
        minimum: Option<u32>,
        about: &str,
    ) -> bool {
        let absent = vec![false; per_env.len()];
        self.def_where(path, per_env, absent, minimum, about)
    }

    /// [`Builder::def`] of a value some environments do not have (`absent`).
    fn def_where(
        &mut self,
        path: &VPath,
        per_env: Vec<Value>,
        absent: Vec<bool>,
        minimum: Option<u32>,
        about: &str,
    ) -> bool {
        match self.defs.get(path) {
            Some(d) => d.per_env == per_env && d.absent == absent,
            None => {
                self.defs.insert(
                    path.clone(),
                    Def {
                        per_env,
                        absent,
                        minimum,
                        description: about.to_string(),
                    },
                );
                true
            }
        }
    }

    fn slot(&mut self, expr: Expr, line_if: Option<Cond>) -> Value {
        self.slots.push(Slot { expr, line_if });
        Value::String(format!("{PLACEHOLDER}{}__", self.slots.len() - 1))
    }

    /// Every environment's value, with the first environment that has one (base first)
    /// standing in where the object is absent: a value nothing reads there stays as in
    /// values.yaml, so values-<env>.yaml does not mention it.
    fn filled(&self, vals: &[(usize, &Value)]) -> Vec<Value> {
        let fill = vals
            .iter()
            .find(|(e, _)| *e == self.base)
            .or(vals.first())
            .map(|(_, v)| (*v).clone())
            .unwrap_or(Value::Null);
        (0..self.envs.len())
            .map(|e| {
                vals.iter()
                    .find(|(i, _)| *i == e)
                    .map_or_else(|| fill.clone(), |(_, v)| (*v).clone())
            })
            .collect()
    }

    /// The template of one object at `path`, given its value in each environment that
    /// has it (every one of those has something at `path`).
    fn unify(&mut self, obj: &Obj, path: &mut Vec<Seg>, vals: &[(usize, &Value)]) -> Value {
        if let Some(slot) = self.named(obj, path, vals) {
            return slot;
        }
        let first = vals[0].1;
        if let Value::Object(m) = first {
            let keys: BTreeSet<&String> = m.keys().to_set();
            if !keys.iter().any(|k| template_like(k))
                && vals.iter().all(|(_, v)| {
                    v.as_object()
                        .is_some_and(|o| o.keys().eq(keys.iter().copied()))
                })
            {
                let mut out = Map::new();
                for k in keys {
                    path.push(Seg::Key(k.clone()));
                    let sub: Vec<(usize, &Value)> = vals.iter().map(|(e, v)| (*e, &v[k])).collect();
                    out.insert(k.clone(), self.unify(obj, path, &sub));
                    path.pop();
                }
                return Value::Object(out);
            }
            if let Some(out) = self.config_data(obj, path, vals) {
                return out;
            }
        }
        if let Value::Array(items) = first {
            let name = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
            let aligned = vals.iter().all(|(_, v)| {
                v.as_array().is_some_and(|a| {
                    a.len() == items.len() && a.iter().zip(items).all(|(x, y)| name(x) == name(y))
                })
            });
            if aligned {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Item(i, name(item)));
                    let sub: Vec<(usize, &Value)> = vals.iter().map(|(e, v)| (*e, &v[i])).collect();
                    out.push(self.unify(obj, path, &sub));
                    path.pop();
                }
                return Value::Array(out);
            }
        }
        if vals.iter().all(|(_, v)| *v == first) {
            // Text Helm would read as an action is written by one.
            let raw = match first {
                Value::String(s) => template_like(s),
                Value::Object(m) => m.keys().any(|k| template_like(k)),
                _ => false,
            };
            if raw {
                return self.slot(Expr::Raw(first.clone()), None);
            }
            return first.clone();
        }
        // Environments differ here in a way no named value says: a value named after the
        // object and the path; the whole object (whose members differ) under `manifest`,
        // beside the switch that writes it or not (`objects.<kind>.<name>.enabled`).
        let mut name = vpath(&["objects", &obj.kind, &obj.name]);
        name.extend(path.iter().map(Seg::label));
        if path.is_empty() {
            name.push("manifest".to_string());
        }
        let per_env = self.filled(vals);
        if self.def(&name, per_env, None, "differs between environments") {
            self.slot(Expr::Value(name), None)
        } else {
            first.clone()
        }
    }

    /// The `data` of a design's ConfigMap whose keys differ between environments (some
    /// leave a key out, or have one of their own): every key, each under
    /// `config.<configmap>.<key>`, a key not every environment has on a line written
    /// where its values have it (`hasKey`; a values file deletes it with `null`).
    fn config_data(
        &mut self,
        obj: &Obj,
        path: &mut Vec<Seg>,
        vals: &[(usize, &Value)],
    ) -> Option<Value> {
        if obj.kind != "ConfigMap" || !matches!(&path[..], [Seg::Key(k)] if k == "data") {
            return None;
        }
        let cm = self.design.config_map_rendered_as(&obj.name)?.name.clone();
        let maps: Vec<(usize, &Map<String, Value>)> = vals
            .iter()
            .map(|(e, v)| Some((*e, v.as_object()?)))
            .collect::<Option<_>>()?;
        let keys: BTreeSet<&String> = maps.iter().flat_map(|(_, m)| m.keys()).collect();
        let parent = vpath(&["config", &cm]);
        let named = |k: &str| {
            let mut p = parent.clone();
            p.push(k.to_string());
            p
        };
        // Written whole when a key could not be named so (a name taken, text Helm
        // would read as an action).
        if keys
            .iter()
            .any(|k| template_like(k) || self.defs.contains_key(&named(k)))
        {
            return None;
        }
        let mut out = Map::new();
        for k in keys {
            let sub: Vec<(usize, &Value)> = maps
                .iter()
                .filter_map(|(e, m)| Some((*e, m.get(k)?)))
                .collect();
            path.push(Seg::Key(k.clone()));
            let value = if sub.len() == maps.len() {
                self.unify(obj, path, &sub)
            } else {
                let mut absent = vec![false; self.envs.len()];
                for (e, m) in &maps {
                    absent[*e] = !m.contains_key(k);
                }
                let present = absent.iter().map(|a| !a).collect();
                let name = named(k);
                let per_env = self.filled(&sub);
                self.def_where(&name, per_env, absent, None, "a configuration value");
                let has = Cond::Has {
                    parent: parent.clone(),
                    key: k.clone(),
                    present,
                };
                self.slot(Expr::Value(name), Some(has))
            };
            path.pop();
            out.insert(k.clone(), value);
        }
        Some(Value::Object(out))
    }

    /// A printf format for text that holds `namespace="<the environment's namespace>"`
    /// (PromQL's selector) in every environment that has it, and is the same text
    /// otherwise: each mention becomes `%s` (a `%` of the text `%%`).
    fn namespaced_text(&self, vals: &[(usize, &Value)]) -> Option<String> {
        let mut format: Option<String> = None;
        for (e, v) in vals {
            let text = v.as_str()?;
            let selector = format!("namespace=\"{}\"", self.envs[*e].namespace);
            if !text.contains(&selector) {
                return None;
            }
            let f = text
                .replace('%', "%%")
                .replace(&selector.replace('%', "%%"), "namespace=\"%s\"");
            match &format {
                Some(g) if *g != f => return None,
                _ => format = Some(f),
            }
        }
        format
    }

    /// The named value at `path`, if one is there in every environment.
    fn named(&mut self, obj: &Obj, path: &[Seg], vals: &[(usize, &Value)]) -> Option<Value> {
        let keys: Vec<Option<&str>> = path.iter().map(Seg::key).collect();
        // A placeholder Secret's value: the one in the cluster, where it exists.
        if let ([Some("data"), Some(key)], Some(found)) = (&keys[..], &obj.kept) {
            let placeholder = placeholder_data();
            if (vals.iter()).all(|(_, v)| v.as_str() == Some(&placeholder)) {
                return Some(self.slot(Expr::Kept(found.clone(), key.to_string()), None));
            }
        }
        let ends = |tail: &[Option<&str>]| keys.ends_with(tail);
        let all_str = |f: &dyn Fn(usize) -> String| {
            vals.iter().all(|(e, v)| v.as_str() == Some(f(*e).as_str()))
        };

        // Namespaces: the release's, or another environment's by a value.
        let selects_namespace = ends(&[
            Some("namespaceSelector"),
            Some("matchLabels"),
            Some("kubernetes.io/metadata.name"),
        ]);
        // The namespace of the route Argo Rollouts' Gateway API plugin weights (the
        // Rollout's own).
        let route_namespace = ends(&[Some(crate::routes::ROLLOUTS_PLUGIN), Some("namespace")]);
        if keys == [Some("metadata"), Some("namespace")] || selects_namespace || route_namespace {
            if all_str(&|e| self.envs[e].namespace.clone()) {
                return Some(self.slot(Expr::Namespace, None));
            }
            if let Some(other) = self.envs.iter().find(|x| all_str(&|_| x.namespace.clone())) {
                let name = vpath(&["namespaces", &other.name]);
                let per_env = vec![json!(other.namespace); self.envs.len()];
                let about = format!("the namespace environment `{}` runs in", other.name);
                if self.def(&name, per_env, None, &about) {
                    return Some(self.slot(Expr::Value(name), None));
                }
            }
        }

        // A pod's checksum of the ConfigMaps it reads, as the release renders them: a
        // value changed at install or upgrade rolls the pods that read it.
        if ends(&[
            Some("template"),
            Some("metadata"),
            Some("annotations"),
            Some("checksum/config"),
        ]) {
            let mut read = BTreeSet::new();
            for v in obj.per_env.iter().flatten() {
                config_maps_read(&v["spec"]["template"]["spec"], &mut read);
            }
            let files: Vec<String> = (read.iter())
                .filter_map(|name| self.config_map_files.get(name).cloned())
                .collect();
            if !files.is_empty() && files.len() == read.len() {
                return Some(self.slot(Expr::Checksum(files), None));
            }
        }

        // Text that selects by the environment's namespace (the queries of an
        // AnalysisTemplate, a PrometheusRule's expressions): the release's namespace.
        if let Some(format) = self.namespaced_text(vals) {
            return Some(self.slot(Expr::NamespacedText(format), None));
        }

        if let Some(cm) =
            (self.design.config_map_rendered_as(&obj.name)).filter(|_| obj.kind == "ConfigMap")
        {
            if let [Some("data"), Some(key)] = keys[..] {
                let name = vpath(&["config", &cm.name, key]);
                return self.extracted(name, vals, None, "a configuration value");
            }
        }

        let (s, role) = obj.owner?;
        let svc = |rest: &[&str]| {
            let mut p = vpath(&["services", &s.name]);
            p.extend(rest.iter().map(|r| r.to_string()));
            p
        };
        let effs: Vec<Service> = self.envs.iter().map(|e| effective(s, e)).collect();

        if ends(&[Some("labels"), Some("app.kubernetes.io/version")])
            && all_str(&|e| effs[e].tag.clone())
        {
            let per_env = effs.iter().map(|x| json!(x.tag)).collect();
            let name = svc(&["image", "tag"]);
            if self.def(&name, per_env, None, "the image tag") {
                return Some(self.slot(Expr::Value(name), None));
            }
        }

        match role {
            Role::Of(ResidualRole::Workload) => {
                if keys == [Some("spec"), Some("replicas")] {
                    return self.extracted(svc(&["replicas"]), vals, Some(0), "pod replicas");
                }
                let main = s.container();
                if let [.., Some("containers"), None, Some("resources")] = keys[..] {
                    if matches!(&path[path.len() - 2], Seg::Item(_, Some(n)) if n == main) {
                        return self.extracted(
                            svc(&["resources"]),
                            vals,
                            None,
                            "the main container's requests and limits",
                        );
                    }
                }
                let image = ends(&[Some("containers"), None, Some("image")])
                    || ends(&[Some("initContainers"), None, Some("image")]);
                if image && all_str(&|e| effs[e].image_ref()) {
                    return self.image(obj, &effs, &svc);
                }
                None
            }
            Role::Of(ResidualRole::Hpa) => match keys[..] {
                [Some("spec"), Some("minReplicas")] => self.extracted(
                    svc(&["autoscaling", "minReplicas"]),
                    vals,
                    Some(1),
                    "the HPA's minimum replicas",
                ),
                [Some("spec"), Some("maxReplicas")] => self.extracted(
                    svc(&["autoscaling", "maxReplicas"]),
                    vals,
                    Some(1),
                    "the HPA's maximum replicas",
                ),
                _ => None,
            },
            Role::Of(ResidualRole::Ingress) => match keys[..] {
                [Some("spec"), Some("rules"), None, Some("host")]
                | [Some("spec"), Some("tls"), None, Some("hosts"), None] => self.extracted(
                    svc(&["ingress", "host"]),
                    vals,
                    None,
                    "the Ingress host name",
                ),
                _ => None,
            },
            _ => None,
        }
    }

    /// A value that is what the environments render at this path.
    fn extracted(
        &mut self,
        name: VPath,
        vals: &[(usize, &Value)],
        minimum: Option<u32>,
        about: &str,
    ) -> Option<Value> {
        let per_env = self.filled(vals);
        self.def(&name, per_env, minimum, about)
            .then(|| self.slot(Expr::Value(name), None))
    }

    /// An image reference from repository, tag and digest values, if every environment
    /// that has the object writes it in the same shape.
    fn image(
        &mut self,
        obj: &Obj,
        effs: &[Service],
        svc: &dyn Fn(&[&str]) -> VPath,
    ) -> Option<Value> {
        let present: Vec<&Service> = (0..effs.len())
            .filter(|e| obj.per_env[*e].is_some())
            .map(|e| &effs[e])
            .collect();
        let shape = |s: &Service| (s.tag.is_empty(), s.digest.is_some());
        let first = shape(present.first()?);
        if !present.iter().all(|s| shape(s) == first) {
            return None;
        }
        let (format, parts): (&'static str, &[&str]) = match first {
            (false, false) => ("%s:%s", &["repository", "tag"]),
            (false, true) => ("%s:%s@%s", &["repository", "tag", "digest"]),
            (true, true) => ("%s@%s", &["repository", "digest"]),
            (true, false) => ("%s", &["repository"]),
        };
        let mut names = Vec::new();
        for part in parts {
            let per_env: Vec<Value> = effs
                .iter()
                .map(|s| match *part {
                    "repository" => json!(s.image),
                    "tag" => json!(s.tag),
                    _ => json!(s.digest.clone().unwrap_or_default()),
                })
                .collect();
            let name = svc(&["image", part]);
            let about = format!("the image {part}");
            if !self.def(&name, per_env, None, &about) {
                return None;
            }
            names.push(name);
        }
        Some(self.slot(Expr::Format(format, names), None))
    }

    /// Whether the service's HPA is written in each environment: not where the
    /// environment switches it off, nor where the service does not run.
    fn autoscaled(&self, s: &Service) -> Vec<bool> {
        self.written_where(s, |s| s.scaling.hpa.is_some())
    }

    /// Whether each environment runs `s` with the part `has` finds in the service as
    /// deployed there (its HPA, its PDB: an environment may switch either off).
    fn written_where(&self, s: &Service, has: impl Fn(&Service) -> bool) -> Vec<bool> {
        (self.envs.iter())
            .map(|e| e.deploys(s.id) && has(&effective(s, e)))
            .collect()
    }

    /// Whether `autoscaling.enabled` decides `s`'s workload's replicas: it has replicas
    /// and an HPA some environment runs (off everywhere, there is no HPA template to
    /// switch on, so the replicas are plain).
    fn switches_replicas(&self, s: &Service) -> bool {
        s.scaling.hpa.is_some() && s.kind.has_replicas() && self.autoscaled(s).contains(&true)
    }

    /// A workload whose HPA an environment switches off has `spec.replicas` there only:
    /// taken out of every environment's object, to be written under
    /// `autoscaling.enabled` by [`Builder::replicas_beside_hpa`].
    fn replicas_owned_by_switch(&self, obj: &mut Obj) {
        let Some((s, Role::Of(ResidualRole::Workload))) = obj.owner else {
            return;
        };
        if s.scaling.replicas_with_hpa || !self.switches_replicas(s) {
            return;
        }
        for v in obj.per_env.iter_mut().flatten() {
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("replicas");
            }
        }
    }

    /// A workload an HPA scales has no `spec.replicas`; the template writes it only
    /// where `autoscaling.enabled` is off, from `replicas`.
    fn replicas_beside_hpa(&mut self, obj: &Obj, tree: &mut Value) {
        let Some((s, Role::Of(ResidualRole::Workload))) = obj.owner else {
            return;
        };
        if !self.switches_replicas(s) {
            return;
        }
        let Some(spec) = tree.get("spec").filter(|s| s.is_object()) else {
            return;
        };
        if spec.get("replicas").is_some() {
            return;
        }
        let base = |rest: &[&str]| {
            let mut p = vpath(&["services", &s.name]);
            p.extend(rest.iter().map(|r| r.to_string()));
            p
        };
        // Where the HPA runs, the count is never written: such an environment takes the
        // value of the first that writes it, so that its values file does not say one.
        let autoscaled = self.autoscaled(s);
        let counts: Vec<u32> = (self.envs.iter())
            .map(|e| effective(s, e).scaling.replicas)
            .collect();
        let written = (counts.iter().zip(&autoscaled))
            .find(|(_, on)| !**on)
            .map_or(s.scaling.replicas, |(n, _)| *n);
        let per_env = (counts.iter().zip(&autoscaled))
            .map(|(n, on)| json!(if *on { written } else { *n }))
            .collect();
        let replicas = base(&["replicas"]);
        let about = "pod replicas when autoscaling is off";
        if !self.def(&replicas, per_env, Some(0), about) {
            return;
        }
        let switch = base(&["autoscaling", "enabled"]);
        let per_env = self.autoscaled(s).into_iter().map(Value::Bool).collect();
        self.def(&switch, per_env, None, "write the HPA");
        let slot = self.slot(
            Expr::Value(replicas),
            Some(Cond::Not(Box::new(Cond::Value(switch)))),
        );
        tree["spec"]["replicas"] = slot;
    }

    /// When the object is written: the condition its owner says (its service runs, its
    /// switch is on), if that holds exactly where the object is; otherwise a value of
    /// its own that says so.
    fn object_cond(&mut self, obj: &Obj) -> Option<Cond> {
        let presence: Vec<bool> = obj.per_env.iter().map(Option::is_some).collect();
        let n = self.envs.len();
        let mut atoms: BTreeMap<VPath, (Vec<bool>, String)> = BTreeMap::new();
        let mut atom = |path: VPath, per_env: Vec<bool>, about: &str| {
            atoms.insert(path.clone(), (per_env, about.to_string()));
            Cond::Value(path)
        };
        let enabled = |atom: &mut dyn FnMut(VPath, Vec<bool>, &str) -> Cond, s: &Service| {
            let per_env = self.envs.iter().map(|e| e.deploys(s.id)).collect();
            atom(
                vpath(&["services", &s.name, "enabled"]),
                per_env,
                "run the service",
            )
        };
        let policies = |atom: &mut dyn FnMut(VPath, Vec<bool>, &str) -> Cond| {
            let per_env = self.envs.iter().map(|e| e.default_deny).collect();
            atom(
                vpath(&["networkPolicies", "enabled"]),
                per_env,
                "default-deny with explicit allows",
            )
        };
        // The name pods read it by (a generated ConfigMap's is not the object's).
        let read_as = match self.design.config_map_rendered_as(&obj.name) {
            Some(cm) if obj.kind == "ConfigMap" => cm.name.as_str(),
            _ => obj.name.as_str(),
        };
        let readers = |atom: &mut dyn FnMut(VPath, Vec<bool>, &str) -> Cond, secrets: bool| {
            let conds: Vec<Cond> = self
                .design
                .services
                .iter()
                .filter(|s| {
                    let tls = (s.exposure.ingress.as_ref())
                        .is_some_and(|r| r.tls && r.secret_name(&s.name) == obj.name);
                    references(s, secrets).any(|r| r == read_as) || (secrets && tls)
                })
                .map(|s| enabled(atom, s))
                .collect();
            (!conds.is_empty()).then_some(Cond::Any(conds))
        };
        let mut create = None;
        let candidate = match obj.owner {
            Some((s, role)) => {
                let mut all = vec![enabled(&mut atom, s)];
                let switch = match role {
                    Role::Of(ResidualRole::Hpa) => Some(("autoscaling", "write the HPA")),
                    Role::Of(ResidualRole::Pdb) => {
                        Some(("podDisruptionBudget", "write the PodDisruptionBudget"))
                    }
                    Role::Of(ResidualRole::Ingress) => Some(("ingress", "write the Ingress")),
                    _ => None,
                };
                if let Some((key, about)) = switch {
                    let per_env = match role {
                        Role::Of(ResidualRole::Hpa) => self.autoscaled(s),
                        Role::Of(ResidualRole::Pdb) => {
                            self.written_where(s, |s| s.scaling.pdb.is_some())
                        }
                        Role::Of(ResidualRole::Ingress) => {
                            self.written_where(s, |s| s.exposure.ingress.is_some())
                        }
                        _ => vec![true; n],
                    };
                    all.push(atom(
                        vpath(&["services", &s.name, key, "enabled"]),
                        per_env,
                        about,
                    ));
                }
                if role == Role::Policy {
                    all.push(policies(&mut atom));
                }
                Some(Cond::All(all))
            }
            None if obj.kind == "NetworkPolicy" => Some(policies(&mut atom)),
            None if obj.kind == "ConfigMap"
                && self.design.config_map_rendered_as(&obj.name).is_some() =>
            {
                readers(&mut atom, false)
            }
            None if obj.kind == "Secret" && self.design.secret(&obj.name).is_some() => {
                create = Some(atom(
                    vpath(&["secrets", &obj.name, "create"]),
                    vec![true; n],
                    "create the Secret with placeholder values; false uses an existing Secret of this name",
                ));
                readers(&mut atom, true)
            }
            None => None,
        };
        let holds = |c: &Cond| (0..n).all(|e| eval(c, &atoms, e) == presence[e]);
        let chosen = match candidate {
            Some(c) if holds(&c) => Some(c),
            _ if presence.iter().all(|p| *p) => None,
            _ => {
                let path = vpath(&["objects", &obj.kind, &obj.name, "enabled"]);
                atoms.insert(path.clone(), (presence.clone(), "write the object".into()));
                Some(Cond::Value(path))
            }
        };
        let chosen = match (create, chosen) {
            (Some(c), Some(rest)) => Some(Cond::All(vec![c, rest])),
            (c, rest) => c.or(rest),
        };
        if let Some(c) = &chosen {
            let mut used = Vec::new();
            atoms_of(c, &mut used);
            for path in used {
                let (per_env, about) = &atoms[&path];
                let per_env = per_env.iter().map(|b| json!(b)).collect();
                self.def(&path, per_env, None, about);
            }
        }
        chosen
    }

    /// The object's template text: serde_yaml's output, each placeholder replaced by its
    /// action (and its line put under its condition).
    fn text(&self, tree: &Value) -> String {
        let doc = yaml::to_doc(tree);
        let mut out = String::with_capacity(doc.len());
        for line in doc.lines() {
            let Some(at) = line.find(PLACEHOLDER) else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let rest = &line[at + PLACEHOLDER.len()..];
            let end = rest.find("__").expect("a placeholder ends with __");
            let n: usize = rest[..end].parse().expect("a placeholder holds its number");
            let slot = &self.slots[n];
            let action = match &slot.expr {
                Expr::Namespace => "{{ .Release.Namespace }}".to_string(),
                Expr::Value(p) => format!("{{{{ toJson {} }}}}", index(p)),
                Expr::Raw(v) => format!("{{{{ {} }}}}", go_string(&yaml_safe_json(v))),
                Expr::Kept((namespace, secret), key) => format!(
                    "{{{{ toJson (dig \"data\" {} (b64enc {}) (lookup \"v1\" \"Secret\" {} {})) }}}}",
                    go_string(key),
                    go_string(SECRET_PLACEHOLDER),
                    namespace.as_deref().map_or(".Release.Namespace".into(), go_string),
                    go_string(secret),
                ),
                Expr::Checksum(files) => {
                    let included: Vec<String> = (files.iter())
                        .map(|f| {
                            format!(
                                "(include (print $.Template.BasePath {}) $)",
                                go_string(&format!("/{f}"))
                            )
                        })
                        .collect();
                    let text = match &included[..] {
                        [one] => one.clone(),
                        many => format!("(print {})", many.join(" ")),
                    };
                    format!("{{{{ quote (sha256sum {text}) }}}}")
                }
                Expr::NamespacedText(f) => {
                    let args = vec![".Release.Namespace"; string_verbs(f)];
                    format!(
                        "{{{{ toJson (printf {} {}) }}}}",
                        go_string(f),
                        args.join(" ")
                    )
                }
                Expr::Format(f, parts) => {
                    let args: Vec<String> = parts.iter().map(|p| index(p)).collect();
                    format!(
                        "{{{{ toJson (printf {} {}) }}}}",
                        go_string(f),
                        args.join(" ")
                    )
                }
            };
            let line = format!("{}{action}{}", &line[..at], &rest[end + 2..]);
            match &slot.line_if {
                Some(c) => out.push_str(&format!(
                    "{{{{- if {} }}}}\n{line}\n{{{{- end }}}}\n",
                    cond_text(c)
                )),
                None => {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The values of environment `e`, as one tree.
    fn values(&self, e: usize) -> Value {
        let mut tree = json!({});
        for (path, def) in self.defs.iter().filter(|(_, d)| !d.absent[e]) {
            let mut node = &mut tree;
            for (i, part) in path.iter().enumerate() {
                if i + 1 == path.len() {
                    node[part] = def.per_env[e].clone();
                } else {
                    if !node.get(part).is_some_and(Value::is_object) {
                        node[part] = json!({});
                    }
                    node = &mut node[part];
                }
            }
        }
        tree
    }

    /// The chart's appVersion: the image tag most services of the base environment run
    /// (a system's own images are tagged with its release; a database beside them has
    /// its own), the first service's of those that tie.
    fn app_version(&self) -> String {
        let Some(env) = self.envs.get(self.base) else {
            return CHART_VERSION.to_string();
        };
        let tags: Vec<String> = (self.design.services.iter())
            .filter(|s| env.deploys(s.id))
            .map(|s| effective(s, env).tag)
            .filter(|t| !t.is_empty())
            .collect();
        let count = |t: &String| tags.iter().filter(|x| *x == t).count();
        let mut best: Option<(&String, usize)> = None;
        for t in &tags {
            let n = count(t);
            if best.is_none_or(|(_, m)| n > m) {
                best = Some((t, n));
            }
        }
        best.map_or_else(|| CHART_VERSION.to_string(), |(t, _)| t.clone())
    }

    /// values.schema.json (draft-07): every value with its type; the maps Kubeprint
    /// names are closed (a misspelt key is an error), the values that are Kubernetes
    /// fields (resources, whatever differs) are open. `trees` are the environments'
    /// values: a key is required where every one has it (a ConfigMap key some leave
    /// out is not).
    fn schema(&self, trees: &[Value]) -> Value {
        let trees: Vec<&Value> = trees.iter().collect();
        let mut root = self.schema_node(&trees, &mut Vec::new());
        root["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        root["title"] = json!(format!("Values of the {} chart", self.design.name));
        root
    }

    fn schema_node(&self, values: &[&Value], path: &mut VPath) -> Value {
        if let Some(def) = self.defs.get(path) {
            let mut s = json!({ "description": def.description });
            let types: BTreeSet<&str> = (def.per_env.iter().zip(&def.absent))
                .filter(|(_, absent)| !**absent)
                .map(|(v, _)| json_type(v))
                .to_set();
            if let [t] = types.into_iter().collect::<Vec<_>>()[..] {
                s["type"] = json!(t);
            }
            if let Some(m) = def.minimum {
                s["minimum"] = json!(m);
            }
            return s;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let maps: Vec<&Map<String, Value>> = values.iter().filter_map(|v| v.as_object()).collect();
        let keys: BTreeSet<&String> = maps.iter().flat_map(|m| m.keys()).collect();
        for k in keys {
            let under: Vec<&Value> = maps.iter().filter_map(|m| m.get(k)).collect();
            path.push(k.clone());
            properties.insert(k.clone(), self.schema_node(&under, path));
            path.pop();
            if under.len() == maps.len() {
                required.push(json!(k));
            }
        }
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": required,
            "properties": properties,
        })
    }
}

/// The file under `templates/` of an object.
fn template_file(kind: &str, name: &str) -> String {
    format!("{}-{}.yaml", kind.to_lowercase(), name.replace('/', "-"))
}

/// The names of the ConfigMaps a pod spec reads: whole (`envFrom`), by key, or mounted
/// (a volume, or a projected volume's source).
fn config_maps_read(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let reference =
                    matches!(k.as_str(), "configMapRef" | "configMapKeyRef" | "configMap");
                match v["name"].as_str().filter(|_| reference) {
                    Some(name) => {
                        out.insert(name.to_string());
                    }
                    None => config_maps_read(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| config_maps_read(v, out)),
        _ => {}
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn eval(c: &Cond, atoms: &BTreeMap<VPath, (Vec<bool>, String)>, e: usize) -> bool {
    match c {
        Cond::Value(p) => atoms[p].0[e],
        Cond::Has { present, .. } => present[e],
        Cond::Not(c) => !eval(c, atoms, e),
        Cond::All(cs) => cs.iter().all(|c| eval(c, atoms, e)),
        Cond::Any(cs) => cs.iter().any(|c| eval(c, atoms, e)),
    }
}

fn atoms_of(c: &Cond, out: &mut Vec<VPath>) {
    match c {
        Cond::Value(p) => out.push(p.clone()),
        Cond::Has { .. } => {}
        Cond::Not(c) => atoms_of(c, out),
        Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| atoms_of(c, out)),
    }
}

/// A Go string literal (JSON's escapes are a subset of Go's).
/// `v` as JSON text that is also a valid YAML flow value: serde_json writes characters
/// from U+007F up raw, but YAML allows no C1 control character (but NEL) in a
/// document, nor U+FEFF inside one, so those are written as `\uXXXX` escapes (the
/// same in JSON and in YAML's double-quoted strings).
fn yaml_safe_json(v: &Value) -> String {
    let text = serde_json::to_string(v).expect("JSON");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) && c != '\u{85}' || c == '\u{feff}' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The placeholder as a Secret's `data` holds it: base64.
fn placeholder_data() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(SECRET_PLACEHOLDER)
}

fn go_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// `(index .Values "a" "b")`: keys with dashes cannot be written as `.Values.a-b`.
fn index(path: &[String]) -> String {
    let keys: Vec<String> = path.iter().map(|k| go_string(k)).collect();
    format!("(index .Values {})", keys.join(" "))
}

fn cond_text(c: &Cond) -> String {
    match c {
        Cond::Value(p) => index(p),
        Cond::Has { parent, key, .. } => format!("(hasKey {} {})", index(parent), go_string(key)),
        Cond::Not(c) => format!("(not {})", cond_text(c)),
        Cond::All(cs) | Cond::Any(cs) if cs.len() == 1 => cond_text(&cs[0]),
        Cond::All(cs) => format!("(and {})", join(cs)),
        Cond::Any(cs) => format!("(or {})", join(cs)),
    }
}

fn join(cs: &[Cond]) -> String {
    cs.iter().map(cond_text).collect::<Vec<_>>().join(" ")
}

/// What `over` changes about `base`, as a values file says it (maps merge key by key, a
/// removed key is `null`, anything else is replaced whole); `None` if nothing.
fn difference(base: &Value, over: &Value) -> Option<Value> {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut out = Map::new();
            for (k, v) in o {
                let d = match b.get(k) {
                    Some(bv) => difference(bv, v),
                    None => Some(v.clone()),
                };
                if let Some(d) = d {
                    out.insert(k.clone(), d);
                }
            }
            for k in b.keys().filter(|k| !o.contains_key(*k)) {
                out.insert(k.clone(), Value::Null);
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        _ => (base != over).then(|| over.clone()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChartYaml<'a> {
    api_version: &'static str,
    name: &'a str,
    description: String,
    #[serde(rename = "type")]
    type_: &'static str,
    version: &'static str,
    app_version: &'static str,
}

/// Chart.yaml; appVersion is always quoted (a version such as 1.10 must stay a string).
fn chart_yaml(design: &Design, name: &str, app_version: String) -> String {
    let placeholder = "__kp_app_version__";
    let chart = ChartYaml {
        api_version: "v2",
        name,
        description: format!("{} (exported by Kubeprint)", design.name),
        type_: "application",
        version: CHART_VERSION,
        app_version: placeholder,
    };
    yaml::to_doc(&chart).replace(placeholder, &go_string(&app_version))
}

const HELMIGNORE: &str = "\
# Patterns to ignore when building packages.
.DS_Store
.git/
.gitignore
.hg/
.svn/
*.swp
*.bak
*.tmp
*.orig
*~
.idea/
.vscode/
";

/// The usual helpers. The objects keep the labels Kubeprint renders (so the chart's
/// output equals the rendered YAML, and selectors, which cannot change once a workload
/// exists, match what an earlier apply created); NOTES.txt uses the helpers.
const HELPERS: &str = r#"{{/*
The chart's name.
*/}}
{{- define "CHART.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A fully qualified app name: the release name, with the chart's name unless the release
name already contains it.
*/}}
{{- define "CHART.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as the helm.sh/chart label.
*/}}
{{- define "CHART.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "CHART.selectorLabels" -}}
app.kubernetes.io/name: {{ include "CHART.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels. The templates keep the labels Kubeprint renders (a workload's selector
cannot change once it exists); these are for what you add to the chart.
*/}}
{{- define "CHART.labels" -}}
helm.sh/chart: {{ include "CHART.chart" . }}
{{ include "CHART.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"#;

fn notes(design: &Design, name: &str) -> String {
    format!(
        "{{{{ include \"{name}.fullname\" . }}}} installed {} into namespace {{{{ .Release.Namespace }}}}.\n\n\
         The chart has no Namespace object: it installs into the release's namespace\n\
         (helm install --namespace NS --create-namespace). Secrets carry the placeholder\n\
         CHANGE_ME unless secrets.<name>.create is false, which uses an existing Secret of\n\
         that name: set real values before the pods need them. An upgrade keeps the values\n\
         of a Secret that exists (the chart reads them with lookup).\n\n\
         The release's objects (imported ones keep their own labels, so this lists them by\n\
         the release's manifest rather than by a label):\n\n\
         helm get manifest {{{{ .Release.Name }}}} --namespace {{{{ .Release.Namespace }}}} | kubectl get -f -\n",
        design.name
    )
}

/// The chart's README: how to install it, and the values this chart has (every
/// environment's tree in `trees`), said only where it has them; the workloads whose
/// `replicas` stay beside their HPA (`beside`), and the templates no value switches off.
fn readme(
    design: &Design,
    name: &str,
    trees: &[Value],
    templates: &[(String, String)],
    beside: &[&str],
) -> String {
    let mut out = format!(
        "# {name}\n\n\
         The Helm chart of {} (exported by Kubeprint). `values.yaml` is the base\n\
         environment; each `values-<env>.yaml` holds only what that environment changes.\n\
         `values.schema.json` describes every value.\n\n## Install\n\n",
        design.name
    );
    for env in &design.environments {
        out.push_str(&format!(
            "    helm install {name} . --namespace {} --create-namespace -f values-{}.yaml\n",
            env.namespace, env.name
        ));
    }
    out.push_str(
        "\nThe chart has no Namespace object and names none of the design's namespaces: it\n\
         installs into the release's (a template sets `{{ .Release.Namespace }}`, or leaves\n\
         the namespace out as the imported input did). Objects kept from an import in a\n\
         namespace of their own (a `monitoring` ConfigMap) keep it.",
    );
    let top = |key: &str| trees.iter().any(|t| t.get(key).is_some());
    if top("secrets") {
        out.push_str(
            " Secrets carry placeholders (`CHANGE_ME`) when they are made; an upgrade keeps the\n\
             values of one that exists (the chart reads them with `lookup`, which `helm\n\
             template` and `--dry-run` cannot: they show `CHANGE_ME`). Set\n\
             `secrets.<name>.create: false` to leave a Secret of that name to others.",
        );
    }
    out.push_str("\n\n## Values\n\n");
    // What the services' values hold, in any environment: each key, with the keys it
    // holds in turn.
    let mut service_keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let services = (trees.iter())
        .filter_map(|t| t.get("services")?.as_object())
        .flat_map(|services| services.values())
        .filter_map(Value::as_object);
    for (key, value) in services.flat_map(|s| s.iter()) {
        let inner = service_keys.entry(key).or_default();
        inner.extend(
            value
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys().map(String::as_str)),
        );
    }
    if !service_keys.is_empty() {
        let beside = match beside {
            [] => String::new(),
            names => format!(
                ", but for {} whose workload keeps its `replicas` beside the HPA as the \
                 design does (KP209: each upgrade sets the count back)",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let said: Vec<String> = (service_keys.iter())
            .map(|(key, inner)| {
                let inner: Vec<String> = inner.iter().map(|k| format!("`{k}`")).collect();
                match (*key, inner.as_slice()) {
                    ("autoscaling", _) => format!(
                        "`autoscaling` ({}; with autoscaling on, the workload has no \
                         `replicas` and the HPA owns the scale{beside})",
                        inner.join(", ")
                    ),
                    (key, [only]) => format!("`{key}.{}`", only.trim_matches('`')),
                    (key, []) => format!("`{key}`"),
                    (key, inner) => format!("`{key}` ({})", inner.join(", ")),
                }
            })
            .collect();
        out.push_str(&wrap(&format!("- `services.<svc>`: {}.", said.join(", "))));
    }
    let checksum = (templates.iter()).any(|(_, text)| text.contains("checksum/config"));
    // A pod that also reads a ConfigMap the chart does not write keeps Kubeprint's sum.
    let fixed = (templates.iter())
        .flat_map(|(_, text)| text.lines())
        .any(|l| l.trim_start().starts_with("checksum/config:") && !l.contains("{{"));
    if top("config") {
        let restart = match (checksum, fixed) {
            (true, false) => {
                "a pod's `checksum/config` annotation is the sha256 of the ConfigMaps it reads as \
                 the release renders them, so an install or upgrade that changes a value here \
                 rolls the pods that read it"
            }
            (true, true) => {
                "a pod's `checksum/config` annotation is the sha256 of the ConfigMaps it reads as \
                 the release renders them, so an install or upgrade that changes a value here \
                 rolls the pods that read it; a pod that also reads a ConfigMap this chart does \
                 not write keeps the checksum Kubeprint computed: restart it after such a change \
                 (`kubectl rollout restart`)"
            }
            (false, _) => {
                "no pod carries a `checksum/config` annotation, so pods do not restart when a \
                 value here changes: restart them after such an upgrade \
                 (`kubectl rollout restart`)"
            }
        };
        out.push_str(&wrap(&format!(
            "- `config.<configmap>.<key>`: the ConfigMaps' data; {restart}."
        )));
    }
    if top("secrets") {
        out.push_str(&wrap(
            "- `secrets.<name>.create`: whether the chart writes the Secret.",
        ));
    }
    if top("networkPolicies") {
        out.push_str(&wrap(
            "- `networkPolicies.enabled`: whether the NetworkPolicies the design derives are written.",
        ));
    }
    if top("namespaces") {
        out.push_str(&wrap(
            "- `namespaces.<env>`: another environment's namespace a policy names.",
        ));
    }
    if top("objects") {
        out.push_str(&wrap(
            "- `objects.<Kind>.<name>.<path>`: anything else that differs between environments \
             (`.manifest` the whole object, `.enabled` whether it is written).",
        ));
    }
    if !(top("services") || top("config") || top("secrets") || top("objects")) {
        out.push_str("This chart has no values: every environment renders alike.\n");
    }
    // (Every template a value can switch off starts with its condition.)
    let always: Vec<String> = (templates.iter())
        .filter(|(_, text)| !text.starts_with("{{- if"))
        .map(|(file, _)| format!("`{file}`"))
        .collect();
    if !always.is_empty() {
        out.push_str(&wrap(&format!(
            "\nNo value switches these off: {}. Switching a service off leaves what they say \
             of it.",
            always.join(", ")
        )));
    }
    out.push_str(
        "\n## Template language\n\n\
         The templates are the rendered objects with actions only where values go, from\n\
         this subset of Helm's language: `{{ toJson (index .Values ...) }}`,\n\
         `{{ toJson (printf \"%s:%s\" (index .Values ...) (index .Values ...)) }}`,\n\
         `{{ toJson (printf \"...%s...\" .Release.Namespace) }}` (PromQL that selects the\n\
         release's namespace), `{{ .Release.Namespace }}`, `{{ \"...\" }}` (a literal\n\
         holding `{{`), and\n\
         `{{- if C }}` / `{{- end }}` lines with C made of\n\
         `(index .Values ...)`, `not`, `and`, `or`. `_helpers.tpl` and `NOTES.txt` use\n\
         `define`/`include` and the usual string functions.\n",
    );
    out
}

/// `text` as Markdown lines of at most 88 characters (a list item's continuation lines
/// indented under it), ending in a newline.
fn wrap(text: &str) -> String {
    let indent = if text.starts_with("- ") { "  " } else { "" };
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if line.len() > indent.len() && line.len() + 1 + word.len() > 88 {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        } else if !line.is_empty() && line != indent {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// How many `%s` verbs a printf format has (`%%` is a percent sign, not a verb: a
/// service named `a%s` must not count as one).
fn string_verbs(format: &str) -> usize {
    let mut count = 0;
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c == '%' && chars.next() == Some('s') {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_escaped_percent_is_not_a_verb() {
        assert_eq!(super::string_verbs(r#"up{namespace="%s"} a%%s %%%s"#), 2);
    }

    use super::*;

    #[test]
    fn chart_names_are_valid_helm_names() {
        let named = |n: &str| {
            let d = Design {
                name: n.into(),
                ..Design::default()
            };
            chart_name(&d)
        };
        assert_eq!(named("miniredis"), "miniredis");
        assert_eq!(named("Shop API v2"), "shop-api-v2");
        assert_eq!(named("--9lives--"), "chart-9lives");
        assert_eq!(named(""), "chart");
        assert_eq!(named(&"x".repeat(80)).len(), 53);
    }

    #[test]
    fn a_values_difference_names_only_what_changed_and_deletes_with_null() {
        let base = json!({"a": {"b": 1, "c": [1, 2], "d": "x"}, "e": true});
        let over = json!({"a": {"b": 1, "c": [1], "f": 2}, "e": true});
        assert_eq!(
            difference(&base, &over),
            Some(json!({"a": {"c": [1], "d": null, "f": 2}}))
        );
        assert_eq!(difference(&base, &base), None);
    }
}
