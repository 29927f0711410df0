//! The only way a design changes: [`Design::apply`] with an [`Edit`].
//!
//! Field edits are addressed by a [`FieldPath`]: a stable target (the design, a service
//! by id, an environment by name, ...) and a JSON pointer into that target's serialized
//! form. The same path type names the field a finding is about, so the UI can focus it
//! and a one-click fix is just an [`Edit::Set`].

use crate::model::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The object a [`FieldPath`] starts from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// The design's own settings (name, target version, cluster).
    Design,
    /// A service, by id.
    Service(ServiceId),
    /// An environment, by name.
    Environment(String),
    /// A ConfigMap, by name.
    ConfigMap(String),
    /// A Secret, by name.
    Secret(String),
    /// An object kept whole from an import, as it renders: its kind, its namespace
    /// (`None` for a cluster-wide object) and name. Read-only: `get` reads its JSON,
    /// `Edit::Set` refuses it.
    Object {
        /// Its `kind`.
        kind: String,
        /// Its namespace as rendered, if it has one.
        namespace: Option<String>,
        /// Its name.
        name: String,
    },
}

/// A field of the design: a target and a JSON pointer (RFC 6901) inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldPath {
    /// Where the pointer starts.
    pub target: Target,
    /// e.g. `/timing/grace_period_seconds`; empty for the whole target.
    pub pointer: String,
}

impl FieldPath {
    /// A field of a service.
    pub fn service(id: ServiceId, pointer: &str) -> Self {
        FieldPath {
            target: Target::Service(id),
            pointer: pointer.into(),
        }
    }

    /// A field of an environment.
    pub fn environment(name: &str, pointer: &str) -> Self {
        FieldPath {
            target: Target::Environment(name.into()),
            pointer: pointer.into(),
        }
    }

    /// A field of the design's own settings.
    pub fn design(pointer: &str) -> Self {
        FieldPath {
            target: Target::Design,
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::Design => write!(f, "design{}", self.pointer),
            Target::Service(id) => write!(f, "services/{id}{}", self.pointer),
            Target::Environment(e) => write!(f, "environments/{e}{}", self.pointer),
            Target::ConfigMap(c) => write!(f, "config_maps/{c}{}", self.pointer),
            Target::Secret(s) => write!(f, "secrets/{s}{}", self.pointer),
            // `-` stands for "no namespace": it is no namespace name, so the path reads
            // back as it was written.
            Target::Object {
                kind,
                namespace,
                name,
            } => write!(
                f,
                "objects/{kind}/{}/{name}{}",
                namespace.as_deref().unwrap_or("-"),
                self.pointer
            ),
        }
    }
}

/// One change to a design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    /// Add a service; its id is assigned from the design's counter.
    AddService(Box<Service>),
    /// Remove a service with its edges and overrides.
    RemoveService(ServiceId),
    /// Set one field to a value (JSON, as the field serializes).
    Set {
        /// The field.
        path: FieldPath,
        /// The new value; `null` clears an optional field.
        value: Value,
    },
    /// Add a dependency edge.
    AddEdge(Edge),
    /// Remove a dependency edge.
    RemoveEdge(Edge),
    /// Add an environment.
    AddEnvironment(Box<Environment>),
    /// Remove an environment by name.
    RemoveEnvironment(String),
    /// Add or replace a ConfigMap by name.
    PutConfigMap(ConfigMapDef),
    /// Remove a ConfigMap by name.
    RemoveConfigMap(String),
    /// Add or replace a Secret by name.
    PutSecret(SecretDef),
    /// Remove a Secret by name.
    RemoveSecret(String),
    /// Several edits as one step: all apply, or none does.
    Batch(Vec<Edit>),
}

/// Why an edit was refused. The design is unchanged when `apply` returns one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The edit names a service that does not exist.
    #[error("there is no service {0}")]
    NoSuchService(ServiceId),
    /// The edit names an environment that does not exist.
    #[error("there is no environment `{0}`")]
    NoSuchEnvironment(String),
    /// The edit names a ConfigMap or Secret that does not exist.
    #[error("there is no {kind} `{name}`")]
    NoSuchObject {
        /// "ConfigMap" or "Secret".
        kind: &'static str,
        /// Its name.
        name: String,
    },
    /// A name is already taken.
    #[error("the name `{0}` is already used")]
    Duplicate(String),
    /// The value does not fit the field.
    #[error("{path}: {message}")]
    Invalid {
        /// The field.
        path: String,
        /// What is wrong with the value.
        message: String,
    },
}

