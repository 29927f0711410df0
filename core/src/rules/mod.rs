//! Live validation: `validate(design, env) -> Vec<Finding>`. It never fails: a broken
//! design still gets all the findings that can be computed.
//!
//! Every rule is a [`Rule`] in [`catalog`] with a stable code, a snake_case name and its
//! documentation. The checks live in one file per family, named after the [`Category`]
//! their rules have and holding only those rules: `timing` (KP1xx), `scaling` (KP2xx),
//! `wiring` (KP3xx), `names` (KP4xx), `resources` (KP5xx), `security` (KP6xx),
//! `references` (KP710 and up, over the rendered objects, kept ones included), `batch`
//! (KP8xx: Jobs, CronJobs and DaemonSets), `images` (KP9xx: image references, and what
//! known images need); their
//! fixtures sit in files of the same names in `core/tests/rules/`. `context` holds what
//! the families share. Checks read the effective service (the environment's overrides
//! applied); a finding points at the exact field ([`FieldPath`]) and may carry a
//! one-click [`Fix`].

mod batch;
pub mod catalog;
mod context;
mod images;
mod names;
mod references;
mod rendered;
mod resources;
mod scaling;
mod security;
mod timing;
mod wiring;

pub(crate) use rendered::cluster_scoped;
pub(crate) use security::looks_secret;

use crate::edit::{Edit, FieldPath, Target};
use crate::model::*;
use crate::render::{render, Bundle};
use context::Ctx;
use serde::Serialize;
use std::fmt;

pub use catalog::RULES;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The API server would reject it, or it breaks at run time.
    Error,
    /// It works, but risks an outage or weakens security.
    Warning,
    /// Worth knowing.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Shutdown, probes, rollouts, autoscaler behaviour.
    Timing,
    /// Replicas, HPA, PDB, spreading, environment strategy.
    Scaling,
    /// Ports, references, edges, object names within a namespace.
    Wiring,
    /// The API server's name rules.
    Names,
    /// Requests and limits.
    Resources,
    /// Pod and container hardening.
    Security,
    /// References between objects, kept objects included.
    References,
    /// Jobs, CronJobs and DaemonSets: schedules, deadlines, retries, clean-up, and
    /// rollouts counted in nodes.
    Batch,
    /// Image references, and what known images need (`crate::images`).
    Images,
}

/// A rule: what its findings are called and how severe they are. Its documentation is
/// [`Rule::doc`].
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `KP102`.
    pub code: &'static str,
    /// Stable snake_case name.
    pub name: &'static str,
    /// What the rule is about.
    pub category: Category,
    /// Severity of its findings (checks may lower it where the doc says so).
    pub severity: Severity,
    /// In a dev environment, this rule's warnings are only info.
    pub relaxed_in_dev: bool,
}

/// A rule's documentation (`docs/rules.md`, `kubeprint rules`).
#[derive(Debug)]
pub struct Doc {
    /// What it checks.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A design fragment that fails it.
    pub bad: &'static str,
    /// What to do instead.
    pub instead: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
}

impl Rule {
    /// This rule's documentation.
    pub fn doc(&self) -> &'static Doc {
        let at = RULES
            .iter()
            .position(|r| r.code == self.code)
            .expect("every rule is in RULES");
        &catalog::DOCS[at]
    }
}

/// A fix the user can apply with one click.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    /// What the button says.
    pub label: String,
    /// What it does.
    pub edit: Edit,
}

impl Fix {
    /// Run service `s` in environment `env`, which leaves it out.
    pub(crate) fn deploy(s: &crate::model::Service, env: &crate::model::Environment) -> Fix {
        Fix {
            label: format!("Deploy `{}` in `{}`", s.name, env.name),
            edit: Edit::Set {
                path: crate::edit::FieldPath::environment(
                    &env.name,
                    &format!("/overrides/{}/enabled", s.id.0),
                ),
                value: true.into(),
            },
        }
    }
}

/// One problem found in one environment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Rule code.
    pub code: &'static str,
    /// Rule name.
    pub rule: &'static str,
    /// Severity in this environment.
    pub severity: Severity,
    /// The environment.
    pub env: String,
    /// The service's name, when the finding is about one.
    pub service: Option<String>,
    /// The field to change.
    pub path: FieldPath,
    /// What is wrong, with the numbers involved.
    pub message: String,
    /// A one-click fix, where one obviously exists.
    pub fix: Option<Fix>,
}

