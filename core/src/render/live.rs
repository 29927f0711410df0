//! The YAML of one environment, kept up to date edit by edit: what the page shows after
//! every keystroke.
//!
//! [`render`](super::render) renders every object of the environment again. Most edits
//! change one service, and a service's objects depend on nothing but the service (as
//! the environment deploys it) and a small part of the design, its [`Scope`]. So
//! [`LiveYaml`] keeps each service's documents with the service they came from, and
//! renders and serializes again only the services that changed; everything is
//! rendered again when the scope changed. A service whose Gateway route names Services
//! (perhaps other services', whose ports it reads) is rendered every time. The environment's own objects (Namespace,
//! ConfigMaps, NetworkPolicies, objects kept from an import) depend on all services and
//! are rendered every time, and serialized again only when they changed.
//!
//! The documents are those of [`render`](super::render), in the same order, text for
//! text (property-tested in `core/tests/live_yaml.rs`).

use super::{apply_order, ApplyOrder, Object, Renderer};
use crate::model::{deployed, effective, Design, Environment, Service, ServiceId};
use std::collections::HashMap;
use std::sync::Arc;

/// One object's YAML, where it goes in the bundle and its key ([`Object::key`]).
struct Doc {
    order: ApplyOrder,
    kind: String,
    name: String,
    yaml: Arc<str>,
}

impl Doc {
    fn new(o: &Object, yaml: Arc<str>) -> Doc {
        let (kind, name) = o.key();
        Doc {
            order: apply_order(o),
            kind,
            name,
            yaml,
        }
    }
}

/// A service's documents and the service (as designed, before the environment's
/// override) they were rendered from.
struct Rendered {
    service: Service,
    docs: Vec<Doc>,
}

/// Keeps an environment's documents between edits; see the module documentation.
#[derive(Default)]
pub struct LiveYaml {
    /// What the services were rendered with: see [`scope_of`].
    scope: Option<Design>,
    services: HashMap<ServiceId, Rendered>,
    /// The environment's own objects, by key, with their YAML.
    shared: HashMap<(String, String), (Object, Arc<str>)>,
    rendered: usize,
}

impl LiveYaml {
    /// `(kind, name, yaml)` of every object of environment `env_name`, as
    /// [`Bundle::documents`](super::Bundle::documents) of [`render`](super::render) gives
    /// them.
    pub fn documents(
        &mut self,
        design: &Design,
        env_name: &str,
    ) -> Vec<(String, String, Arc<str>)> {
        self.rendered = 0;
        let Some(env) = design.environment(env_name) else {
            *self = LiveYaml::default();
            return Vec::new();
        };
        if !self
            .scope
            .as_ref()
            .is_some_and(|scope| same_scope(scope, design, env))
        {
            self.scope = Some(scope_of(design, env));
            self.services.clear();
        }
        let services = deployed(design, env);
        let (before, after) = Renderer { design, env }.environment_objects(&services);
        let before = self.shared_docs(before);
        let after = self.shared_docs(after);
        let scope = self.scope.as_ref().expect("set above");

        // Services render from the scope alone, never from the whole design, so what
        // they may read is what the scope compares. The exception is a service whose
        // route names Services, perhaps other services': rendered from the whole design
        // every time.
        let in_scope = Renderer {
            design: scope,
            env: &scope.environments[0],
        };
        let whole = Renderer { design, env };
        let mut kept = HashMap::with_capacity(services.len());
        for s in design.services.iter().filter(|s| env.deploys(s.id)) {
            let alone = !s
                .exposure
                .gateway_route
                .as_ref()
                .is_some_and(crate::routes::names_services);
            let rendered = match self.services.remove(&s.id) {
                Some(old) if alone && old.service == *s => old,
                _ => {
                    self.rendered += 1;
                    let r = if alone { &in_scope } else { &whole };
                    let docs = r
                        .service_objects(&effective(s, env))
                        .iter()
                        .map(|o| Doc::new(o, Arc::from(crate::yaml::to_doc(o))))
                        .collect();
                    Rendered {
                        service: s.clone(),
                        docs,
                    }
                }
            };
            kept.insert(s.id, rendered);
        }
        self.services = kept;

        // The order `render` puts them in before its stable sort: the environment's
        // first objects, each service's in design order, then the rest.
        let mut all: Vec<&Doc> = before.iter().collect();
        for s in design.services.iter().filter(|s| env.deploys(s.id)) {
            all.extend(&self.services[&s.id].docs);
        }
        all.extend(&after);
        all.sort_by(|a, b| a.order.cmp(&b.order));
        all.into_iter()
            .map(|d| (d.kind.clone(), d.name.clone(), d.yaml.clone()))
            .collect()
    }

