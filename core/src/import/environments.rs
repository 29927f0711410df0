//! Import of one system rendered for several environments (say `kustomize build` of the
//! staging and of the prod overlay) as one design with one environment per input.
//!
//! Each input is imported on its own with [`kubernetes`]. The first becomes the design,
//! its environment renamed to the name given with it. Every further input becomes
//! another environment of that design (its own namespace and Namespace object, a tier
//! guessed from its name), and for each service of the design, matched by name, what
//! differs in a way an [`Override`] can say (replicas, HPA minimum and maximum,
//! resources, image tag, strategy, Ingress host, volume sizes and classes, the main
//! container's literal variables, not deployed here) becomes that environment's
//! override, a ConfigMap value that differs (or a key only it has) becomes its
//! [`Environment::config_values`], and a key of the design's its ConfigMap lacks, one it
//! leaves out ([`Environment::config_left_out`]). What is the system's whatever the environment joins the design: services
//! first found in a later input (not deployed in the earlier ones), their ConfigMaps and
//! Secrets, dependency edges, Prometheus' namespace, a canary's rollout, and which
//! services are critical. An input that runs none of the services before it is a shared
//! environment (observability), which runs only the services it has.
//!
//! Everything else is reported, never merged: after the overrides are set, each
//! environment of the merged design is rendered and compared, object by object, with
//! what that environment's own import renders (which is its input, by the import laws).
//! Every object that does not come back exactly is listed in plain words with what the
//! rendering will have instead: an object that exists in one environment only, a field
//! an override cannot change (a label, a host), a
//! generated ConfigMap whose hash suffix differs. So the report lists exactly what was not merged, and every
//! object it does not list renders as that environment's input.

use super::{labels, DocumentReport};
use crate::model::*;
use crate::order::Collect;
use crate::presets::TIERS;
use crate::render::render;
use crate::residual::Residual;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Changes listed per object before the rest is counted.
const MAX_CHANGES_LISTED: usize = 6;
/// A value longer than this many characters is cut in the report.
const MAX_VALUE_SHOWN: usize = 80;

/// The result of importing several renderings of one system.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EnvironmentsImport {
    /// One design, with one environment per input, in input order.
    pub design: Design,
    /// One report per environment, in input order.
    pub environments: Vec<EnvironmentReport>,
    /// Whether the inputs look like parts of one system rather than its environments
    /// ([`parts_of_one_system`]): what a page offers to import them as.
    #[serde(default)]
    pub one_system: bool,
}

/// What happened to one environment's input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnvironmentReport {
    /// The environment's name.
    pub environment: String,
    /// The import report of its input, one entry per document.
    pub documents: Vec<DocumentReport>,
    /// What became this environment's overrides, in plain words ("web: replicas 3").
    pub merged: Vec<String>,
    /// Every object this environment's rendering does not give back as its input.
    pub not_merged: Vec<NotMerged>,
}

/// One object of an environment that the merged design does not render as its input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotMerged {
    /// Its kind.
    pub kind: String,
    /// Its name (in this environment's input, or in the rendering when only there).
    pub name: String,
    /// What differs and what the rendering will have, in plain words, starting with the
    /// environment's name.
    pub message: String,
}

impl EnvironmentsImport {
    /// How many documents, of every environment, became part of the design or were kept.
    pub fn imported(&self) -> usize {
        (self.environments.iter())
            .flat_map(|e| &e.documents)
            .filter(|d| !matches!(d.outcome, super::Outcome::Skipped(_)))
            .count()
    }

    /// One line for people, as the import dialog shows it: how much came in from how
    /// many environments, how much became overrides and how much does not come back as
    /// its input, Secrets whose values stay out, and what the rules find in the
    /// environment the design opens on. (Every environment imported something: one
    /// that would not is refused.)
    pub fn summary(&self) -> String {
        use crate::words::counted;
        let names: Vec<String> = (self.environments.iter())
            .map(|e| format!("`{}`", e.environment))
            .collect();
        let names = names.join(", ");
        let total: usize = self.environments.iter().map(|e| e.documents.len()).sum();
        let came = self.imported();
        let merged: usize = self.environments.iter().map(|e| e.merged.len()).sum();
        let not_merged: usize = self.environments.iter().map(|e| e.not_merged.len()).sum();
        let mut line = super::unreadable(self.environments.iter().flat_map(|e| &e.documents))
            .unwrap_or_default();
        line +=
            &format!(
                "{came} of {} imported as one design of {} in {} ({names}). {} merged as \
             environment settings; {}.",
                counted(total, "document"),
                counted(self.design.services.len(), "service"),
                counted(self.environments.len(), "environment"),
                counted(merged, "override"),
                match not_merged {
                    0 => "every environment renders as its input".to_string(),
                    n =>
                        format!(
                    "{} not come back exactly (each environment's list says what it will have)",
                    if n == 1 { "1 object does".to_string() } else { format!("{n} objects do") }
                ),
                }
            );
        // Secret names, once whichever environments have them.
        let mut valued: Vec<&str> = (self.environments.iter())
            .flat_map(|e| &e.documents)
            .filter(|d| d.kind == "Secret" && d.note.is_some())
            .map(|d| d.name.as_str())
            .collect();
        valued.sort_unstable();
        valued.dedup();
        if !valued.is_empty() {
            line.push_str(&format!(
                " {} values, which are not imported: the export writes placeholders (the tables say which).",
                if valued.len() == 1 { "1 Secret has".to_string() } else { format!("{} Secrets have", valued.len()) }
            ));
        }
        line.push_str(&super::rules_found(&self.design));
        line
    }
}

/// One environment's input, as the page's import dialog and the CLI give it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Input {
    /// The environment's name.
    pub name: String,
    /// The file its text came from, named in the report's lines; empty when pasted.
    pub file: String,
    /// Its Kubernetes YAML (`kustomize build` of its overlay, say).
    pub text: String,
}

