//! The YAML of one environment, kept up to date edit by edit: what the page shows after
//! every keystroke.
//!
//! [`render`](super::render) renders every object of the environment again. Most edits
//! change one service, and a service's objects depend on nothing but the service (as
//! the environment deploys it) and a small part of the design, its [`Scope`]. So
//! [`LiveYaml`] keeps each service's documents with the service they came from, and
//! renders and serializes again only the services that changed; everything is
//! rendered again when the scope changed. A service whose Gateway route names Services
//! (perhaps other services', whose ports it reads) is rendered every time. A service's
//! allow policy under default-deny is rendered again when the service or its
//! allowance's inputs changed: which services its edges reach, on which ports, with
//! which pod selectors, and the Gateway's rule. The environment's other objects
//! (Namespace, ConfigMaps, the fixed policies, objects kept from an import) are
//! rendered every time, and serialized again only when they changed.
//!
//! The documents are those of [`render`](super::render), in the same order, text for
//! text (property-tested in `core/tests/live.rs`).

use super::network::{Allowance, AllowanceInputs};
use super::{apply_order, ApplyOrder, Object, Renderer};
use crate::model::{effective, Design, Environment, Service, ServiceId};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One object's document as the page shows it: its kind, its name (see [`Object::key`])
/// and its YAML. Shared, so that handing out unchanged documents copies nothing.
pub type Document = (Arc<str>, Arc<str>, Arc<str>);

/// Whether two lists of documents hold the same texts. Texts the live YAML handed out
/// unchanged are the same allocation and are not read; only those that were made again
/// are compared. (`==` on the lists compares every text byte by byte: at 1,000
/// services, megabytes per keystroke.)
pub fn same_documents(a: &[Document], b: &[Document]) -> bool {
    fn same(x: &Arc<str>, y: &Arc<str>) -> bool {
        Arc::ptr_eq(x, y) || x == y
    }
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| same(&x.0, &y.0) && same(&x.1, &y.1) && same(&x.2, &y.2))
}

/// An object's kind and name, as its [`Document`] holds them.
type Key = (Arc<str>, Arc<str>);

/// A rendered object, its document and where it goes in the bundle.
struct Doc {
    /// Boxed: an `Object` is 2.5 KB inline, and documents move between maps.
    object: Box<Object>,
    order: ApplyOrder,
    doc: Document,
}

impl Doc {
    /// `o`'s document, taking the YAML of `old` when that is the same object.
    fn new(o: Object, old: Option<Doc>) -> Doc {
        match old {
            Some(old) if *old.object == o => old,
            _ => {
                let (kind, name) = o.key();
                let yaml = crate::yaml::to_doc(&o);
                Doc {
                    order: apply_order(&o),
                    doc: (kind.into(), name.into(), yaml.into()),
                    object: Box::new(o),
                }
            }
        }
    }

    fn key(&self) -> Key {
        (self.doc.0.clone(), self.doc.1.clone())
    }
}

/// A service's allow policy and what its allowance read (`None`: other environments,
/// so rendered every time).
type Policy = (Option<AllowanceInputs>, Option<Doc>);

/// Keeps an environment's documents between edits; see the module documentation.
#[derive(Default)]
pub struct LiveYaml {
    /// What the services were rendered with: see [`scope_of`].
    scope: Option<Design>,
    deployed: LiveDeployed,
    /// Each deployed service's documents.
    services: HashMap<ServiceId, Vec<Doc>>,
    /// The environment's own objects, before the services' and after them, and those
    /// kept from an import (see `render::Shared`).
    shared: (Vec<Doc>, Vec<Doc>, Vec<Doc>),
    /// Each deployed service's allow policy, if it has one, with what it was rendered
    /// from.
    policies: HashMap<ServiceId, Policy>,
    /// Each deployed service's pod selector, as the others' policies name its pods.
    selectors: HashMap<ServiceId, super::Labels>,
    /// The order the last documents were put in: see [`stable_order`].
    order: Vec<u32>,
    rendered: usize,
    policies_rendered: usize,
}