/// The dependency edges KP320 would ask for in environment `env_name` were it to deny by
/// default: one per call the configuration names with one caller and one port (the
/// edge of the finding's fix). The import reads its dependencies with it, so that what
/// counts as a call is said in one place.
pub(crate) fn edges_the_addresses_ask(design: &Design, env_name: &str) -> Vec<crate::model::Edge> {
    let mut denying = design.clone();
    let Some(env) = (denying.environments.iter_mut()).find(|e| e.name == env_name) else {
        return Vec::new();
    };
    env.default_deny = true;
    (address_findings(&denying, env_name).into_iter())
        .filter_map(|f| match f.fix?.edit {
            Edit::AddEdge(edge) => Some(edge),
            _ => None,
        })
        .collect()
}

/// The address rule's findings (KP320, KP321) of environment `env_name` alone.
fn address_findings(design: &Design, env_name: &str) -> Vec<Finding> {
    let Some(env) = design.environment(env_name) else {
        return Vec::new();
    };
    let bundle = Bundle::default();
    let rendered = rendered::Index::new(design, env, &bundle);
    let mut cx = Ctx {
        design,
        env,
        rendered: &rendered,
        out: Vec::new(),
        bundle: &bundle,
    };
    let deployed = crate::model::deployed(design, env);
    wiring::addresses::environment(&mut cx, &deployed);
    cx.out
}

/// The services whose configuration dials a service that `after` removed from
/// `before` (a delete): those with an address finding (KP321) in some environment of
/// `after` that `before` did not have, by name, in the design's order. A value several
/// services read (a ConfigMap) names each that runs there. Cheap when no value
/// mentions a removed service's names: the address rule then runs not at all.
pub fn left_dialing_nothing(before: &Design, after: &Design) -> Vec<String> {
    let names: Vec<&str> = (before.services.iter())
        .filter(|s| after.service(s.id).is_none())
        .flat_map(|s| [s.name.as_str(), s.service_name()])
        .collect();
    if names.is_empty() || !mentions(after, &names) {
        return Vec::new();
    }
    let unknown = |d: &Design, env: &str| -> Vec<(Option<String>, FieldPath)> {
        (address_findings(d, env).into_iter())
            .filter(|f| f.code == catalog::ADDRESS_UNKNOWN_SERVICE.code)
            .map(|f| (f.service, f.path))
            .collect()
    };
    let mut who: Vec<&str> = Vec::new();
    for env in &after.environments {
        let had: std::collections::HashSet<_> = unknown(before, &env.name).into_iter().collect();
        for (service, path) in unknown(after, &env.name) {
            if had.contains(&(service.clone(), path.clone())) {
                continue;
            }
            // Without a service, a ConfigMap's value several read: each reader counts.
            let config_map = match &path.target {
                Target::ConfigMap(cm) => Some(cm.clone()),
                Target::Environment(_) => (path.pointer.strip_prefix("/config_values/"))
                    .and_then(|rest| rest.split('/').next())
                    .map(|cm| cm.replace("~1", "/").replace("~0", "~")),
                _ => None,
            };
            let readers = (after.services.iter()).filter(|s| match (&service, &config_map) {
                (Some(name), _) => s.name == *name,
                (None, Some(cm)) => {
                    env.deploys(s.id) && crate::render::references(s, false).any(|r| r == cm)
                }
                (None, None) => false,
            });
            for s in readers {
                if !who.contains(&s.name.as_str()) {
                    who.push(&s.name);
                }
            }
        }
    }
    let order = |n: &&str| after.services.iter().position(|s| s.name == *n);
    who.sort_by_key(order);
    who.into_iter().map(str::to_string).collect()
}

/// Whether any value the address rule reads (a variable's literal, a command word, a
/// ConfigMap value, an environment's own values of either) holds one of `names`.
fn mentions(d: &Design, names: &[&str]) -> bool {
    let has = |text: &str| names.iter().any(|n| text.contains(n));
    let config =
        |c: &Config| (c.env.iter()).any(|e| matches!(&e.value, EnvValue::Literal(v) if has(v)));
    let service = |s: &Service| {
        config(&s.config)
            || (s.command.iter().chain(&s.args)).any(|w| has(w))
            || (s.containers.iter())
                .any(|c| config(&c.config) || (c.command.iter().chain(&c.args)).any(|w| has(w)))
    };
    let own_values = |e: &Environment| {
        (e.config_values.values()).any(|data| data.values().any(|v| has(v)))
            || (e.overrides.values()).any(|o| {
                o.env
                    .values()
                    .any(|v| matches!(v, VarHere::Value(v) if has(v)))
            })
    };
    d.services.iter().any(service)
        || (d.config_maps.iter()).any(|cm| cm.data.values().any(|v| has(v)))
        || d.environments.iter().any(own_values)
}