impl Input {
    /// The input of the file named `file`, its environment named after the file:
    /// `prod.yaml` is `prod`, `overlays/Staging EU.yml` is `staging-eu`. Anything but
    /// letters and digits becomes a dash, so the name is a DNS label as an
    /// environment's must be (`env` when nothing is left).
    pub fn named_after(file: &str, text: String) -> Input {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let stem = match base.rsplit_once('.') {
            Some((stem, ext))
                if ["yaml", "yml", "json"].contains(&ext.to_ascii_lowercase().as_str()) =>
            {
                stem
            }
            _ => base,
        };
        let mut name = String::new();
        for c in stem.chars().map(|c| c.to_ascii_lowercase()) {
            if c.is_ascii_alphanumeric() {
                name.push(c);
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        name.truncate(63);
        let name = name.trim_end_matches('-');
        Input {
            name: if name.is_empty() {
                "env".into()
            } else {
                name.into()
            },
            file: file.into(),
            text,
        }
    }
}

/// Put `inputs` in the order they are best imported in, by the tier their names
/// suggest: dev, staging, prod, then shared environments (observability), keeping the
/// given order within a tier. The first input becomes the design and later ones its
/// other environments, so a shared environment, which runs none of the system's
/// services, must not come first.
pub fn promotion_order(inputs: &mut Vec<Input>) {
    let rank = |name: &str| TIERS.iter().position(|(_, t)| *t == tier_of(name));
    let mut rest = std::mem::take(inputs);
    for tier in 0..TIERS.len() {
        let (now, later) = rest.into_iter().partition(|i| rank(&i.name) == Some(tier));
        inputs.extend::<Vec<Input>>(now);
        rest = later;
    }
    inputs.append(&mut rest);
}

/// Make the inputs' names unique, the later of two alike getting `-2` (then `-3`, ...):
/// `prod.yaml` and `prod.yml` are `prod` and `prod-2`.
pub fn unique_names(inputs: &mut [Input]) {
    for i in 1..inputs.len() {
        if !inputs[..i].iter().any(|o| o.name == inputs[i].name) {
            continue;
        }
        let taken = |name: &str, inputs: &[Input]| {
            (inputs.iter().enumerate()).any(|(j, o)| j != i && o.name == name)
        };
        let stem = inputs[i].name.clone();
        let mut n = 2;
        let name = loop {
            let suffix = format!("-{n}");
            let mut stem = stem.clone();
            stem.truncate(63 - suffix.len());
            let name = format!("{}{suffix}", stem.trim_end_matches('-'));
            if !taken(&name, inputs) {
                break name;
            }
            n += 1;
        };
        inputs[i].name = name;
    }
}

/// [`environments`] of named inputs, each document's report naming its file.
pub fn environments_of(inputs: &[Input]) -> Result<EnvironmentsImport, String> {
    environments_asked(inputs)?;
    let pairs: Vec<(&str, &str)> = (inputs.iter())
        .map(|i| (i.name.as_str(), i.text.as_str()))
        .collect();
    let mut result = environments(&pairs)?;
    for (report, input) in result.environments.iter_mut().zip(inputs) {
        for d in &mut report.documents {
            d.file = input.file.clone();
        }
    }
    Ok(result)
}

/// What [`environments_of`] refuses before it reads a document: a mistake in how it was
/// asked (no input, an environment name that is not a DNS label or is given twice, a
/// compose file given as an environment), not in a file. A command line says so apart.
pub fn environments_asked(inputs: &[Input]) -> Result<(), String> {
    if inputs.is_empty() {
        return Err("no environment to import".into());
    }
    for input in inputs {
        if super::Format::detect(&input.text) == super::Format::Compose {
            let of = if input.file.is_empty() {
                format!("`{}`", input.name)
            } else {
                input.file.clone()
            };
            return Err(format!(
                "{of} is a docker-compose file: environments are imported from Kubernetes \
                 manifests, one file per environment (the output of `kustomize build` or \
                 `helm template` for each); import a compose file on its own"
            ));
        }
    }
    for (i, input) in inputs.iter().enumerate() {
        if let Some(first) = inputs[..i].iter().find(|o| o.name == input.name) {
            let files = match (first.file.as_str(), input.file.as_str()) {
                ("", _) | (_, "") => String::new(),
                (a, b) if a == b => format!(" (both from {a})"),
                (a, b) => format!(" ({a} and {b})"),
            };
            return Err(format!(
                "two environments are named `{}`{files}: rename one, or leave one out",
                input.name
            ));
        }
        environment_name(&input.name)?;
    }
    Ok(())
}

/// An environment's name, as an import takes it: a DNS label.
fn environment_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an environment needs a name".into());
    }
    crate::names::dns1123_label(name).map_err(|m| format!("the environment name `{name}` {m}"))
}