impl LiveYaml {
    /// The documents of every object of environment `env_name`, as
    /// [`Bundle::documents`](super::Bundle::documents) of [`render`](super::render) gives
    /// them.
    pub fn documents(&mut self, design: &Design, env_name: &str) -> Vec<Document> {
        self.rendered = 0;
        self.policies_rendered = 0;
        let Some(env) = design.environment(env_name) else {
            *self = LiveYaml::default();
            return Vec::new();
        };
        let reset = !self
            .scope
            .as_ref()
            .is_some_and(|scope| same_scope(scope, design, env));
        if reset {
            self.scope = Some(scope_of(design, env));
            self.services.clear();
        }
        let changed = self.deployed.update(design, env, reset);
        let services = self.deployed.services();
        let whole = Renderer { design, env };
        let shared = whole.environment_objects(services);
        let (was_before, was_after, was_kept) = std::mem::take(&mut self.shared);
        // An object is usually where it was last time: matched by place first, by key
        // when that fails.
        let mut was: Vec<Option<Doc>> = (was_before.into_iter().chain(was_after))
            .chain(was_kept)
            .map(Some)
            .collect();
        let mut by_key: Option<HashMap<Key, usize>> = None;
        let mut place = 0;
        let mut docs = |objects: Vec<Object>| -> Vec<Doc> {
            objects
                .into_iter()
                .map(|o| {
                    let (kind, name) = o.key();
                    let here = was
                        .get(place)
                        .and_then(Option::as_ref)
                        .is_some_and(|d| *d.doc.0 == *kind && *d.doc.1 == *name);
                    let at = if here {
                        Some(place)
                    } else {
                        let keys = by_key.get_or_insert_with(|| {
                            was.iter()
                                .enumerate()
                                .filter_map(|(i, d)| Some((d.as_ref()?.key(), i)))
                                .collect()
                        });
                        keys.remove(&(Arc::from(kind), Arc::from(name)))
                    };
                    place += 1;
                    let old = at.and_then(|i| was[i].take());
                    Doc::new(o, old)
                })
                .collect()
        };
        self.shared = (docs(shared.before), docs(shared.after), docs(shared.kept));

        // Each service's allow policy, rendered again when the service changed or what
        // its allowance reads of the others did: which services are at the other end of
        // its edges, on which ports, the Gateway's rule (see `AllowanceInputs`), and
        // those services' pod selectors, which change with few edits (a rename).
        let mut moved = HashSet::new();
        for (s, _) in services
            .iter()
            .zip(&changed)
            .filter(|(_, &changed)| changed)
        {
            let selector = super::selector_of(s);
            if self.selectors.get(&s.id) != Some(&selector) {
                moved.insert(s.id);
                self.selectors.insert(s.id, selector);
            }
        }
        if self.selectors.len() != services.len() {
            let ids: HashSet<ServiceId> = services.iter().map(|s| s.id).collect();
            self.selectors.retain(|id, _| ids.contains(id));
        }
        let mut policies = HashMap::new();
        if let Some(mut allowances) = shared.allowances {
            policies.reserve(services.len());
            for (s, &changed) in services.iter().zip(&changed) {
                let allowance = allowances.remove(&s.id);
                let inputs = allowance
                    .as_ref()
                    .map_or_else(|| Some(AllowanceInputs::default()), Allowance::inputs);
                let old = self.policies.remove(&s.id);
                let same = |(was, _): &Policy| {
                    !changed
                        && inputs.is_some()
                        && *was == inputs
                        && inputs
                            .iter()
                            .flat_map(|i| i.peers())
                            .all(|p| !moved.contains(&p))
                };
                let policy = match old {
                    Some(old) if same(&old) => old,
                    old => {
                        self.policies_rendered += 1;
                        let old = old.and_then(|(_, doc)| doc);
                        let doc = (whole.allow_policy(s, allowance))
                            .map(|p| Doc::new(Object::NetworkPolicy(p), old));
                        (inputs, doc)
                    }
                };
                policies.insert(s.id, policy);
            }
        }
        self.policies = policies;
        let scope = self.scope.as_ref().expect("set above");

        // Services render from the scope alone, never from the whole design, so what
        // they may read is what the scope compares. The exception is a service whose
        // route names Services, perhaps other services': rendered from the whole design
        // every time.
        let in_scope = Renderer {
            design: scope,
            env: &scope.environments[0],
        };
        let mut kept = HashMap::with_capacity(services.len());
        for (s, changed) in services.iter().zip(changed) {
            let alone = !s
                .exposure
                .gateway_route
                .as_ref()
                .is_some_and(crate::routes::names_services);
            let docs = match self.services.remove(&s.id) {
                Some(docs) if alone && !changed => docs,
                old => {
                    self.rendered += 1;
                    let r = if alone { &in_scope } else { &whole };
                    // Objects that came out the same keep their YAML.
                    let mut before: HashMap<_, _> = old
                        .unwrap_or_default()
                        .into_iter()
                        .map(|d| (d.key(), d))
                        .collect();
                    r.service_objects(s)
                        .into_iter()
                        .map(|o| {
                            let (kind, name) = o.key();
                            let old = before.remove(&(Arc::from(kind), Arc::from(name)));
                            Doc::new(o, old)
                        })
                        .collect()
                }
            };
            kept.insert(s.id, docs);
        }
        self.services = kept;

        // The order `render` puts them in before its stable sort: the environment's
        // first objects, each service's in design order, then the rest.
        let mut all: Vec<&Doc> = self.shared.0.iter().collect();
        for s in self.deployed.services() {
            all.extend(&self.services[&s.id]);
        }
        all.extend(&self.shared.1);
        for s in self.deployed.services() {
            all.extend(self.policies.get(&s.id).and_then(|(_, doc)| doc.as_ref()));
        }
        all.extend(&self.shared.2);
        stable_order(&all, &mut self.order, |a, b| a.order.cmp(&b.order));
        self.order
            .iter()
            .map(|&i| all[i as usize].doc.clone())
            .collect()
    }