    /// How many services the last [`LiveYaml::documents`] rendered (the others' documents
    /// were reused).
    pub fn services_rendered(&self) -> usize {
        self.rendered
    }

    /// Documents of the environment's own objects, serializing only those that changed.
    fn shared_docs(&mut self, objects: Vec<Object>) -> Vec<Doc> {
        let mut out = Vec::with_capacity(objects.len());
        for o in objects {
            let key = o.key();
            let yaml = match self.shared.remove(&key) {
                Some((old, yaml)) if old == o => yaml,
                _ => Arc::from(crate::yaml::to_doc(&o)),
            };
            out.push(Doc::new(&o, yaml.clone()));
            self.shared.insert(key, (o, yaml));
        }
        out
    }
}

/// The part of `design` a service's objects are rendered from, besides the service: the
/// design with environment `env` alone and without services, edges or kept objects.
fn scope_of(design: &Design, env: &Environment) -> Design {
    // Every field is named, so a new one must be placed on one side or the other.
    let Design {
        format_version,
        name,
        target,
        cluster,
        environments: _,
        services: _,
        config_maps,
        secrets,
        edges: _,
        extra_objects: _,
        pinned_objects: _,
        next_id,
        gitops,
    } = design;
    Design {
        format_version: *format_version,
        name: name.clone(),
        target: *target,
        cluster: cluster.clone(),
        environments: vec![env.clone()],
        services: Vec::new(),
        config_maps: config_maps.clone(),
        secrets: secrets.clone(),
        edges: Vec::new(),
        extra_objects: Vec::new(),
        pinned_objects: Vec::new(),
        next_id: *next_id,
        gitops: gitops.clone(),
    }
}

/// Whether [`scope_of`] `design` and `env` would equal `scope`, without building it.
fn same_scope(scope: &Design, design: &Design, env: &Environment) -> bool {
    let Design {
        format_version,
        name,
        target,
        cluster,
        environments: _,
        services: _,
        config_maps,
        secrets,
        edges: _,
        extra_objects: _,
        pinned_objects: _,
        next_id: _,
        gitops,
    } = design;
    scope.format_version == *format_version
        && scope.name == *name
        && scope.target == *target
        && scope.cluster == *cluster
        && scope.config_maps == *config_maps
        && scope.secrets == *secrets
        && scope.gitops == *gitops
        && scope.environments.first() == Some(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_serializes_again_only_the_objects_of_its_service() {
        let mut d = crate::templates::miniredis();
        let mut live = LiveYaml::default();
        let first = live.documents(&d, "prod");
        let backend = d.services[2].name.clone();
        d.services[2].timing.grace_period_seconds = 99;
        let second = live.documents(&d, "prod");
        assert_eq!(first.len(), second.len());
        let changed: Vec<String> = first
            .iter()
            .zip(&second)
            .filter(|(a, b)| !Arc::ptr_eq(&a.2, &b.2))
            .map(|(_, b)| format!("{}/{}", b.0, b.1))
            .collect();
        assert!(
            changed.contains(&format!("Rollout/{backend}")),
            "{changed:?}"
        );
        // The others' objects and the environment's own (NetworkPolicies, the
        // Namespace, ConfigMaps) keep their text as it was.
        assert!(
            changed.iter().all(|c| c.contains(&format!("/{backend}"))),
            "{changed:?}"
        );
        assert!(second
            .iter()
            .any(|(_, _, y)| y.contains("terminationGracePeriodSeconds: 99")));
    }
}