/// Import `inputs`, (environment name, Kubernetes YAML) each, as one design with one
/// environment per input. Fails only on a command-line kind of mistake: no input, an
/// environment name that is not a DNS label, or one given twice.
pub fn environments(inputs: &[(&str, &str)]) -> Result<EnvironmentsImport, String> {
    let Some(((base_name, _), rest)) = inputs.split_first() else {
        return Err("no environment to import".into());
    };
    for (i, (name, _)) in inputs.iter().enumerate() {
        environment_name(name)?;
        if inputs[..i].iter().any(|(n, _)| n == name) {
            return Err(format!("environment `{name}` is given twice"));
        }
    }
    // Every input parsed and built first: the labels an overlay puts on all its objects
    // are found by comparing them, and taken out before the residuals are.
    // Every environment's file that cannot be imported is said at once, one line each.
    let mut built = Vec::new();
    let mut refused = Vec::new();
    for (name, text) in inputs {
        let (import, objects) = super::parse_and_build(vec![(String::new(), Cow::Borrowed(*text))]);
        match something_imported(name, &import).and_then(|()| all_read(name, &import)) {
            Ok(()) => built.push((import, objects)),
            Err(why) => refused.push(why),
        }
    }
    if !refused.is_empty() {
        return Err(refused.join("\n"));
    }
    let one_system = parts_of_one_system(built.iter().map(|(import, _)| import));
    let common = {
        let objects: Vec<Vec<Value>> = (built.iter())
            .map(|(import, objects)| labels::objects(objects, &import.design))
            .collect();
        labels::common_labels(&objects)
    };
    // A system named after its first environment's namespace (no part-of label) is
    // named without that environment (`shop-dev` for dev is `shop`), so that every
    // environment's residuals agree on `part-of`.
    let system = system_name(&built[0].0.design, base_name)
        .unwrap_or_else(|| built[0].0.design.name.clone());
    let mut finished = built
        .into_iter()
        .zip(common)
        .map(|((mut import, objects), common)| {
            import.design.name.clone_from(&system);
            labels::take_out(&mut import.design, &common);
            import.design.environments[0].common_labels = common;
            (super::with_residuals(import, &objects), objects)
        });
    let (base, base_inputs) = finished.next().expect("one input at least");
    let mut design = base.design.clone();
    design.environments[0].name = base_name.to_string();
    design.environments[0].tier = tier_of(base_name);
    let mut imports = vec![(base_name.to_string(), base)];
    let mut inputs = vec![base_inputs];
    let mut merged_words = vec![Vec::from_iter(labels::describe(
        &design.environments[0].common_labels,
    ))];
    for ((name, _), (import, objects)) in rest.iter().zip(finished) {
        inputs.push(objects);
        let theirs = &import.design.environments[0];
        let mut env = Environment {
            name: name.to_string(),
            tier: tier_of(name),
            namespace: theirs.namespace.clone(),
            labels: theirs.labels.clone(),
            annotations: theirs.annotations.clone(),
            default_deny: theirs.default_deny,
            // An input that runs none of the services so far is a shared environment
            // (observability, say): it runs only those it has.
            hosts_services: design.services.is_empty()
                || (design.services.iter()).any(|s| import.design.service_named(&s.name).is_some()),
            create_namespace: theirs.create_namespace,
            namespace_unwritten: theirs.namespace_unwritten,
            overrides: BTreeMap::new(),
            residual: None,
            monitoring: theirs.monitoring.clone(),
            gateway: theirs.gateway.clone(),
            common_labels: theirs.common_labels.clone(),
            ..Environment::default()
        };
        let mut words = Vec::from_iter(labels::describe(&env.common_labels));
        // Two environments in one namespace are most likely no environments at all,
        // but parts of one system chosen together.
        // (Inputs that name no namespace, as `helm template` without `-n` writes them,
        // say nothing of where they go.)
        let same = match theirs.namespace_unwritten {
            true => None,
            false => (design.environments.iter())
                .find(|e| !e.namespace_unwritten && e.namespace == env.namespace),
        };
        if let Some(same) = same {
            words.push(format!(
                "the namespace `{}` is `{}`'s too: Kubeprint deploys a design's environments to one cluster, where one would overwrite the other (KP405 offers a namespace of its own); if these files are parts of one system instead, import them as one environment",
                env.namespace, same.name
            ));
        }
        let before: Vec<String> = design
            .environments
            .iter()
            .map(|e| format!("`{}`", e.name))
            .collect();
        for id in join_system(&mut design, &import.design) {
            let name = &design.service(id).expect("just added").name;
            words.push(format!(
                "{name}: first found here, not deployed in {}",
                before.join(", ")
            ));
        }
        let (here, before) = adopt_switched(&mut design, &import.design, name);
        words.extend(here);
        for (i, said) in before {
            merged_words[i].push(said);
        }
        let mut canaries = Vec::new();
        let mut critical = Vec::new();
        for s in &design.services {
            let mut o = match import.design.service_named(&s.name) {
                Some(other) => override_between(s, other),
                None => Override::default(),
            };
            let here = import.design.service_named(&s.name);
            if here.is_some() != env.hosts_services {
                o.enabled = Some(here.is_some());
            }
            // A canary here only: how it rolls out is the service's, used wherever an
            // environment makes it a canary.
            if let (Some(UpdateStrategy::Canary), Some(other)) = (o.strategy, here) {
                canaries.push((s.id, other.delivery.clone()));
            }
            // Critical is what the alerts of any environment say (only they say it).
            if here.is_some_and(|other| other.critical && !s.critical) {
                critical.push(s.id);
            }
            let said = describe(&o);
            if !said.is_empty() {
                words.push(format!("{}: {said}", s.name));
            }
            if o != Override::default() {
                env.overrides.insert(s.id, o);
            }
        }
        adopt_read_here(&mut design, &import.design, &env);
        for id in critical {
            design
                .service_mut(id)
                .expect("a service of the design")
                .critical = true;
        }
        for (id, delivery) in canaries {
            let s = design.service_mut(id).expect("a service of the design");
            s.delivery = Delivery {
                strategy: s.delivery.strategy,
                ..delivery
            };
        }
        for (cm, values) in config_values(&design, &import.design) {
            let keys: Vec<String> = values.keys().map(|k| format!("`{k}`")).collect();
            words.push(format!(
                "ConfigMap {cm}: values of its own for {}",
                keys.join(", ")
            ));
            env.config_values.insert(cm, values);
        }
        design.environments.push(env);
        keep_namespace_residual(&mut design, &import.design);
        imports.push((name.to_string(), import));
        merged_words.push(words);
    }
    for (i, said) in keys_left_out(&mut design, &imports) {
        merged_words[i].push(said);
    }
    let kept: Vec<&[KeptObject]> = (imports.iter())
        .map(|(_, i)| i.design.extra_objects.as_slice())
        .collect();
    split_kept(&mut design, &kept);
    for (((name, import), inputs), words) in imports.iter().zip(&inputs).zip(&mut merged_words) {
        words.extend(keep_own(&mut design, name, import, inputs));
    }
    // (Of the whole design: an edge read from dev's configuration would also write
    // allowances in a prod that denies by default.)
    super::network::edges_from_config(&mut design);
    for ((name, import), words) in imports.iter().zip(&mut merged_words) {
        words.extend(keep_own_details(&mut design, name, import));
    }
    let environments = imports
        .into_iter()
        .zip(merged_words)
        .map(|((name, import), merged)| {
            let own_env = &import.design.environments[0].name;
            let want = objects(&import.design, own_env);
            let have = objects(&design, &name);
            EnvironmentReport {
                not_merged: compare(&name, &want, &have),
                environment: name,
                documents: import.documents,
                merged,
            }
        })
        .collect();
    Ok(EnvironmentsImport {
        design,
        environments,
        one_system,
    })
}

/// Whether several inputs are parts of one system (a folder of manifests, a file per
/// service) rather than renderings of it per environment: all in one namespace, or all
/// naming none, and no object in two of them. Environments are in namespaces of their
/// own or render the same objects.
fn parts_of_one_system<'i>(imports: impl Iterator<Item = &'i super::Import>) -> bool {
    let imports: Vec<&super::Import> = imports.collect();
    let place = |i: &super::Import| {
        let env = &i.design.environments[0];
        (!env.namespace_unwritten).then(|| env.namespace.clone())
    };
    let mut seen = std::collections::BTreeSet::new();
    let disjoint = imports.iter().all(|i| {
        let objects: std::collections::BTreeSet<_> = (i.documents.iter())
            .filter(|d| !d.name.is_empty())
            .map(|d| (d.kind.as_str(), d.name.as_str()))
            .collect();
        objects.into_iter().all(|o| seen.insert(o))
    });
    imports.len() > 1 && disjoint && imports.iter().all(|i| place(i) == place(imports[0]))
}

/// The Secrets and ConfigMaps `env`'s variables read by key in place of the services'
/// values (prod's `DATABASE_URL` from a Secret only prod has), from `theirs` (the
/// environment's input) where the design has none of that name: rendered only where
/// something reads them, so in that environment. A Secret the design has gets the key
/// read here if it lacks it (a design holds key names only; a ConfigMap's values of
/// this environment's own are the comparison's).
fn adopt_read_here(design: &mut Design, theirs: &Design, env: &Environment) {
    let read = (env.overrides.values().flat_map(|o| o.env.values())).filter_map(|v| match v {
        VarHere::Read(EnvValue::SecretKey { name, key }) => Some((true, name, key)),
        VarHere::Read(EnvValue::ConfigMapKey { name, key }) => Some((false, name, key)),
        _ => None,
    });
    for (secret, name, key) in read {
        match secret {
            true => match design.secrets.iter_mut().find(|s| s.name == *name) {
                Some(s) if !s.keys.contains(key) => s.keys.push(key.clone()),
                Some(_) => {}
                None => design.secrets.extend(theirs.secret(name).cloned()),
            },
            false if design.config_map(name).is_none() => {
                design.config_maps.extend(theirs.config_map(name).cloned());
            }
            false => {}
        }
    }
}

/// The name of the system `design` (imported from environment `env`'s input) is, when
/// it was named after that environment's namespace: the namespace without `-<env>`.
fn system_name(design: &Design, env: &str) -> Option<String> {
    let namespace = &design.environments.first()?.namespace;
    let stem = (design.name == *namespace)
        .then(|| namespace.strip_suffix(&format!("-{env}")))
        .flatten()?;
    Some(stem.to_string()).filter(|s| !s.is_empty())
}