/// Every finding of one environment of a design, most severe first. Unknown
/// environments have none.
pub fn validate(design: &Design, env_name: &str) -> Vec<Finding> {
    LiveFindings::default().validate(design, env_name)
}

/// The findings of one environment, kept between edits: the page's, after every
/// keystroke. The checks of one service that read nothing but the service and its
/// scope (the design without its services, edges and kept objects: see
/// `render::live`), all but its name's fix and its edges, route backends and
/// reachability, run with the scope alone, and their findings are reused while the service and the scope stay
/// the same. The checks that read other services run every time. A design that keeps
/// something from an import is checked whole every time.
#[derive(Default)]
pub struct LiveFindings {
    scope: Option<Design>,
    deployed: crate::render::live::LiveDeployed,
    services: std::collections::HashMap<ServiceId, Vec<Finding>>,
    /// The order the last findings were put in.
    order: Vec<u32>,
    checked: usize,
}

impl LiveFindings {
    /// [`validate`], reusing what the last call found for the services that did not
    /// change.
    pub fn validate(&mut self, design: &Design, env_name: &str) -> Vec<Finding> {
        self.checked = 0;
        let Some(env) = design.environment(env_name) else {
            *self = LiveFindings::default();
            return Vec::new();
        };
        // The reference rules read what export writes: the rendered objects, kept ones
        // included. KP305 reads it too, for the references an import marked optional. A
        // design that keeps nothing from an import gives them nothing to find.
        let keeps = rendered::needed(design);
        let bundle = if keeps {
            render(design, env_name)
        } else {
            Bundle::default()
        };
        let rendered = rendered::Index::new(design, env, &bundle);
        let mut cx = Ctx {
            design,
            env,
            rendered: &rendered,
            out: Vec::new(),
            bundle: &bundle,
        };
        let reset = keeps
            || !self
                .scope
                .as_ref()
                .is_some_and(|scope| crate::render::live::same_scope(scope, design, env));
        let changed = self.deployed.update(design, env, reset);
        let deployed = self.deployed.services();
        names::environment(&mut cx);
        security::environment(&mut cx, deployed);
        wiring::environment(&mut cx, deployed);
        references::environment(&mut cx, &rendered, deployed);
        let peers = wiring::Peers::new(design, env, deployed);
        for s in deployed {
            names::service_names(&mut cx, s);
            wiring::between(&mut cx, s, &peers);
            // A design that keeps something from an import: its services' own checks
            // read the rendered objects too, so they run on the whole design.
            if keeps {
                self.checked += 1;
                own(&mut cx, s);
            }
        }
        let mut out = cx.out;
        if keeps {
            self.scope = None;
            self.services.clear();
        } else {
            if reset {
                self.scope = Some(crate::render::live::scope_of(design, env));
                self.services.clear();
            }
            let scope = self.scope.as_ref().expect("set above");
            let (env, empty) = (&scope.environments[0], Bundle::default());
            let rendered = rendered::Index::new(scope, env, &empty);
            let mut kept = std::collections::HashMap::with_capacity(deployed.len());
            for (s, changed) in deployed.iter().zip(changed) {
                let found = match self.services.remove(&s.id) {
                    Some(found) if !changed => found,
                    _ => {
                        self.checked += 1;
                        let mut cx = Ctx {
                            design: scope,
                            env,
                            rendered: &rendered,
                            out: Vec::new(),
                            bundle: &empty,
                        };
                        own(&mut cx, s);
                        cx.out
                    }
                };
                out.extend(found.iter().cloned());
                kept.insert(s.id, found);
            }
            self.services = kept;
        }
        point_at_variables_here(design, env, deployed, &mut out);
        // The sort is stable (`stable_order`, which starts from the last order): findings
        // of one rule with one message keep the order their family reported them in, so
        // reordering the checks of one rule changes the output. (One rule belongs to one
        // family, so the families' order does not.)
        crate::render::live::stable_order(&out, &mut self.order, |a, b| {
            (a.severity, &a.service, a.code, &a.message)
                .cmp(&(b.severity, &b.service, b.code, &b.message))
        });
        let mut out: Vec<Option<Finding>> = out.into_iter().map(Some).collect();
        self.order
            .iter()
            .map(|&i| out[i as usize].take().expect("a permutation"))
            .collect()
    }

    /// How many services' own checks the last [`LiveFindings::validate`] ran (the
    /// others' findings were reused).
    pub fn services_checked(&self) -> usize {
        self.checked
    }
}