    /// The kinds and names of service `id`'s objects in the last
    /// [`LiveYaml::documents`], then the ConfigMaps only it reads (its config in all but
    /// name), its allow policy last; none for a service not deployed.
    pub fn service_objects(&self, id: ServiceId) -> Vec<(Arc<str>, Arc<str>)> {
        let own = self.services.get(&id).into_iter().flatten();
        let policy = self.policies.get(&id).and_then(|(_, doc)| doc.as_ref());
        own.chain(self.config_maps_only_read_by(id))
            .chain(policy)
            .map(|d| (d.doc.0.clone(), d.doc.1.clone()))
            .collect()
    }

    /// The documents of the ConfigMaps that service `id` reads and no other deployed
    /// service does (by its name, or by the name its data's hash gives it).
    fn config_maps_only_read_by(&self, id: ServiceId) -> Vec<&Doc> {
        let services = self.deployed.services();
        let Some(s) = services.iter().find(|s| s.id == id) else {
            return Vec::new();
        };
        let mut only: HashSet<&str> = super::references(s, false).collect();
        if only.is_empty() {
            return Vec::new();
        }
        for other in services.iter().filter(|t| t.id != id) {
            for name in super::references(other, false) {
                only.remove(name);
            }
        }
        let named = |rendered: &str| {
            (only.iter())
                .any(|n| *n == rendered || crate::naming::is_generated_config_map(n, rendered))
        };
        (self.shared.0.iter())
            .chain(&self.shared.1)
            .filter(|d| &*d.doc.0 == "ConfigMap" && named(&d.doc.1))
            .collect()
    }

    /// How many services the last [`LiveYaml::documents`] rendered (the others' documents
    /// were reused).
    pub fn services_rendered(&self) -> usize {
        self.rendered
    }

    /// How many services' allow policies (under default-deny) the last
    /// [`LiveYaml::documents`] rendered again.
    pub fn policies_rendered(&self) -> usize {
        self.policies_rendered
    }
}

/// Puts in `order` the permutation that sorts `items` stably by `cmp` (`items[order[0]]`
/// first), trying the permutation `order` holds first: after an edit it is almost always
/// still the one, and checking that takes one comparison per item where sorting takes
/// n log n. A permutation is the stable sort's exactly when every item is before the
/// next in it, or equal to it and earlier in `items`.
pub(crate) fn stable_order<T>(items: &[T], order: &mut Vec<u32>, cmp: impl Fn(&T, &T) -> Ordering) {
    let still = order.len() == items.len()
        && order.windows(2).all(
            |w| match cmp(&items[w[0] as usize], &items[w[1] as usize]) {
                Ordering::Less => true,
                Ordering::Equal => w[0] < w[1],
                Ordering::Greater => false,
            },
        );
    if !still {
        *order = crate::order::permutation(items.len(), &|a, b| cmp(&items[a], &items[b]));
    }
}