/// Share out the objects kept whole, `kept[i]` being environment `i`'s own import's: one
/// that every environment running services has alike (whatever its namespace) is the
/// design's, rendered into each; any other is the environments' that have it, each its
/// own copy (an overlay's NetworkPolicy of prod only, a debug object of dev only).
fn split_kept(design: &mut Design, kept: &[&[KeptObject]]) {
    let alike = |a: &KeptObject, b: &KeptObject| a.in_namespace("") == b.in_namespace("");
    let hosting: Vec<usize> = (0..kept.len())
        .filter(|&i| design.environments[i].hosts_services)
        .collect();
    let everywhere =
        |k: &KeptObject| (hosting.iter()).all(|&i| kept[i].iter().any(|other| alike(k, other)));
    let shared: Vec<KeptObject> = match hosting.first() {
        Some(&first) => kept[first]
            .iter()
            .filter(|k| everywhere(k))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    // (An environment running no services renders none of the design's.)
    for (env, own) in design.environments.iter_mut().zip(kept) {
        env.kept_objects = (own.iter())
            .filter(|k| !env.hosts_services || !shared.iter().any(|s| alike(k, s)))
            .cloned()
            .collect();
    }
    design.extra_objects = shared;
}

/// What environment `env`'s input has and the merged design does not render for it (an
/// HPA or a PDB of prod only, a Job of dev only) is kept whole in `env`, as its own: as
/// the input wrote it. Not a Secret (the design keeps no values: it is reported) nor a
/// generated ConfigMap whose name carries another hash (its values are the
/// environment's own values). What was kept, said for the report.
fn keep_own(
    design: &mut Design,
    env: &str,
    import: &super::Import,
    inputs: &super::Inputs,
) -> Vec<String> {
    let want = objects(&import.design, &import.design.environments[0].name);
    let have = objects(design, env);
    let mut said = Vec::new();
    let mut kept = Vec::new();
    for (kind, ns, name) in want.keys() {
        let generated = generated_stem(name).is_some_and(|stem| {
            (have.keys()).any(|o| o.0 == *kind && o.1 == *ns && generated_stem(&o.2) == Some(stem))
        });
        if have.contains_key(&(kind.clone(), ns.clone(), name.clone()))
            || generated
            || kind == "Secret"
        {
            continue;
        }
        let Some(object) = inputs.get(&(kind.clone(), name.clone())) else {
            continue;
        };
        said.push(format!(
            "{} `{name}`: only here, kept whole as its own",
            shown_kind(kind)
        ));
        kept.push(KeptObject(object));
    }
    if let Some(e) = design.environments.iter_mut().find(|e| e.name == env) {
        e.kept_objects.extend(kept);
    }
    said
}

/// What environment `env`'s input has in an object the merged design renders for it,
/// and the rendering does not give back (a Helm `checksum/config` annotation of the
/// environment's own ConfigMap, a label or a toleration of prod only), is kept as the
/// environment's own residual of that object ([`OwnResiduals`]): one of a service's
/// objects, a ConfigMap or a Secret of the design (the Namespace and the Gateway keep
/// the environment's already). What was kept, said for the report.
fn keep_own_details(design: &mut Design, env: &str, import: &super::Import) -> Vec<String> {
    use crate::render::{ResidualOwner, ResidualOwners};
    let want = objects(&import.design, &import.design.environments[0].name);
    let have = objects(design, env);
    let owners = ResidualOwners::new(design);
    // A generated ConfigMap the input names with another hash than the rendering (the
    // report says so) is read by the rendered name: what reads it keeps no other.
    let generated: Vec<(&str, &str)> = (want.keys())
        .filter(|(kind, ns, name)| {
            kind == "ConfigMap"
                && ns.is_empty()
                && !have.contains_key(&(kind.clone(), ns.clone(), name.clone()))
        })
        .filter_map(|(_, _, name)| {
            let stem = generated_stem(name)?;
            let twin = have.keys().find(|(kind, ns, other)| {
                kind == "ConfigMap" && ns.is_empty() && generated_stem(other) == Some(stem)
            })?;
            Some((name.as_str(), twin.2.as_str()))
        })
        .collect();
    let modelled = modelled_differences(design, env, &import.design, &generated);
    let mut own = OwnResiduals::default();
    let mut said = Vec::new();
    for (key, rendered) in &have {
        let (kind, namespace, name) = key;
        let Some(input) = want.get(key).filter(|input| *input != rendered) else {
            continue;
        };
        // (An object in another namespace is one kept whole.)
        if !namespace.is_empty() {
            continue;
        }
        let mut input = input.clone();
        for (from, to) in &generated {
            replace_strings(&mut input, from, to);
        }
        // What the environment's own model says here, the design's model says instead
        // (the replay keeps what the input has beyond it, a `sysctls` beside a modelled
        // `runAsNonRoot`): that stays the design's, reported as not merged.
        // Where the design's model renders nothing (no probe, where the environment's
        // has one), nothing of what the input has there is kept (its headers alone
        // would be no probe).
        if let Some(modelled) = modelled.get(key) {
            modelled.apply(&mut input);
            for c in modelled.0.iter().filter(|c| c.now.is_none()) {
                crate::residual::remove_at(&mut input, &c.at);
            }
        }
        if input == *rendered {
            continue;
        }
        let residual = Residual::between(rendered, &input);
        let described = changes(&residual, Said::Kept);
        match owners.owner(kind, name) {
            Some(ResidualOwner::Service(id, role)) => {
                own.services.entry(id).or_default().insert(role, residual);
            }
            Some(ResidualOwner::ConfigMap(n)) => {
                own.config_maps.insert(n, residual);
            }
            Some(ResidualOwner::Secret(n)) => {
                own.secrets.insert(n, residual);
            }
            Some(ResidualOwner::Namespace | ResidualOwner::Gateway) | None => continue,
        }
        said.push(format!(
            "{} `{name}`: details of its own kept as this input wrote them: {described}",
            shown_kind(kind)
        ));
    }
    if let Some(e) = design.environments.iter_mut().find(|e| e.name == env) {
        e.own_residuals = own;
    }
    said
}

/// Where, object by object, the merged `design` renders environment `env` otherwise than
/// the model that `own` (the design imported from `env`'s input alone) holds would, in
/// what the model holds and `env`'s overrides cannot say (a grace period, a probe, a
/// variable read from a Secret, of this environment's own), as the changes from the own
/// model's rendering to the design's: found by rendering both models without anything
/// kept from the imports, `own`'s services, ConfigMap data and Secret keys in place of
/// the design's (`generated`: the input's names of generated ConfigMaps and the
/// rendered ones, for what the own model reads). Keeping those as the environment's own
/// residual would render what the model, and so the rules, the canvas and the
/// inspector, do not say.
fn modelled_differences(
    design: &Design,
    env: &str,
    own: &Design,
    generated: &[(&str, &str)],
) -> BTreeMap<Key, Residual> {
    let mut models = design.clone();
    for s in &mut models.services {
        s.residual.clear();
    }
    (models.config_maps.iter_mut()).for_each(|c| c.residual = None);
    (models.secrets.iter_mut()).for_each(|c| c.residual = None);
    for e in &mut models.environments {
        e.own_residuals = OwnResiduals::default();
    }
    let mut theirs = models.clone();
    let Some(here) = theirs.environments.iter_mut().find(|e| e.name == env) else {
        return BTreeMap::new();
    };
    for s in &mut theirs.services {
        let Some(t) = own.service_named(&s.name) else {
            continue;
        };
        let (id, position) = (s.id, s.position);
        *s = Service {
            id,
            position,
            residual: BTreeMap::new(),
            ..t.clone()
        };
        // (Its values here are its own already; whether it runs here stays.)
        if let Some(o) = here.overrides.get_mut(&id) {
            *o = Override {
                enabled: o.enabled,
                ..Override::default()
            };
        }
    }
    for cm in &mut theirs.config_maps {
        if let Some(t) = own.config_map(&cm.name) {
            cm.data.clone_from(&t.data);
            here.config_values.remove(&cm.name);
            here.config_left_out.remove(&cm.name);
        }
    }
    for sec in &mut theirs.secrets {
        if let Some(t) = own.secret(&sec.name) {
            (sec.keys, sec.kind) = (t.keys.clone(), t.kind.clone());
        }
    }
    let (ours, theirs) = (objects(&models, env), objects(&theirs, env));
    let mut out = BTreeMap::new();
    for (key, rendered) in &ours {
        let Some(mut other) = theirs.get(key).cloned() else {
            continue;
        };
        // (The own model reads a generated ConfigMap by the input's name.)
        for (from, to) in generated {
            replace_strings(&mut other, from, to);
        }
        let mut differs = Residual::between(&other, rendered);
        // (A derived value, a checksum of the config or the version label, differs as
        // the models do: no field of its own to report.)
        differs.0.retain_mut(|c| !crate::residual::only_derived(c));
        if !differs.is_empty() {
            out.insert(key.clone(), differs);
        }
    }
    out
}

/// Every string of `v` that is `from` made `to`.
fn replace_strings(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_string(),
        Value::Array(items) => items.iter_mut().for_each(|i| replace_strings(i, from, to)),
        Value::Object(members) => members
            .values_mut()
            .for_each(|m| replace_strings(m, from, to)),
        _ => {}
    }
}