/// Findings about a variable of a service's main container are made on the service as
/// it runs here (`deployed`, [`effective`]), whose variables this environment may give
/// values of its own, add or leave out. Each is pointed at the service's own variable,
/// or at this environment's value where it sets one (at the field of the key it reads,
/// for a finding about that key); a fix that would set the service's value sets this
/// environment's instead (a literal, or a key to read), and one that cannot is left
/// out, since the value here would still win.
fn point_at_variables_here(
    design: &Design,
    env: &Environment,
    deployed: &[Service],
    out: &mut [Finding],
) {
    for f in out {
        let Target::Service(id) = f.path.target else {
            continue;
        };
        let Some(o) = (env.overrides.get(&id)).filter(|o| !o.env.is_empty()) else {
            continue;
        };
        if !f.path.pointer.starts_with("/config/env/") {
            continue;
        }
        let (Some(base), Some(here)) = (design.service(id), deployed.iter().find(|s| s.id == id))
        else {
            continue;
        };
        let at = |path: &FieldPath| {
            (path.target == Target::Service(id))
                .then(|| variable_at(base, here, o, env, &path.pointer))
                .flatten()
        };
        if let Some(moved) = at(&f.path) {
            f.path = match &moved {
                VariableAt::Service(pointer) => FieldPath::service(id, pointer),
                VariableAt::Here(path, _) | VariableAt::HereField(path) => path.clone(),
            };
        }
        if let Some(fix) = &mut f.fix {
            if !redirect_fix(&mut fix.edit, &at) {
                f.fix = None;
            }
        }
    }
}

/// Where a variable of a service's main container is set, as [`variable_at`] finds it.
enum VariableAt {
    /// The service's own, at this pointer.
    Service(String),
    /// This environment's value, at this path; what the pointer named within the
    /// variable (`/value/literal`).
    Here(FieldPath, String),
    /// A field of the key this environment reads (its Secret's name, its key), at this
    /// path.
    HereField(FieldPath),
}

/// Where the variable `pointer` names (`/config/env/<i>...` of `here`, the service as it
/// runs in `env`) is set: `None` for another pointer.
fn variable_at(
    base: &Service,
    here: &Service,
    o: &Override,
    env: &Environment,
    pointer: &str,
) -> Option<VariableAt> {
    let rest = pointer.strip_prefix("/config/env/")?;
    let (index, within) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let index = index.parse::<usize>().ok()?;
    let name = &here.config.env.get(index)?.name;
    match o.env.get(name) {
        Some(here @ (VarHere::Value(_) | VarHere::Read(_))) => {
            let token = crate::edit::pointer_token(name);
            let at = format!("/overrides/{}/env/{token}", base.id.0);
            // Within a key read here (its Secret's name, its key): that field of this
            // environment's value.
            let inner = match here {
                VarHere::Read(from) => (within.strip_prefix("/value"))
                    .filter(|rest| rest.starts_with(&format!("/{}/", from.tag()))),
                _ => None,
            };
            Some(match inner {
                Some(rest) => {
                    VariableAt::HereField(FieldPath::environment(&env.name, &format!("{at}{rest}")))
                }
                None => {
                    VariableAt::Here(FieldPath::environment(&env.name, &at), within.to_string())
                }
            })
        }
        _ => {
            // (The same occurrence of the name, should it be there twice.)
            fn same_name<'v>(
                vars: &'v [EnvVar],
                name: &'v str,
            ) -> impl Iterator<Item = usize> + 'v {
                (vars.iter().enumerate())
                    .filter(move |(_, v)| v.name == name)
                    .map(|(i, _)| i)
            }
            let nth = same_name(&here.config.env, name).position(|i| i == index)?;
            let own = same_name(&base.config.env, name).nth(nth)?;
            Some(VariableAt::Service(format!("/config/env/{own}{within}")))
        }
    }
}

/// `edit` with the variables it sets pointed where [`variable_at`] says they are set;
/// `false` where it would set what a value of this environment's overrules.
fn redirect_fix(edit: &mut Edit, at: &impl Fn(&FieldPath) -> Option<VariableAt>) -> bool {
    match edit {
        Edit::Batch(edits) => edits.iter_mut().all(|e| redirect_fix(e, at)),
        Edit::Set { path, value } => match at(path) {
            None => true,
            Some(VariableAt::Service(pointer)) => {
                path.pointer = pointer;
                true
            }
            Some(VariableAt::HereField(here)) => {
                *path = here;
                true
            }
            Some(VariableAt::Here(here, within)) => {
                let here_value = match within.as_str() {
                    "/value/literal" => value.as_str().map(serde_json::Value::from),
                    // (A literal as the text, a key as itself.)
                    "/value" => (serde_json::from_value::<EnvValue>(value.clone()).ok())
                        .and_then(|v| serde_json::to_value(VarHere::read(v)).ok()),
                    _ => None,
                };
                let Some(here_value) = here_value else {
                    return false;
                };
                *path = here;
                *value = here_value;
                true
            }
        },
        _ => true,
    }
}