/// The services an environment deploys, as it deploys them ([`deployed`]), kept
/// between edits: only a service that changed is copied and overridden again.
#[derive(Default)]
pub(crate) struct LiveDeployed {
    /// Each deployed service as designed, and as deployed.
    raw: Vec<Service>,
    effective: Vec<Service>,
}

impl LiveDeployed {
    /// Brings the list up to date with `design` in `env`, all of it when `reset`, and
    /// says for each deployed service (in design order) whether it changed.
    pub(crate) fn update(&mut self, design: &Design, env: &Environment, reset: bool) -> Vec<bool> {
        let wanted = design.services.iter().filter(|s| env.deploys(s.id));
        let same_ids = !reset
            && wanted.clone().count() == self.raw.len()
            && wanted.clone().zip(&self.raw).all(|(a, b)| a.id == b.id);
        if same_ids {
            return wanted
                .zip(self.raw.iter_mut().zip(&mut self.effective))
                .map(|(s, (raw, eff))| {
                    let changed = *raw != *s;
                    if changed {
                        *raw = s.clone();
                        *eff = effective(s, env);
                    }
                    changed
                })
                .collect();
        }
        // Services were added, removed or moved: keep those that are the same by id.
        let mut old: HashMap<ServiceId, (Service, Service)> = if reset {
            HashMap::new()
        } else {
            std::mem::take(&mut self.raw)
                .into_iter()
                .zip(std::mem::take(&mut self.effective))
                .map(|(r, e)| (r.id, (r, e)))
                .collect()
        };
        let (mut raw, mut eff, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        for s in wanted {
            match old.remove(&s.id) {
                Some((r, e)) if r == *s => {
                    raw.push(r);
                    eff.push(e);
                    changed.push(false);
                }
                _ => {
                    raw.push(s.clone());
                    eff.push(effective(s, env));
                    changed.push(true);
                }
            }
        }
        (self.raw, self.effective) = (raw, eff);
        changed
    }

    /// The services as deployed, in design order.
    pub(crate) fn services(&self) -> &[Service] {
        &self.effective
    }
}

/// The part of `design` a service's objects are rendered from, besides the service: the
/// design with environment `env` alone and without services, edges or kept objects.
pub(crate) fn scope_of(design: &Design, env: &Environment) -> Design {
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
pub(crate) fn same_scope(scope: &Design, design: &Design, env: &Environment) -> bool {
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
    fn a_stale_order_is_sorted_again_and_a_good_one_kept() {
        let by_first = |a: &(u8, char), b: &(u8, char)| a.0.cmp(&b.0);
        let mut order = Vec::new();
        let items = [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        stable_order(&items, &mut order, by_first);
        // Stable: equal keys keep their order in `items`.
        assert_eq!(order, [1, 3, 0, 2]);
        // The same keys with other payloads: the order still sorts them.
        let items = [(2, 'w'), (1, 'x'), (2, 'y'), (1, 'z')];
        stable_order(&items, &mut order, by_first);
        assert_eq!(order, [1, 3, 0, 2]);
        // One key moved: sorted again.
        let items = [(0, 'w'), (1, 'x'), (2, 'y'), (1, 'z')];
        stable_order(&items, &mut order, by_first);
        assert_eq!(order, [0, 1, 3, 2]);
        // Two equal keys swapped places in `items`: ties go by position again, so an
        // order that is sorted but breaks a tie the other way is not kept.
        let items = [(1, 'a'), (1, 'b')];
        let mut order = vec![1, 0];
        stable_order(&items, &mut order, by_first);
        assert_eq!(order, [0, 1]);
        // One item more: sorted again.
        let items = [(1, 'a'), (1, 'b'), (0, 'c')];
        stable_order(&items, &mut order, by_first);
        assert_eq!(order, [2, 0, 1]);
    }

    #[test]
    fn a_services_objects_are_its_own_documents_and_its_allow_policy() {
        let mut design = crate::templates::miniredis();
        let env = "prod";
        let prod = design
            .environments
            .iter_mut()
            .find(|e| e.name == env)
            .unwrap();
        prod.default_deny = true;
        let mut live = LiveYaml::default();
        let docs = live.documents(&design, env);
        let all: HashSet<(Arc<str>, Arc<str>)> = docs
            .iter()
            .map(|(k, n, _)| (k.clone(), n.clone()))
            .collect();
        let mut seen = HashSet::new();
        let prod = design.environment(env).unwrap().clone();
        for s in &design.services {
            let own = live.service_objects(s.id);
            if !prod.deploys(s.id) {
                assert!(own.is_empty(), "{} does not run in {env}: {own:?}", s.name);
                continue;
            }
            assert!(
                own.iter().any(|(_, n)| **n == *s.name),
                "{}: {own:?}",
                s.name
            );
            for o in own {
                assert!(all.contains(&o), "{o:?} is not a document");
                assert!(seen.insert(o.clone()), "{o:?} belongs to two services");
            }
        }
        assert!(
            seen.iter().any(|(k, _)| &**k == "NetworkPolicy"),
            "the allow policies: {seen:?}"
        );
        // The environment's own objects belong to no service.
        assert!(seen.len() < all.len());
        assert!(live.service_objects(ServiceId(u32::MAX)).is_empty());
    }

    #[test]
    fn an_imported_services_objects_follow_an_edit_and_kept_objects_belong_to_none() {
        use crate::edit::{Edit, FieldPath};
        let mut design =
            crate::import::kubernetes(include_str!("../../tests/manifests/shop-mixed.yaml")).design;
        assert!(
            !design.extra_objects.is_empty(),
            "the file keeps objects whole"
        );
        let env = design.environments[0].name.clone();
        let id = design.services[0].id;
        let old = design.services[0].name.clone();
        let mut live = LiveYaml::default();
        for round in 0..2 {
            let docs = live.documents(&design, &env);
            let all: HashSet<(Arc<str>, Arc<str>)> = docs
                .iter()
                .map(|(k, n, _)| (k.clone(), n.clone()))
                .collect();
            let mut owned = HashSet::new();
            for s in &design.services {
                for o in live.service_objects(s.id) {
                    assert!(all.contains(&o), "round {round}: {o:?} is not a document");
                    assert!(owned.insert(o.clone()), "round {round}: {o:?} twice");
                }
            }
            for kept in &design.extra_objects {
                let key: (Arc<str>, Arc<str>) = (kept.kind().into(), kept.name().into());
                assert!(all.contains(&key) && !owned.contains(&key), "{key:?}");
            }
            let name = design.services[0].name.clone();
            let own = live.service_objects(id);
            assert!(
                own.iter().any(|(_, n)| **n == *name),
                "round {round}: {own:?}"
            );
            if round == 0 {
                design
                    .apply(Edit::Set {
                        path: FieldPath::service(id, "/name"),
                        value: serde_json::json!("renamed-service"),
                    })
                    .unwrap();
            } else {
                assert!(own.iter().all(|(_, n)| **n != *old), "{own:?}");
            }
        }
    }

    #[test]
    fn documents_are_the_same_when_their_texts_are_wherever_they_live() {
        let doc = |k: &str, n: &str, y: &str| -> Document { (k.into(), n.into(), y.into()) };
        let a = vec![
            doc("Service", "api", "kind: Service\n"),
            doc("Deployment", "api", "replicas: 2\n"),
        ];
        // Shared texts, and equal texts made again.
        assert!(same_documents(&a, &a.clone()));
        let made_again = vec![doc("Service", "api", "kind: Service\n"), a[1].clone()];
        assert!(same_documents(&a, &made_again));
        // One text, one name or one kind differs; one document more or fewer.
        for changed in [
            vec![a[0].clone(), doc("Deployment", "api", "replicas: 3\n")],
            vec![a[0].clone(), doc("Deployment", "web", "replicas: 2\n")],
            vec![a[0].clone(), doc("StatefulSet", "api", "replicas: 2\n")],
            vec![a[0].clone()],
            vec![a[0].clone(), a[1].clone(), a[1].clone()],
        ] {
            assert!(!same_documents(&a, &changed), "{changed:?}");
            assert!(!same_documents(&changed, &a), "{changed:?}");
        }
    }

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
        // Its other objects (Service, HPA, PDB, monitors), the other services' and the
        // environment's own (NetworkPolicies, the Namespace, ConfigMaps) keep their text.
        assert_eq!(changed, [format!("Rollout/{backend}")]);
        assert!(second
            .iter()
            .any(|(_, _, y)| y.contains("terminationGracePeriodSeconds: 99")));
    }
}