/// The ConfigMap values `other` (the same system imported for another environment) has
/// of its own, by ConfigMap name: for each ConfigMap of `design` that `other` has by the
/// same name, the keys whose value differs or that only `other` has. (A key `other`
/// lacks is left out there: [`keys_left_out`].)
fn config_values(design: &Design, other: &Design) -> Vec<(String, BTreeMap<String, String>)> {
    let mut out = Vec::new();
    for cm in &design.config_maps {
        let Some(theirs) = other.config_map(&cm.name) else {
            continue;
        };
        let values: BTreeMap<String, String> = (theirs.data.iter())
            .filter(|(k, v)| cm.data.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !values.is_empty() {
            out.push((cm.name.clone(), values));
        }
    }
    out
}

/// A key of the design's ConfigMap that an environment's ConfigMap of that name lacks
/// (a debug switch dev and staging write and prod's overlay does not) is left out there
/// ([`Environment::config_left_out`]): the key and its value stay the design's, and that
/// environment renders its ConfigMap as its file has it. An environment whose input has
/// no such ConfigMap keeps rendering it whole. `imports` are the environments' own
/// imports, in the design's order. Returns what to say, by environment index.
fn keys_left_out(design: &mut Design, imports: &[(String, super::Import)]) -> Vec<(usize, String)> {
    let mut said = Vec::new();
    for cm in &design.config_maps {
        for (i, (_, import)) in imports.iter().enumerate() {
            let Some(theirs) = import.design.config_map(&cm.name) else {
                continue;
            };
            let missing: BTreeSet<String> = (cm.data.keys())
                .filter(|k| !theirs.data.contains_key(*k))
                .cloned()
                .collect();
            if missing.is_empty() {
                continue;
            }
            let keys: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
            let s = if keys.len() > 1 { "s" } else { "" };
            said.push((
                i,
                format!(
                    "ConfigMap {}: leaves out key{s} {} of the others, which its file does not write",
                    cm.name,
                    keys.join(", ")
                ),
            ));
            let env = &mut design.environments[i];
            env.config_left_out.insert(cm.name.clone(), missing);
        }
    }
    said
}

/// An environment whose input gives nothing (an empty file, invalid YAML) would be an
/// environment that runs nothing in the `default` namespace: refused, with why.
fn something_imported(name: &str, import: &super::Import) -> Result<(), String> {
    if import.imported() > 0 {
        return Ok(());
    }
    let why = (import.documents.iter()).find_map(|d| match &d.outcome {
        // (A YAML error names its own line.)
        super::Outcome::Skipped(why) if why.contains(" line ") => Some(why.clone()),
        super::Outcome::Skipped(why) => Some(format!("line {}: {why}", d.line)),
        _ => None,
    });
    Err(format!(
        "nothing in environment `{name}` can be imported ({}): fix its file, or leave it out",
        why.unwrap_or_else(|| "it has no Kubernetes objects".into())
    ))
}

/// An environment whose input holds a document that cannot be read (invalid YAML, an
/// unrendered template) would seem not to run what that document holds, and the design
/// would switch those services off there as if the overlay meant it: refused, with
/// where and why.
fn all_read(name: &str, import: &super::Import) -> Result<(), String> {
    // (Unreadable documents are skipped, each with why.)
    let broken: Vec<(&super::DocumentReport, &String)> = (import.documents.iter())
        .filter(|d| d.unreadable)
        .filter_map(|d| match &d.outcome {
            super::Outcome::Skipped(why) => Some((d, why)),
            _ => None,
        })
        .collect();
    let Some((first, why)) = broken.first() else {
        return Ok(());
    };
    let what = super::seen_as(first);
    let why = match why.contains(" line ") {
        true => why.to_string(),
        false => format!("line {}: {why}", first.line),
    };
    let (count, first, them, they_hold) = match broken.len() {
        1 => ("a document".to_string(), "", "it", "it holds"),
        n => (format!("{n} documents"), "the first, ", "them", "they hold"),
    };
    Err(format!(
        "{count} of environment `{name}` cannot be read ({first}{what}{why}): fix {them} and \
         import again. Without {them}, `{name}` would seem not to run what {they_hold}"
    ))
}

/// Adds to `design` what `other` (the same system imported for another environment)
/// has that no environment had yet, all of which is the design's whatever the
/// environment: its services that `design` lacks (deployed in no environment so far,
/// and found by name), the ConfigMaps and Secrets they read, its dependency edges, and
/// the namespace its Prometheus runs in. Gives the services added.
fn join_system(design: &mut Design, other: &Design) -> Vec<ServiceId> {
    let mut added = Vec::new();
    for s in &other.services {
        if design.service_named(&s.name).is_some() {
            continue;
        }
        let mut copy = s.clone();
        copy.position = None;
        let id = ServiceId(design.next_id);
        if design
            .apply(crate::Edit::AddService(Box::new(copy)))
            .is_ok()
        {
            for env in &mut design.environments {
                let o = env.overrides.entry(id).or_default();
                o.enabled = Some(false);
            }
            added.push(id);
        }
    }
    // Only what the services added read: a hash-suffixed ConfigMap of a generator is
    // another name for one the design has, which the comparison reports.
    let reads = |secrets: bool| -> Vec<String> {
        (added.iter().filter_map(|&id| design.service(id)))
            .flat_map(|s| crate::render::references(s, secrets).map(String::from))
            .collect()
    };
    let (maps, secrets) = (reads(false), reads(true));
    for c in other.config_maps.iter().filter(|c| maps.contains(&c.name)) {
        if !design.config_maps.iter().any(|m| m.name == c.name) {
            design.config_maps.push(c.clone());
        }
    }
    for c in other.secrets.iter().filter(|c| secrets.contains(&c.name)) {
        if !design.secrets.iter().any(|m| m.name == c.name) {
            design.secrets.push(c.clone());
        }
    }
    let id_of = |d: &Design, id: ServiceId| {
        let name = &other.service(id)?.name;
        d.service_named(name).map(|s| s.id)
    };
    for e in &other.edges {
        if let (Some(from), Some(to)) = (id_of(design, e.from), id_of(design, e.to)) {
            let edge = Edge {
                from,
                to,
                port: e.port.clone(),
            };
            let _ = design.apply(crate::Edit::AddEdge(edge));
        }
    }
    if design.cluster.monitoring_namespace.is_none() {
        design.cluster.monitoring_namespace = other.cluster.monitoring_namespace.clone();
    }
    added
}

/// Record, for the environment just added to `design`, what its Namespace object had
/// beyond the model against the merged design (whose name, and so `part-of` label, is the
/// base's): environments keep their Namespace residual each, so this always merges.
fn keep_namespace_residual(design: &mut Design, own: &Design) {
    let index = design.environments.len() - 1;
    design.environments[index].residual = None;
    let namespace = |d: &Design, env: &str| {
        render(d, env)
            .objects
            .into_iter()
            .find(|o| o.kind() == "Namespace" && o.metadata().namespace.is_none())
            .map(|o| o.to_json())
    };
    let env = design.environments[index].name.clone();
    let ours = namespace(design, &env);
    let theirs = namespace(own, &own.environments[0].name);
    if let (Some(have), Some(want)) = (ours, theirs) {
        design.set_residuals(
            index,
            [(
                crate::render::ResidualOwner::Namespace,
                Residual::between(&have, &want),
            )],
        );
    }
}

/// Whether `name` is a word for an environment alone (`prod`, `staging`), which names
/// no system.
pub(crate) fn is_environment_word(name: &str) -> bool {
    const WORDS: [&str; 17] = [
        "dev",
        "development",
        "local",
        "sandbox",
        "test",
        "qa",
        "uat",
        "preview",
        "stage",
        "staging",
        "stg",
        "preprod",
        "pre-prod",
        "prod",
        "production",
        "prd",
        "live",
    ];
    WORDS.contains(&name.to_ascii_lowercase().as_str())
}

/// The tier an environment's name suggests: a tier's own name, else `prod`/`production`
/// (not `preprod`), `dev`/`local`/`sandbox`, shared for what serves every environment
/// (`observability`, `monitoring`, `logging`), and production-like (staging) for anything
/// else, like a new environment in the editor.
pub fn tier_of(name: &str) -> Tier {
    let n = name.to_ascii_lowercase();
    if let Some((_, t)) = TIERS.iter().find(|(label, _)| *label == n) {
        return *t;
    }
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["observability", "monitoring", "logging"]) {
        Tier::Shared
    } else if has(&["preprod", "pre-prod", "stag", "qa", "uat", "test"]) {
        Tier::Staging
    } else if has(&["prod", "prd", "live"]) {
        Tier::Prod
    } else if has(&["dev", "local", "sandbox"]) {
        Tier::Dev
    } else {
        Tier::Staging
    }
}