/// The checks of one service that read nothing but the service, the environment and
/// the design's settings and config.
fn own(cx: &mut Ctx, s: &Service) {
    wiring::service(cx, s);
    names::service(cx, s);
    security::service(cx, s);
    timing::service(cx, s);
    scaling::service(cx, s);
    resources::service(cx, s);
    batch::service(cx, s);
    images::service(cx, s);
}

/// Every finding of every environment.
pub fn validate_all(design: &Design) -> Vec<Finding> {
    design
        .environments
        .iter()
        .flat_map(|e| validate(design, &e.name))
        .collect()
}

/// The rule with this code or name.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code_or_name || r.name == code_or_name)
}

/// The QoS class Kubernetes gives a pod with these resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum QosClass {
    /// Requests equal limits for cpu and memory.
    Guaranteed,
    /// Some request or limit, not Guaranteed.
    Burstable,
    /// No requests or limits at all: evicted first.
    BestEffort,
}

/// The QoS class of a single-container pod with resources `r`. A limit without a
/// request counts as a request of the same value, as the API server defaults it.
pub fn qos_class(r: &Resources) -> QosClass {
    let cpu_req = r.cpu_request.as_ref().or(r.cpu_limit.as_ref());
    let mem_req = r.memory_request.as_ref().or(r.memory_limit.as_ref());
    if cpu_req.is_none() && mem_req.is_none() {
        return QosClass::BestEffort;
    }
    let same = |req: Option<&String>, lim: Option<&String>| match (req, lim) {
        (Some(a), Some(b)) => crate::quantity::parse(a) == crate::quantity::parse(b),
        _ => false,
    };
    if same(cpu_req, r.cpu_limit.as_ref()) && same(mem_req, r.memory_limit.as_ref()) {
        QosClass::Guaranteed
    } else {
        QosClass::Burstable
    }
}

/// The QoS class of a service's pods: Guaranteed when every container (init containers
/// and sidecars included) is, BestEffort when none has any request or limit, Burstable
/// otherwise (Kubernetes docs, "Pod Quality of Service Classes").
pub fn pod_qos_class(s: &Service) -> QosClass {
    let classes: Vec<QosClass> = std::iter::once(&s.resources)
        .chain(s.containers.iter().map(|c| &c.resources))
        .map(qos_class)
        .collect();
    if classes.iter().all(|c| *c == QosClass::Guaranteed) {
        QosClass::Guaranteed
    } else if classes.iter().all(|c| *c == QosClass::BestEffort) {
        QosClass::BestEffort
    } else {
        QosClass::Burstable
    }
}

/// The rule reference as one Markdown page (`docs/rules.md` is this, generated).
pub fn rules_markdown() -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "# Kubeprint rules\n\n\
         Generated by `kubeprint rules --markdown` from `core/src/rules/catalog.rs`; do not edit by hand.\n\n\
         Severity: **error** = the API server rejects it or it breaks at run time; **warning** = it works but \
         risks an outage or weakens security; **info** = worth knowing. Rules marked *relaxed in dev* report \
         warnings as info in environments of tier `dev`.\n\n\
         Notation: T = terminationGracePeriodSeconds, S = preStop sleep, A = the app's shutdown timeout, \
         E = endpoint-propagation delay, D = load-balancer deregistration delay, R = replicas (or the HPA's \
         minReplicas). A probe's budget is initialDelaySeconds + failureThreshold × periodSeconds.\n\n\
         | code | name | category | severity |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {:?} | {}{} |",
            r.code,
            r.code.to_lowercase(),
            r.name,
            r.category,
            r.severity,
            if r.relaxed_in_dev {
                " (relaxed in dev)"
            } else {
                ""
            }
        );
    }
    for r in RULES {
        let d = r.doc();
        let _ = write!(
            out,
            "\n## {}\n\n`{}` · {:?} · {}{}\n\n{}\n\n**Why:** {}\n\n**Fails:** {}\n\n**Instead:** {}\n\n**Source:** {}\n",
            r.code,
            r.name,
            r.category,
            r.severity,
            if r.relaxed_in_dev { " (relaxed in dev)" } else { "" },
            d.summary,
            d.why,
            d.bad,
            d.instead,
            d.source
        );
    }
    out
}
