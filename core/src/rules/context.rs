//! What every family of checks shares: the context findings are reported to, the paths
//! they point at, and how fixes are made.

use super::{Finding, Fix, Rule, Severity};
use crate::edit::{Edit, FieldPath};
use crate::model::*;
use crate::render::Bundle;

/// What the checks share: the design, the environment, and the findings so far.
pub(super) struct Ctx<'a> {
    pub(super) design: &'a Design,
    pub(super) env: &'a Environment,
    /// The environment's rendered objects, indexed for resolving references.
    pub(super) rendered: &'a super::rendered::Index<'a>,
    pub(super) out: Vec<Finding>,
    /// The environment as rendered; empty when the design keeps nothing from an import
    /// (`references::needed`), since the model then says everything about it.
    pub(super) bundle: &'a Bundle,
}

impl Ctx<'_> {
    /// The objects `render` writes for this environment, kept details and kept objects
    /// included: checks about what is applied read these, so check and render read the
    /// same objects. Rendered once per validation, and only for a design that keeps
    /// something from an import: ask only after [`Ctx::keeps_anything`].
    pub(super) fn rendered(&self) -> &Bundle {
        self.bundle
    }

    /// Whether the rendering of `s` may differ from what its model says: it has kept
    /// details, or the design has objects kept whole. When not, checks may read the
    /// model and skip rendering.
    pub(super) fn keeps_anything(&self, s: &Service) -> bool {
        s.keeps_any(self.env) || self.design.kept_in(self.env).next().is_some()
    }

    /// The rendered workload of `s` (its Deployment, Rollout, StatefulSet, ...), as JSON.
    pub(super) fn rendered_workload(&self, s: &Service) -> Option<serde_json::Value> {
        let kind = crate::render::workload_kind(s);
        self.rendered()
            .objects
            .iter()
            .find(|o| o.kind() == kind && o.name() == crate::naming::own(&s.name))
            .map(|o| o.to_json())
    }

    /// Record a finding of `rule` and return it, so a fix or severity can be set.
    pub(super) fn report(
        &mut self,
        rule: &'static Rule,
        service: Option<&Service>,
        path: FieldPath,
        message: String,
    ) -> &mut Finding {
        let mut severity = rule.severity;
        if rule.relaxed_in_dev && self.env.tier == Tier::Dev && severity == Severity::Warning {
            severity = Severity::Info;
        }
        self.out.push(Finding {
            code: rule.code,
            rule: rule.name,
            severity,
            env: self.env.name.clone(),
            service: service.map(|s| s.name.clone()),
            path,
            message,
            fix: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    /// The path of a field an environment may override: the override when it or the
    /// field it is checked against (a request's limit, an HPA's other bound) is set
    /// here, the service's own field otherwise. So a fix of a finding an override
    /// caused changes this environment only, not the service everywhere, prod included.
    pub(super) fn overridable(&self, s: &Service, field: OverridableField) -> FieldPath {
        let o = self.env.overrides.get(&s.id);
        let (set, env_ptr, svc_ptr) = match field {
            OverridableField::ImageTag => (
                o.and_then(|o| o.image_tag.as_ref()).is_some(),
                "image_tag",
                "/tag",
            ),
            OverridableField::HpaMin => (
                o.is_some_and(|o| o.hpa_min.is_some() || o.hpa_max.is_some()),
                "hpa_min",
                "/scaling/hpa/min",
            ),
            OverridableField::HpaMax => (
                o.is_some_and(|o| o.hpa_min.is_some() || o.hpa_max.is_some()),
                "hpa_max",
                "/scaling/hpa/max",
            ),
            // Where this environment switches the service's HPA off, the replicas are
            // this environment's count (elsewhere the HPA's).
            OverridableField::Replicas => (
                o.is_some_and(|o| o.replicas.is_some() || o.hpa == Some(false)),
                "replicas",
                "/scaling/replicas",
            ),
            // Where this environment switches the service's budget off, the switch is
            // what takes it away here.
            OverridableField::Pdb => (
                o.is_some_and(|o| o.pdb == Some(false)),
                "pdb",
                "/scaling/pdb",
            ),
            // The budget is checked against the replicas: where this environment sets
            // those, a fix of the budget is this environment's too.
            OverridableField::PdbBudget => (
                o.is_some_and(|o| {
                    o.pdb_budget.is_some()
                        || o.replicas.is_some()
                        || o.hpa_min.is_some()
                        || o.hpa == Some(false)
                }),
                "pdb_budget",
                "/scaling/pdb",
            ),
            OverridableField::Strategy => (
                o.and_then(|o| o.strategy).is_some(),
                "strategy",
                "/delivery/strategy",
            ),
            OverridableField::Resource(name) => {
                let partner = match name {
                    "cpu_request" => "cpu_limit",
                    "cpu_limit" => "cpu_request",
                    "memory_request" => "memory_limit",
                    _ => "memory_request",
                };
                let set = o.and_then(|o| o.resources.as_ref()).is_some_and(|r| {
                    resource_field(r, name).is_some() || resource_field(r, partner).is_some()
                });
                return if set {
                    FieldPath::environment(
                        &self.env.name,
                        &format!("/overrides/{}/resources/{name}", s.id.0),
                    )
                } else {
                    FieldPath::service(s.id, &format!("/resources/{name}"))
                };
            }
        };
        if set {
            FieldPath::environment(&self.env.name, &format!("/overrides/{}/{env_ptr}", s.id.0))
        } else {
            FieldPath::service(s.id, svc_ptr)
        }
    }
}

/// A field that environments may override.
#[derive(Clone, Copy)]
pub(super) enum OverridableField {
    ImageTag,
    HpaMin,
    HpaMax,
    Replicas,
    Pdb,
    PdbBudget,
    Strategy,
    Resource(&'static str),
}

/// One of the four resource fields by its serialized name.
fn resource_field<'r>(r: &'r Resources, name: &str) -> Option<&'r String> {
    match name {
        "cpu_request" => r.cpu_request.as_ref(),
        "memory_request" => r.memory_request.as_ref(),
        "cpu_limit" => r.cpu_limit.as_ref(),
        "memory_limit" => r.memory_limit.as_ref(),
        _ => None,
    }
}

/// A fix that sets one field.
pub(super) fn set_fix(label: String, path: FieldPath, value: serde_json::Value) -> Option<Fix> {
    Some(Fix {
        label,
        edit: Edit::Set { path, value },
    })
}

/// A fix that applies several edits as one step.
pub(super) fn batch_fix(label: String, edits: Vec<Edit>) -> Option<Fix> {
    Some(Fix {
        label,
        edit: Edit::Batch(edits),
    })
}

/// The path of a field of the service itself.
pub(super) fn svc(s: &Service, pointer: &str) -> FieldPath {
    FieldPath::service(s.id, pointer)
}

/// The edit that sets one field.
pub(super) fn set(path: FieldPath, value: serde_json::Value) -> Edit {
    Edit::Set { path, value }
}

/// The field of key `key` of ConfigMap `cm` as environment `env` renders it: the
/// environment's own value when it has one, else the design's.
pub(super) fn config_key(env: &Environment, cm: &str, key: &str) -> FieldPath {
    if env.own_config_value(cm, key).is_some() {
        FieldPath::environment_config_value(&env.name, cm, key)
    } else {
        FieldPath::config_value(cm, key)
    }
}

/// The port lists of the Services a service gets, with the pointer of each list: its
/// own Service's (when it has one) and its load balancer's.
pub(super) fn service_port_lists(s: &Service) -> Vec<(&'static str, &[ServicePort])> {
    let mut lists = Vec::new();
    if s.exposure.service != ServiceKind::None {
        lists.push(("/exposure/ports", s.exposure.ports.as_slice()));
    }
    let lb = s.exposure.load_balancer.as_ref();
    lists.push((
        "/exposure/load_balancer/ports",
        lb.map_or(&[][..], |l| l.ports.as_slice()),
    ));
    lists
}