/// What `other` (the same service imported for another environment) changes about
/// `base` that an override can say. Anything else is left to the comparison.
fn override_between(base: &Service, other: &Service) -> Override {
    let mut o = Override::default();
    // Under an HPA the workload leaves its replicas out (the HPA owns the count), so
    // replicas there are no override's, unless the inputs write them beside it.
    let written = base.scaling.hpa.is_none() || base.scaling.replicas_with_hpa;
    // No HPA, PDB or Ingress here though the base has one (dev runs a fixed count,
    // without a budget or a host): switched off here, and the replicas this input
    // writes are this environment's.
    for part in Switched::ALL {
        if part.in_service(base) && !part.in_service(other) {
            part.switch_off(&mut o);
        }
    }
    if let (Some(b), Some(t)) = (base.scaling.pdb, other.scaling.pdb) {
        o.pdb_budget = (t != b).then_some(t);
    }
    if (written || o.hpa == Some(false)) && other.scaling.replicas != base.scaling.replicas {
        o.replicas = Some(other.scaling.replicas);
    }
    if let (Some(b), Some(t)) = (&base.scaling.hpa, &other.scaling.hpa) {
        o.hpa_min = (t.min != b.min).then_some(t.min);
        o.hpa_max = (t.max != b.max).then_some(t.max);
    }
    let (b, t) = (&base.resources, &other.resources);
    let differs = |x: &Option<String>, y: &Option<String>| (x != y).then(|| y.clone()).flatten();
    let resources = Resources {
        cpu_request: differs(&b.cpu_request, &t.cpu_request),
        memory_request: differs(&b.memory_request, &t.memory_request),
        cpu_limit: differs(&b.cpu_limit, &t.cpu_limit),
        memory_limit: differs(&b.memory_limit, &t.memory_limit),
    };
    if resources != Resources::default() {
        o.resources = Some(resources);
    }
    if other.tag != base.tag {
        o.image_tag = Some(other.tag.clone());
    }
    // A Rollout in one environment and a Deployment in another: the strategy differs.
    if other.delivery.strategy != base.delivery.strategy {
        o.strategy = Some(other.delivery.strategy);
    }
    if let (Some(b), Some(t)) = (&base.exposure.ingress, &other.exposure.ingress) {
        o.ingress_host = (t.host != b.host).then(|| t.host.clone());
    }
    for claim in &other.storage {
        let Some(base) = base.storage.iter().find(|c| c.name == claim.name) else {
            continue;
        };
        if base.size != claim.size {
            o.storage.insert(claim.name.clone(), claim.size.clone());
        }
        // A class of its own here; the cluster's default where the base names one is
        // left to the comparison (an override names a class).
        if let Some(class) = claim
            .storage_class
            .as_ref()
            .filter(|&c| base.storage_class.as_ref() != Some(c))
        {
            o.storage_class.insert(claim.name.clone(), class.clone());
        }
    }
    // The main container's variables: a value of its own here (a literal, or a key of
    // a ConfigMap or Secret: prod reads from a Secret what dev writes), one only this
    // input sets, or one it leaves out. A variable the model does not hold on either side
    // (one read by `fieldRef`, kept from the import) is left to the comparison.
    let (b, t) = (&base.config.env, &other.config.env);
    let named = |vars: &[EnvVar], name: &str| vars.iter().position(|v| v.name == name);
    for var in t {
        let differs = match named(b, &var.name) {
            Some(i) => b[i].value != var.value,
            None => !base.keeps_variable(&var.name),
        };
        if differs && !other.keeps_variable(&var.name) {
            o.env
                .insert(var.name.clone(), VarHere::read(var.value.clone()));
        }
    }
    for var in b {
        if named(t, &var.name).is_none() && !other.keeps_variable(&var.name) {
            o.env.insert(var.name.clone(), VarHere::Unset);
        }
    }
    o
}