impl Design {
    /// Apply one edit. On error nothing changes.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        match edit {
            Edit::AddService(mut service) => {
                if self.service_named(&service.name).is_some() {
                    return Err(EditError::Duplicate(service.name));
                }
                service.id = ServiceId(self.next_id);
                self.next_id += 1;
                self.services.push(*service);
            }
            Edit::RemoveService(id) => {
                if self.service(id).is_none() {
                    return Err(EditError::NoSuchService(id));
                }
                self.services.retain(|s| s.id != id);
                self.edges.retain(|e| e.from != id && e.to != id);
                for env in &mut self.environments {
                    env.overrides.remove(&id);
                }
            }
            Edit::Set { path, value } => self.set(&path, value)?,
            Edit::AddEdge(edge) => {
                for id in [edge.from, edge.to] {
                    if self.service(id).is_none() {
                        return Err(EditError::NoSuchService(id));
                    }
                }
                if !self.edges.contains(&edge) {
                    self.edges.push(edge);
                }
            }
            Edit::RemoveEdge(edge) => self.edges.retain(|e| *e != edge),
            Edit::AddEnvironment(env) => {
                if self.environment(&env.name).is_some() {
                    return Err(EditError::Duplicate(env.name));
                }
                self.environments.push(*env);
            }
            Edit::RemoveEnvironment(name) => {
                if self.environment(&name).is_none() {
                    return Err(EditError::NoSuchEnvironment(name));
                }
                self.environments.retain(|e| e.name != name);
            }
            Edit::PutConfigMap(cm) => put_named(&mut self.config_maps, cm, |c| &c.name),
            Edit::RemoveConfigMap(name) => {
                remove_named(&mut self.config_maps, &name, "ConfigMap", |c| &c.name)?
            }
            Edit::PutSecret(s) => put_named(&mut self.secrets, s, |c| &c.name),
            Edit::RemoveSecret(name) => {
                remove_named(&mut self.secrets, &name, "Secret", |c| &c.name)?
            }
            Edit::Batch(edits) => {
                let mut next = self.clone();
                for e in edits {
                    next.apply(e)?;
                }
                *self = next;
            }
        }
        Ok(())
    }

    /// The current value of a field, as JSON; `None` when the path leads nowhere.
    pub fn get(&self, path: &FieldPath) -> Option<Value> {
        let whole = match &path.target {
            Target::Design => serde_json::to_value(self.settings()).ok()?,
            Target::Service(id) => serde_json::to_value(self.service(*id)?).ok()?,
            Target::Environment(name) => serde_json::to_value(self.environment(name)?).ok()?,
            Target::ConfigMap(name) => serde_json::to_value(self.config_map(name)?).ok()?,
            Target::Secret(name) => serde_json::to_value(self.secret(name)?).ok()?,
            Target::Object {
                kind,
                namespace,
                name,
            } => self
                .kept_object(kind, namespace.as_deref(), name)?
                .0
                .clone(),
        };
        whole.pointer(&path.pointer).cloned()
    }

    fn set(&mut self, path: &FieldPath, value: Value) -> Result<(), EditError> {
        let at = path.to_string();
        match &path.target {
            Target::Design => {
                let settings = set_in(&self.settings(), &path.pointer, value, &at)?;
                self.set_settings(settings);
            }
            Target::Service(id) => {
                let service = self.service(*id).ok_or(EditError::NoSuchService(*id))?;
                let mut updated: Service = set_in(service, &path.pointer, value, &at)?;
                updated.id = *id;
                if updated.name != service.name && self.service_named(&updated.name).is_some() {
                    return Err(EditError::Duplicate(updated.name));
                }
                *self.service_mut(*id).expect("checked above") = updated;
            }
            Target::Environment(name) => {
                let i = self.environments.iter().position(|e| &e.name == name);
                let i = i.ok_or_else(|| EditError::NoSuchEnvironment(name.clone()))?;
                let updated: Environment =
                    set_in(&self.environments[i], &path.pointer, value, &at)?;
                if updated.name != *name && self.environment(&updated.name).is_some() {
                    return Err(EditError::Duplicate(updated.name));
                }
                self.environments[i] = updated;
            }
            Target::ConfigMap(name) => {
                let i = index_named(&self.config_maps, name, "ConfigMap", |c| &c.name)?;
                self.config_maps[i] = set_in(&self.config_maps[i], &path.pointer, value, &at)?;
            }
            Target::Secret(name) => {
                let i = index_named(&self.secrets, name, "Secret", |c| &c.name)?;
                self.secrets[i] = set_in(&self.secrets[i], &path.pointer, value, &at)?;
            }
            Target::Object { .. } => {
                return Err(EditError::Invalid {
                    path: at,
                    message: "an object kept whole from an import is not edited field by field"
                        .into(),
                })
            }
        }
        Ok(())
    }

    /// The kept object that renders as `kind` `name` in `namespace`: one that keeps its
    /// own namespace, else one that renders into the environment's (whose namespace the
    /// design does not store per object).
    fn kept_object(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&KeptObject> {
        let is = |k: &&KeptObject| k.kind() == kind && k.name() == name;
        self.pinned_objects
            .iter()
            .filter(is)
            .find(|k| k.namespace() == namespace)
            .or_else(|| {
                self.extra_objects
                    .iter()
                    .filter(is)
                    .find(|k| k.namespace().is_some() == namespace.is_some())
            })
    }

    fn settings(&self) -> Settings {
        Settings {
            name: self.name.clone(),
            target: self.target,
            cluster: self.cluster.clone(),
        }
    }

    fn set_settings(&mut self, s: Settings) {
        self.name = s.name;
        self.target = s.target;
        self.cluster = s.cluster;
    }
}