/// A part of a service that an environment may switch off, and that an environment's
/// input may be the first to have (dev and staging without, prod with).
#[derive(Clone, Copy)]
enum Switched {
    Hpa,
    Pdb,
    Ingress,
}

impl Switched {
    const ALL: [Switched; 3] = [Switched::Hpa, Switched::Pdb, Switched::Ingress];

    /// What the reports call it, and with its article.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Switched::Hpa => ("HPA", "an HPA"),
            Switched::Pdb => ("PDB", "a PDB"),
            Switched::Ingress => ("Ingress", "an Ingress"),
        }
    }

    fn in_service(self, s: &Service) -> bool {
        match self {
            Switched::Hpa => s.scaling.hpa.is_some(),
            Switched::Pdb => s.scaling.pdb.is_some(),
            Switched::Ingress => s.exposure.ingress.is_some(),
        }
    }

    /// Whether a service of kind `kind` has it: an HPA or a PDB only one with replicas.
    fn applies(self, kind: WorkloadKind) -> bool {
        match self {
            Switched::Hpa | Switched::Pdb => kind.has_replicas(),
            Switched::Ingress => !kind.runs_to_completion(),
        }
    }

    /// `theirs`'s part made `s`'s own, with what its import kept of the object.
    fn take(self, s: &mut Service, theirs: &Service) {
        let role = match self {
            Switched::Hpa => {
                s.scaling.hpa.clone_from(&theirs.scaling.hpa);
                s.scaling.replicas_with_hpa = theirs.scaling.replicas_with_hpa;
                ResidualRole::Hpa
            }
            Switched::Pdb => {
                s.scaling.pdb = theirs.scaling.pdb;
                ResidualRole::Pdb
            }
            Switched::Ingress => {
                s.exposure.ingress.clone_from(&theirs.exposure.ingress);
                ResidualRole::Ingress
            }
        };
        if let Some(r) = theirs.residual.get(&role) {
            s.residual.insert(role, r.clone());
        }
    }

    fn switch_off(self, o: &mut Override) {
        match self {
            Switched::Hpa => o.hpa = Some(false),
            Switched::Pdb => o.pdb = Some(false),
            Switched::Ingress => o.ingress = Some(false),
        }
    }
}

/// The HPAs, PDBs and Ingresses `other` (the system as the next environment's input
/// has it) first has: a service that ran without one so far (dev and staging) and with
/// one here (prod) gets it, switched off in every environment so far, which keeps them
/// as they were. So it is the design's, edited and checked as the service's own,
/// rather than an object kept whole. What is said of each, for the report of
/// environment `here`, and for each environment before it (by position) that now runs
/// without.
fn adopt_switched(
    design: &mut Design,
    other: &Design,
    here: &str,
) -> (Vec<String>, Vec<(usize, String)>) {
    let mut said = Vec::new();
    let mut said_before = Vec::new();
    for s in &mut design.services {
        let Some(theirs) = other.service_named(&s.name) else {
            continue;
        };
        if theirs.kind != s.kind {
            continue;
        }
        for part in Switched::ALL {
            if !part.applies(s.kind) || !part.in_service(theirs) || part.in_service(s) {
                continue;
            }
            part.take(s, theirs);
            let (what, a_what) = part.words();
            let mut off = Vec::new();
            for (i, e) in design.environments.iter_mut().enumerate() {
                if !e.deploys(s.id) {
                    continue;
                }
                part.switch_off(e.overrides.entry(s.id).or_default());
                off.push(format!("`{}`", e.name));
                said_before.push((
                    i,
                    format!("{}: no {what} (the {what} first found in `{here}`)", s.name),
                ));
            }
            let before = match off.is_empty() {
                true => String::new(),
                false => format!("; no {what} in {}", off.join(", ")),
            };
            said.push(format!(
                "{}: {a_what} first found here, the service's now{before}",
                s.name
            ));
        }
    }
    (said, said_before)
}

/// An override in plain words.
fn describe(o: &Override) -> String {
    let mut parts = Vec::new();
    if o.enabled == Some(false) {
        parts.push("not deployed (absent from this input)".to_string());
    }
    if o.hpa == Some(false) {
        parts.push("no HPA".to_string());
    }
    if o.pdb == Some(false) {
        parts.push("no PDB".to_string());
    }
    if let Some(b) = o.pdb_budget {
        parts.push(format!("PDB {b}"));
    }
    if o.ingress == Some(false) {
        parts.push("no Ingress".to_string());
    }
    if let Some(r) = o.replicas {
        parts.push(format!("replicas {r}"));
    }
    if let Some(m) = o.hpa_min {
        parts.push(format!("HPA min {m}"));
    }
    if let Some(m) = o.hpa_max {
        parts.push(format!("HPA max {m}"));
    }
    if let Some(st) = o.strategy {
        parts.push(match st {
            UpdateStrategy::Canary => "canary (a Rollout)".to_string(),
            UpdateStrategy::RollingUpdate => "rolling update (a Deployment)".to_string(),
        });
    }
    if let Some(r) = &o.resources {
        let fields = [
            ("CPU request", &r.cpu_request),
            ("memory request", &r.memory_request),
            ("CPU limit", &r.cpu_limit),
            ("memory limit", &r.memory_limit),
        ];
        for (what, v) in fields {
            if let Some(v) = v {
                parts.push(format!("{what} {v}"));
            }
        }
    }
    if let Some(t) = &o.image_tag {
        parts.push(format!("image tag {t}"));
    }
    if let Some(h) = &o.ingress_host {
        parts.push(format!("Ingress host {h}"));
    }
    for (claim, size) in &o.storage {
        parts.push(format!("volume `{claim}` {size}"));
    }
    for (claim, class) in &o.storage_class {
        parts.push(format!("volume `{claim}` StorageClass `{class}`"));
    }
    for (name, here) in &o.env {
        parts.push(match here {
            VarHere::Value(v) => format!("variable `{name}` `{v}`"),
            VarHere::Read(from) => format!("variable `{name}` from {}", from.describe()),
            VarHere::Unset => format!("variable `{name}` not set"),
        });
    }
    parts.join(", ")
}

/// An object of one environment's rendering: kind, namespace (empty for the
/// environment's own, so that environments compare) and name.
type Key = (String, String, String);

/// The objects `design` renders for `env` by key, as JSON, Secret values aside.
fn objects(design: &Design, env: &str) -> BTreeMap<Key, Value> {
    let namespace = design
        .environment(env)
        .map(|e| e.namespace.clone())
        .unwrap_or_default();
    render(design, env)
        .objects
        .iter()
        .map(|o| {
            let mut v = o.to_json();
            crate::render::without_secret_values(&mut v);
            let ns = o.metadata().namespace.clone().unwrap_or_default();
            let ns = if ns == namespace { String::new() } else { ns };
            ((o.kind().to_string(), ns, o.name().to_string()), v)
        })
        .to_map()
}

/// Every object of `want` (the environment's input) that `have` (the merged design's
/// rendering of it) does not give back, and every object `have` adds.
fn compare(env: &str, want: &BTreeMap<Key, Value>, have: &BTreeMap<Key, Value>) -> Vec<NotMerged> {
    let mut out = Vec::new();
    let mut explained: Vec<&Key> = Vec::new();
    for (k, v) in want {
        let (kind, _, name) = k;
        let shown = shown_kind(kind);
        match have.get(k) {
            Some(h) if h == v => {}
            Some(h) => {
                let differs = Residual::between(h, v);
                // (Values merged, in another order: said as such.)
                let what = match differs.0.iter().all(|c| c.order.is_some()) {
                    true => "lists items in another order, which an override cannot express",
                    false => "differs in what an override cannot express",
                };
                out.push(NotMerged {
                    kind: kind.clone(),
                    name: name.clone(),
                    message: format!(
                        "{env}: {shown} `{name}` {what}: not merged; the {env} rendering will \
                         have {}",
                        changes(&differs, Said::Rendered)
                    ),
                })
            }
            None => {
                let twin = generated_stem(name).and_then(|stem| {
                    have.keys().find(|o| {
                        o.0 == *kind
                            && o.1 == k.1
                            && !want.contains_key(*o)
                            && generated_stem(&o.2) == Some(stem)
                    })
                });
                let message = match twin {
                    Some(t) => {
                        explained.push(t);
                        let stem = generated_stem(name).unwrap_or_default();
                        format!(
                            "{env}: {shown} `{name}` is the generated {shown} `{stem}` with \
                             another content hash than `{}`: not merged; the {env} rendering \
                             will have `{}` with its values instead",
                            t.2, t.2
                        )
                    }
                    None => format!(
                        "{env}: {shown} `{name}` exists only here: not merged; the {env} \
                         rendering will lack it"
                    ),
                };
                out.push(NotMerged {
                    kind: kind.clone(),
                    name: name.clone(),
                    message,
                });
            }
        }
    }
    for k in have.keys() {
        if want.contains_key(k) || explained.contains(&k) {
            continue;
        }
        let (kind, _, name) = k;
        out.push(NotMerged {
            kind: kind.clone(),
            name: name.clone(),
            message: format!(
                "{env}: {} `{name}` is not in this input, but the design has it: the {env} \
                 rendering will add it",
                shown_kind(kind)
            ),
        });
    }
    out
}

/// A kind as the report writes it.
fn shown_kind(kind: &str) -> &str {
    match kind {
        "HorizontalPodAutoscaler" => "HPA",
        "PodDisruptionBudget" => "PDB",
        other => other,
    }
}

/// The name a generator gave a hash suffix to (`parcel-config-5k8h2mtdg4` ->
/// `parcel-config`): kustomize appends `-` and ten characters of its alphabet (no vowels,
/// no `0 1 3 a e i o u l`).
fn generated_stem(name: &str) -> Option<&str> {
    let (stem, suffix) = name.rsplit_once('-')?;
    let alphabet = "bcdfghjkmnpqrstvwxz2456789";
    (!stem.is_empty() && suffix.len() == 10 && suffix.chars().all(|c| alphabet.contains(c)))
        .then_some(stem)
}

/// The changes between the rendering and the input, in plain words.
/// How [`changes`] says each one.
#[derive(Clone, Copy)]
enum Said {
    /// What the rendering will have, then the input's value: for what is not merged.
    Rendered,
    /// The input's value, kept, then what the design renders: for what is kept.
    Kept,
}

fn changes(r: &Residual, said: Said) -> String {
    let shown = |v: Option<&Value>| match v {
        None => "nothing".to_string(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => {
            let text = v.to_string();
            match text.char_indices().nth(MAX_VALUE_SHOWN) {
                Some((cut, _)) => format!("`{}…`", &text[..cut]),
                None => format!("`{text}`"),
            }
        }
    };
    let mut all = Vec::new();
    for c in &r.0 {
        match &c.order {
            Some(order) => all.push(format!(
                "another order at `{}` (here: {})",
                c.at.readable(),
                order.join(", ")
            )),
            None => {
                let mut leaves = Vec::new();
                let at = if c.at.0.is_empty() {
                    String::new()
                } else {
                    c.at.readable()
                };
                differing_leaves(at, c.was.as_ref(), c.now.as_ref(), &mut leaves);
                all.extend(leaves.into_iter().map(|(at, was, now)| {
                    let at = if at.is_empty() {
                        "the whole object".into()
                    } else {
                        at
                    };
                    match said {
                        Said::Rendered => {
                            format!("{} at `{at}` (here: {})", shown(was), shown(now))
                        }
                        Said::Kept => {
                            format!("{} at `{at}` (the design: {})", shown(now), shown(was))
                        }
                    }
                }));
            }
        }
    }
    let more = all.len().saturating_sub(MAX_CHANGES_LISTED);
    all.truncate(MAX_CHANGES_LISTED);
    if more > 0 {
        all.push(format!("{more} more"));
    }
    all.join("; ")
}

/// Where `was` and `now` differ below `at`, leaf by leaf: maps member by member, and
/// lists of one length item by item, so that a list the residual keeps whole (one
/// without item keys, a StatefulSet's `volumeClaimTemplates`) is reported at the one
/// size that differs, not as two copies of the list.
fn differing_leaves<'a>(
    at: String,
    was: Option<&'a Value>,
    now: Option<&'a Value>,
    out: &mut Vec<(String, Option<&'a Value>, Option<&'a Value>)>,
) {
    match (was, now) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let members = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for k in members {
                let (x, y) = (a.get(k), b.get(k));
                if x != y {
                    let mut at = at.clone();
                    crate::residual::push_member(&mut at, k);
                    differing_leaves(at, x, y, out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if x != y {
                    differing_leaves(format!("{at}[{i}]"), Some(x), Some(y), out);
                }
            }
        }
        _ => out.push((at, was, now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_from_names() {
        assert_eq!(tier_of("prod"), Tier::Prod);
        assert_eq!(tier_of("production"), Tier::Prod);
        assert_eq!(tier_of("preprod"), Tier::Staging);
        assert_eq!(tier_of("staging"), Tier::Staging);
        assert_eq!(tier_of("dev"), Tier::Dev);
        assert_eq!(tier_of("eu-west"), Tier::Staging);
    }

    #[test]
    fn hash_suffixes_are_told_apart_from_names() {
        assert_eq!(
            generated_stem("parcel-config-5k8h2mtdg4"),
            Some("parcel-config")
        );
        assert_eq!(generated_stem("parcel-config"), None);
        assert_eq!(generated_stem("web-deployment"), None);
    }
}