/// The part of a design that [`Target::Design`] addresses.
#[derive(Serialize, Deserialize)]
struct Settings {
    name: String,
    target: KubeVersion,
    cluster: Cluster,
}

/// `item` with the field at `pointer` replaced by `value`, checked by deserializing.
fn set_in<T: Serialize + serde::de::DeserializeOwned>(
    item: &T,
    pointer: &str,
    value: Value,
    at: &str,
) -> Result<T, EditError> {
    let invalid = |message: String| EditError::Invalid {
        path: at.to_string(),
        message,
    };
    let mut whole = serde_json::to_value(item).map_err(|e| invalid(e.to_string()))?;
    let slot = pointer_entry(&mut whole, pointer).ok_or_else(|| invalid("no such field".into()))?;
    *slot = value;
    serde_json::from_value(whole).map_err(|e| invalid(e.to_string()))
}

/// The slot a JSON pointer names, creating missing object members on the way so that,
/// for example, an environment override that does not exist yet can be set.
fn pointer_entry<'a>(mut at: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    if pointer.is_empty() {
        return Some(at);
    }
    let rest = pointer.strip_prefix('/')?;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        if at.is_null() {
            *at = Value::Object(Default::default());
        }
        at = match at {
            Value::Object(map) => map.entry(token).or_insert(Value::Null),
            Value::Array(items) => {
                let i: usize = token.parse().ok()?;
                if i == items.len() {
                    items.push(Value::Null);
                }
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(at)
}

fn put_named<T>(items: &mut Vec<T>, item: T, name: impl Fn(&T) -> &String) {
    match items.iter().position(|i| name(i) == name(&item)) {
        Some(i) => items[i] = item,
        None => items.push(item),
    }
}

fn index_named<T>(
    items: &[T],
    wanted: &str,
    kind: &'static str,
    name: impl Fn(&T) -> &String,
) -> Result<usize, EditError> {
    items
        .iter()
        .position(|i| name(i) == wanted)
        .ok_or_else(|| EditError::NoSuchObject {
            kind,
            name: wanted.into(),
        })
}

fn remove_named<T>(
    items: &mut Vec<T>,
    wanted: &str,
    kind: &'static str,
    name: impl Fn(&T) -> &String,
) -> Result<(), EditError> {
    let i = index_named(items, wanted, kind, name)?;
    items.remove(i);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn design_with(name: &str) -> (Design, ServiceId) {
        let mut d = Design::default();
        let service = Service {
            name: name.into(),
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(service))).unwrap();
        let id = d.services[0].id;
        (d, id)
    }

    #[test]
    fn ids_come_from_the_counter_and_are_never_reused() {
        let (mut d, first) = design_with("a");
        d.apply(Edit::RemoveService(first)).unwrap();
        let b = Service {
            name: "b".into(),
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(b))).unwrap();
        assert_eq!(first, ServiceId(1));
        assert_eq!(d.services[0].id, ServiceId(2));
    }

    #[test]
    fn set_changes_one_field_and_get_reads_it_back() {
        let (mut d, id) = design_with("api");
        let path = FieldPath::service(id, "/timing/grace_period_seconds");
        d.apply(Edit::Set {
            path: path.clone(),
            value: json!(45),
        })
        .unwrap();
        assert_eq!(d.services[0].timing.grace_period_seconds, 45);
        assert_eq!(d.get(&path), Some(json!(45)));
    }

    #[test]
    fn set_with_a_value_of_the_wrong_type_is_refused_and_changes_nothing() {
        let (mut d, id) = design_with("api");
        let before = d.clone();
        let err = d
            .apply(Edit::Set {
                path: FieldPath::service(id, "/timing/grace_period_seconds"),
                value: json!("thirty"),
            })
            .unwrap_err();
        assert!(matches!(err, EditError::Invalid { .. }), "{err}");
        assert_eq!(d, before);
    }

    #[test]
    fn set_creates_a_missing_environment_override() {
        let (mut d, id) = design_with("api");
        let path = FieldPath::environment("dev", &format!("/overrides/{}/replicas", id.0));
        d.apply(Edit::Set {
            path,
            value: json!(1),
        })
        .unwrap();
        let dev = d.environment("dev").unwrap();
        assert_eq!(dev.overrides[&id].replicas, Some(1));
    }

    #[test]
    fn renaming_a_service_onto_another_name_is_refused() {
        let (mut d, a) = design_with("a");
        let b = Service {
            name: "b".into(),
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(b))).unwrap();
        let err = d
            .apply(Edit::Set {
                path: FieldPath::service(a, "/name"),
                value: json!("b"),
            })
            .unwrap_err();
        assert_eq!(err, EditError::Duplicate("b".into()));
    }

    #[test]
    fn removing_a_service_removes_its_edges_and_overrides() {
        let (mut d, a) = design_with("a");
        let b = Service {
            name: "b".into(),
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(b))).unwrap();
        let b = d.services[1].id;
        d.apply(Edit::AddEdge(Edge {
            from: a,
            to: b,
            port: "http".into(),
        }))
        .unwrap();
        d.apply(Edit::Set {
            path: FieldPath::environment("prod", &format!("/overrides/{}/replicas", b.0)),
            value: json!(3),
        })
        .unwrap();
        d.apply(Edit::RemoveService(b)).unwrap();
        assert!(d.edges.is_empty());
        assert!(d.environment("prod").unwrap().overrides.is_empty());
    }

    #[test]
    fn a_batch_applies_all_or_nothing() {
        let (mut d, id) = design_with("api");
        let before = d.clone();
        let grace = FieldPath::service(id, "/timing/grace_period_seconds");
        let bad = Edit::Batch(vec![
            Edit::Set {
                path: grace.clone(),
                value: json!(60),
            },
            Edit::RemoveService(ServiceId(99)),
        ]);
        assert!(d.apply(bad).is_err());
        assert_eq!(d, before, "the first edit was rolled back");
        let good = Edit::Batch(vec![
            Edit::Set {
                path: grace.clone(),
                value: json!(60),
            },
            Edit::Set {
                path: FieldPath::service(id, "/timing/pre_stop_seconds"),
                value: json!(5),
            },
        ]);
        d.apply(good).unwrap();
        assert_eq!(d.services[0].timing.grace_period_seconds, 60);
        assert_eq!(d.services[0].timing.pre_stop_seconds, 5);
    }

    #[test]
    fn an_edge_to_a_missing_service_is_refused() {
        let (mut d, a) = design_with("a");
        let err = d
            .apply(Edit::AddEdge(Edge {
                from: a,
                to: ServiceId(99),
                port: String::new(),
            }))
            .unwrap_err();
        assert_eq!(err, EditError::NoSuchService(ServiceId(99)));
    }

    #[test]
    fn a_kept_object_path_reads_its_json_and_refuses_edits() {
        let mut d = Design::default();
        let role = json!({"kind": "Role", "metadata": {"name": "reader", "namespace": "shop"},
            "rules": [{"verbs": ["get"]}]});
        let crb = json!({"kind": "ClusterRoleBinding", "metadata": {"name": "reader"}});
        let pinned = json!({"kind": "Role", "metadata": {"name": "reader", "namespace": "ops"},
            "rules": []});
        d.extra_objects = vec![KeptObject(role), KeptObject(crb.clone())];
        d.pinned_objects = vec![KeptObject(pinned)];
        let at = |ns: Option<&str>, kind: &str, pointer: &str| FieldPath {
            target: Target::Object {
                kind: kind.into(),
                namespace: ns.map(String::from),
                name: "reader".into(),
            },
            pointer: pointer.into(),
        };
        let verbs = at(Some("prod"), "Role", "/rules/0/verbs");
        assert_eq!(verbs.to_string(), "objects/Role/prod/reader/rules/0/verbs");
        assert_eq!(
            d.get(&verbs),
            Some(json!(["get"])),
            "moved to the environment's namespace"
        );
        assert_eq!(
            d.get(&at(Some("ops"), "Role", "/rules")),
            Some(json!([])),
            "pinned"
        );
        let whole = at(None, "ClusterRoleBinding", "");
        assert_eq!(whole.to_string(), "objects/ClusterRoleBinding/-/reader");
        assert_eq!(d.get(&whole), Some(crb));
        assert_eq!(d.get(&at(None, "Role", "")), None, "a Role has a namespace");
        let before = d.clone();
        let err = d
            .apply(Edit::Set {
                path: verbs,
                value: json!(["list"]),
            })
            .unwrap_err();
        assert!(matches!(err, EditError::Invalid { .. }), "{err}");
        assert_eq!(d, before);
    }
}
