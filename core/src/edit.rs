//! The only way a design changes: [`Design::apply`] with an [`Edit`].
//!
//! Field edits are addressed by a [`FieldPath`]: a stable target (the design, a service
//! by id, an environment by name, ...) and a JSON pointer into that target's serialized
//! form. The same path type names the field a finding is about, so the UI can focus it
//! and a one-click fix is just an [`Edit::Set`].

use crate::domain::PLACEHOLDER_REGISTRY;
use crate::model::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The object a [`FieldPath`] starts from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// The design's own settings (name, target version, cluster, Git repository).
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

    /// The service whose environment's own value (an override,
    /// `/overrides/<id>/...` of an environment) this field is.
    pub fn overridden_service(&self) -> Option<ServiceId> {
        let Target::Environment(_) = self.target else {
            return None;
        };
        let rest = self.pointer.strip_prefix("/overrides/")?;
        rest.split('/').next()?.parse().ok().map(ServiceId)
    }

    /// The design's value of key `key` of ConfigMap `cm`.
    pub fn config_value(cm: &str, key: &str) -> Self {
        FieldPath {
            target: Target::ConfigMap(cm.into()),
            pointer: format!("/data/{}", pointer_token(key)),
        }
    }

    /// Whether this is an environment's ConfigMap field, edited on the config page
    /// beside the design's: its own value of a key, or the keys it leaves out.
    pub fn is_environment_config(&self) -> bool {
        let under = |field: &str| {
            (self.pointer.strip_prefix(field))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        matches!(self.target, Target::Environment(_))
            && (under("/config_values") || under("/config_left_out"))
    }

    /// Environment `env`'s own value of key `key` of ConfigMap `cm`
    /// ([`crate::model::Environment::config_values`]).
    pub fn environment_config_value(env: &str, cm: &str, key: &str) -> Self {
        let (cm, key) = (pointer_token(cm), pointer_token(key));
        FieldPath::environment(env, &format!("/config_values/{cm}/{key}"))
    }
}

/// `token` as one step of a JSON pointer: `~` and `/` escaped (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The edit that has variable `var` of service `service` read a key (of a Secret, or
/// with `secret` false of a ConfigMap) at `at` (an environment's value of it): the key
/// of that name in the first object that has one; else key `var` of the service's own
/// object (`<service>-secrets`, made or given the key; `<service>-config`, which KP305
/// then offers to create).
pub fn read_key(design: &Design, service: &str, var: &str, secret: bool, at: FieldPath) -> Edit {
    let found = match secret {
        true => (design.secrets.iter())
            .find(|s| s.keys.iter().any(|k| k == var))
            .map(|s| s.name.clone()),
        false => (design.config_maps.iter())
            .find(|c| c.data.contains_key(var))
            .map(|c| c.name.clone()),
    };
    let (tag, own) = match secret {
        true => ("secret_key", format!("{service}-secrets")),
        false => ("config_map_key", format!("{service}-config")),
    };
    let set = |name: &str| Edit::Set {
        path: at.clone(),
        value: serde_json::json!({ tag: {"name": name, "key": var} }),
    };
    match (found, secret) {
        (Some(name), _) => set(&name),
        (None, true) => {
            let mut made = design.secret(&own).cloned().unwrap_or(SecretDef {
                name: own.clone(),
                kind: "Opaque".into(),
                keys: Vec::new(),
                residual: None,
                external: false,
            });
            made.keys.push(var.to_string());
            Edit::Batch(vec![Edit::PutSecret(made), set(&own)])
        }
        (None, false) => set(&own),
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

/// Text that is not a [`FieldPath`] as [`fmt::Display`] writes one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a field path (like `services/s1/timing/grace_period_seconds`)")]
pub struct BadFieldPath(pub String);

impl std::str::FromStr for FieldPath {
    type Err = BadFieldPath;

    /// The inverse of [`fmt::Display`]: `design/name`, `services/s3/tag`,
    /// `environments/prod/overrides/3/replicas`, `config_maps/app`, `secrets/db/keys`.
    /// Names of environments, ConfigMaps and Secrets are DNS names, which never hold a
    /// `/`; one that did would not read back.
    fn from_str(s: &str) -> Result<Self, BadFieldPath> {
        let bad = || BadFieldPath(s.to_string());
        // The pointer is everything from the first `/` after the target.
        let split = |rest: &str| -> (String, String) {
            match rest.find('/') {
                Some(i) => (rest[..i].to_string(), rest[i..].to_string()),
                None => (rest.to_string(), String::new()),
            }
        };
        if let Some(pointer) = s.strip_prefix("design") {
            if pointer.is_empty() || pointer.starts_with('/') {
                return Ok(FieldPath::design(pointer));
            }
            return Err(bad());
        }
        let (kind, rest) = s.split_once('/').ok_or_else(bad)?;
        if kind == "objects" {
            // objects/KIND/NAMESPACE-or-`-`/NAME/pointer
            let mut parts = rest.splitn(3, '/');
            let (Some(kind), Some(namespace), Some(rest)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let (name, pointer) = split(rest);
            if kind.is_empty() || namespace.is_empty() || name.is_empty() {
                return Err(bad());
            }
            let target = Target::Object {
                kind: kind.to_string(),
                namespace: (namespace != "-").then(|| namespace.to_string()),
                name,
            };
            return Ok(FieldPath { target, pointer });
        }
        let (name, pointer) = split(rest);
        if name.is_empty() {
            return Err(bad());
        }
        let target = match kind {
            "services" => {
                let n = name.strip_prefix('s').and_then(|n| n.parse().ok());
                Target::Service(ServiceId(n.ok_or_else(bad)?))
            }
            "environments" => Target::Environment(name),
            "config_maps" => Target::ConfigMap(name),
            "secrets" => Target::Secret(name),
            _ => return Err(bad()),
        };
        Ok(FieldPath { target, pointer })
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
    /// Rename a key of a ConfigMap (or, with `secret`, a Secret), with its values in
    /// every environment and wherever pods read it.
    RenameKey {
        /// A Secret's key, not a ConfigMap's.
        secret: bool,
        /// The ConfigMap's or Secret's name.
        object: String,
        /// The key now.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Remove a key of a ConfigMap: the design's, and every environment's own value of it
    /// or its leaving it out.
    RemoveKey {
        /// The ConfigMap's name.
        config_map: String,
        /// The key.
        key: String,
    },
    /// Leave a key of the design's ConfigMap out of one environment (`out`), which also
    /// drops that environment's own value of it, or put it back (not `out`).
    LeaveOutKey {
        /// The environment.
        env: String,
        /// The ConfigMap's name.
        config_map: String,
        /// One of the design's keys of it.
        key: String,
        /// Left out, or put back.
        out: bool,
    },
    /// Replace an object kept whole from an import, the one environment `env` renders as
    /// `kind` `name`, with another (its YAML edited as JSON), or remove it (`None`).
    ReplaceKept {
        /// The environment it is seen in.
        env: String,
        /// Its `kind` now.
        kind: String,
        /// Its name now; `namespace/name` for one that keeps its own namespace
        /// ([`KeptObject::key`]).
        name: String,
        /// What replaces it: an object with an `apiVersion`, a `kind` and a name.
        with: Option<Value>,
    },
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
    /// The path names no field of its target: a misspelt or renamed field, or a step
    /// into a value that has no fields.
    #[error("{path}: there is no field `{segment}`")]
    UnknownField {
        /// The whole path, as written.
        path: String,
        /// The first step of it that names nothing.
        segment: String,
    },
    /// The path indexes past the end of a list.
    #[error("{path}: there is no item {index}, the list has {len}")]
    NoSuchItem {
        /// The whole path, as written.
        path: String,
        /// The index asked for.
        index: usize,
        /// How many items the list has.
        len: usize,
    },
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
                    env.own_residuals.services.remove(&id);
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
            Edit::PutConfigMap(cm) => {
                let name = cm.name.clone();
                put_named(&mut self.config_maps, cm, |c| &c.name);
                self.keep_left_out_keys_of(&name);
            }
            Edit::RemoveConfigMap(name) => {
                remove_named(&mut self.config_maps, &name, "ConfigMap", |c| &c.name)?;
                // Its values per environment go with it, and what they kept of it.
                for env in &mut self.environments {
                    env.config_values.remove(&name);
                    env.config_left_out.remove(&name);
                    env.own_residuals.config_maps.remove(&name);
                }
            }
            Edit::ReplaceKept {
                env,
                kind,
                name,
                with,
            } => self.replace_kept(&env, &kind, &name, with)?,
            Edit::PutSecret(s) => put_named(&mut self.secrets, s, |c| &c.name),
            Edit::RemoveSecret(name) => {
                remove_named(&mut self.secrets, &name, "Secret", |c| &c.name)?;
                for env in &mut self.environments {
                    env.own_residuals.secrets.remove(&name);
                }
            }
            Edit::RenameKey {
                secret,
                object,
                from,
                to,
            } => self.rename_key(secret, &object, &from, &to)?,
            Edit::LeaveOutKey {
                env,
                config_map,
                key,
                out,
            } => self.leave_out_key(&env, &config_map, &key, out)?,
            Edit::RemoveKey { config_map, key } => {
                let i = index_named(&self.config_maps, &config_map, "ConfigMap", |c| &c.name)?;
                let mut anywhere = self.config_maps[i].data.remove(&key).is_some();
                for env in &mut self.environments {
                    let values = env.config_values.get_mut(&config_map);
                    anywhere |= values.is_some_and(|v| v.remove(&key).is_some());
                    if let Some(keys) = env.config_left_out.get_mut(&config_map) {
                        keys.remove(&key);
                    }
                    env.tidy_config();
                }
                if !anywhere {
                    return Err(EditError::Invalid {
                        path: format!("config_maps/{config_map}/{key}"),
                        message: format!("the ConfigMap has no key `{key}`"),
                    });
                }
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

    /// Whether `path` names a field of its target's type: `Ok` when it does, even where
    /// the current value leaves it out (a field of an optional part that is `None`, an
    /// environment override not made yet), and the error [`Edit::Set`] would give when
    /// it does not. Items of lists must exist. A field that only one variant of an enum
    /// has (a probe's HTTP `path`) resolves only while the value is that variant.
    pub fn resolve(&self, path: &FieldPath) -> Result<(), EditError> {
        let at = path.to_string();
        let tokens = tokens(&path.pointer).map_err(|m| m.error(&at))?;
        let found = match &path.target {
            Target::Design => field_exists(&self.settings(), &tokens),
            Target::Service(id) => {
                let service = self.service(*id).ok_or(EditError::NoSuchService(*id))?;
                field_exists(service, &tokens)
            }
            Target::Environment(name) => {
                let env = self.environment(name);
                field_exists(
                    env.ok_or_else(|| EditError::NoSuchEnvironment(name.clone()))?,
                    &tokens,
                )
            }
            Target::ConfigMap(name) => {
                let i = index_named(&self.config_maps, name, "ConfigMap", |c| &c.name)?;
                field_exists(&self.config_maps[i], &tokens)
            }
            Target::Secret(name) => {
                let i = index_named(&self.secrets, name, "Secret", |c| &c.name)?;
                field_exists(&self.secrets[i], &tokens)
            }
            // An object kept whole from an import has no type of Kubeprint's: its path
            // resolves when the object has something there.
            Target::Object { .. } => {
                return match self.get(path) {
                    Some(_) => Ok(()),
                    None => Err(EditError::UnknownField {
                        path: at,
                        segment: path.pointer.clone(),
                    }),
                }
            }
        };
        found.map_err(|(_, miss)| miss.error(&at))
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
                // Everything that names the service (its objects, callers' addresses,
                // routes) follows a rename: an empty name would leave them nothing.
                if updated.name.trim().is_empty() && !service.name.is_empty() {
                    return Err(EditError::Invalid {
                        path: at,
                        message: format!(
                            "a service needs a name: type one (lowercase letters, digits and `-`), or keep `{}`",
                            service.name
                        ),
                    });
                }
                if updated.name != service.name && self.service_named(&updated.name).is_some() {
                    return Err(EditError::Duplicate(updated.name));
                }
                // Compose refuses a profile of other characters (`debug,` typed as a list).
                let ok = |p: &str| {
                    p.starts_with(|c: char| c.is_ascii_alphanumeric())
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                };
                if updated.local.profiles != service.local.profiles {
                    if let Some(bad) = updated.local.profiles.iter().find(|p| !ok(p)) {
                        return Err(EditError::Invalid {
                            path: at,
                            message: format!(
                                "`{bad}` is not a compose profile: letters, digits, '_', '.' and '-', starting with a letter or digit; separate profiles with spaces"
                            ),
                        });
                    }
                }
                // A name the API server refuses would spread into every caller's address
                // and route, where a rename back could not find it again.
                if updated.name != service.name {
                    if let Err(e) = crate::names::dns1035_label(&updated.name) {
                        let like = crate::names::dns1035_like(&updated.name);
                        let try_like = match like.is_empty() || self.service_named(&like).is_some()
                        {
                            true => String::new(),
                            false => format!("; try `{like}`"),
                        };
                        return Err(EditError::Invalid {
                            path: at,
                            message: format!(
                                "`{}` cannot name a Service: it {e}{try_like}",
                                updated.name
                            ),
                        });
                    }
                }
                let mut kept = std::mem::take(&mut updated.residual);
                follow_renames(service, &updated, &mut kept);
                updated.residual = kept;
                // (What environments keep of its objects follows them too, below.)
                let old = (self.environments.iter())
                    .any(|e| e.own_residuals.services.contains_key(id))
                    .then(|| service.clone());
                follow_port_renames(service, &mut updated);
                // A placeholder image (a new service's) takes the new name: the image
                // to build is most likely named like the service.
                if updated.name != service.name && updated.image == service.image {
                    let placeholder = |name: &str| format!("{PLACEHOLDER_REGISTRY}/{name}");
                    if [placeholder("service"), placeholder(&service.name)].contains(&updated.image)
                    {
                        updated.image = placeholder(&updated.name);
                    }
                }
                let service_ports = service_port_renames(service, &updated);
                // The ports its callers dial, numbered otherwise (by the same kind of
                // Service: a kind changed changes what they dial).
                let redialed = match service.exposure.service == updated.exposure.service {
                    true => renames(&dialed_ports(service), &dialed_ports(&updated)),
                    false => Vec::new(),
                };
                // What an environment switches off, or gives a value of its own, of the
                // service's HPA, budget or Ingress goes with it.
                let hpa_gone = service.scaling.hpa.is_some() && updated.scaling.hpa.is_none();
                let pdb_gone = service.scaling.pdb.is_some() && updated.scaling.pdb.is_none();
                let ingress_gone =
                    service.exposure.ingress.is_some() && updated.exposure.ingress.is_none();
                let renamed = (service.name != updated.name).then(|| Renamed {
                    old: service.name.clone(),
                    new: updated.name.clone(),
                    old_service: service.service_name().to_string(),
                    new_service: updated.service_name().to_string(),
                    account: updated.security.dedicated_service_account,
                    service: updated.exposure.service != ServiceKind::None,
                    headless: updated.exposure.service == ServiceKind::Headless,
                    namespaces: self.environment_namespaces(),
                });
                let claims = renamed_claims(service, &updated);
                let kept: BTreeSet<String> =
                    updated.storage.iter().map(|c| c.name.clone()).collect();
                let var_names = |s: &Service| s.config.env.iter().map(|v| v.name.clone()).collect();
                let (vars_before, vars_after): (Vec<String>, Vec<String>) =
                    (var_names(service), var_names(&updated));
                let vars_renamed = renames(&vars_before, &vars_after);
                // A variable renamed to one an environment sets only for itself, where
                // that environment has a setting of its own for the renamed one too:
                // one of the two would be lost.
                for env in &self.environments {
                    let Some(o) = env.overrides.get(id) else {
                        continue;
                    };
                    if let Some((from, to)) = (vars_renamed.iter())
                        .find(|(from, to)| o.env.contains_key(from) && o.env.contains_key(to))
                    {
                        return Err(EditError::Invalid {
                            path: at,
                            message: format!(
                                "{} sets `{to}` only for itself, and has a setting of its own for `{from}`: remove one of them there, or choose another name",
                                env.name
                            ),
                        });
                    }
                }
                if let Some(old) = old {
                    for env in &mut self.environments {
                        if let Some(kept) = env.own_residuals.services.get_mut(id) {
                            follow_renames(&old, &updated, kept);
                        }
                    }
                }
                let updated_has_service = updated.exposure.service != ServiceKind::None;
                let updated_headless = updated.exposure.service == ServiceKind::Headless;
                *self.service_mut(*id).expect("checked above") = updated;
                // An environment's size and class for a claim follow the claim's new
                // name, and go with a claim removed; its switches of an HPA, a budget
                // or an Ingress the service no longer has go too, and its own budget
                // (undo brings them back).
                for env in &mut self.environments {
                    let Some(o) = env.overrides.get_mut(id) else {
                        continue;
                    };
                    for by_claim in [&mut o.storage, &mut o.storage_class] {
                        for (from, to) in &claims {
                            if let Some(value) = by_claim.remove(from) {
                                by_claim.insert(to.clone(), value);
                            }
                        }
                        by_claim.retain(|claim, _| kept.contains(claim));
                    }
                    // Its values of the service's variables follow a rename and go with
                    // a variable removed; those only it sets stay.
                    for (from, to) in &vars_renamed {
                        if let Some(here) = o.env.remove(from) {
                            o.env.insert(to.clone(), here);
                        }
                    }
                    (o.env)
                        .retain(|name, _| !vars_before.contains(name) || vars_after.contains(name));
                    if hpa_gone {
                        o.hpa = None;
                    }
                    if pdb_gone {
                        (o.pdb, o.pdb_budget) = (None, None);
                    }
                    if ingress_gone {
                        o.ingress = None;
                    }
                }
                self.follow_service_port_renames(*id, &service_ports);
                if let Some(renamed) = renamed {
                    let envs = self
                        .environments
                        .iter_mut()
                        .flat_map(|e| &mut e.kept_objects);
                    for kept in self.extra_objects.iter_mut().chain(envs) {
                        renamed.refer(&mut kept.0);
                    }
                    renamed.readdress(self);
                    renamed.reroute(self);
                }
                // Its callers dial the ports it listens on now.
                if !redialed.is_empty() && updated_has_service {
                    let (name, pods) = (self.service(*id))
                        .map(|s| (s.service_name().to_string(), s.name.clone()))
                        .unwrap_or_default();
                    let namespaces = self.environment_namespaces();
                    let change = crate::address::Readdress {
                        service: &name,
                        renamed: &name,
                        ports: &redialed,
                        pods: updated_headless.then_some((pods.as_str(), pods.as_str())),
                        namespaces: &namespaces,
                        moved_to: None,
                    };
                    readdress(self, &change);
                }
            }
            Target::Environment(name) => {
                let i = self.environments.iter().position(|e| &e.name == name);
                let i = i.ok_or_else(|| EditError::NoSuchEnvironment(name.clone()))?;
                let mut updated: Environment =
                    set_in(&self.environments[i], &path.pointer, value, &at)?;
                // A namespace given to an environment whose objects were imported naming
                // none is where they go now: written on them.
                if updated.namespace != self.environments[i].namespace {
                    updated.namespace_unwritten = false;
                }
                if updated.name != *name {
                    // A renamed environment names its overlay folder, its Argo CD
                    // Application and the files of its bundle: a DNS label, like its
                    // namespace.
                    crate::names::dns1123_label(&updated.name).map_err(|m| EditError::Invalid {
                        path: at.clone(),
                        message: format!("an environment's name {m}"),
                    })?;
                    if self.environment(&updated.name).is_some() {
                        return Err(EditError::Duplicate(updated.name));
                    }
                }
                let moved = (self.environments[i].namespace != updated.namespace).then(|| {
                    (
                        self.environments[i].namespace.clone(),
                        updated.namespace.clone(),
                    )
                });
                self.environments[i] = updated;
                if let Some((from, to)) = moved {
                    move_namespace(self, i, &from, &to);
                }
                // A ConfigMap with no value of its own here any more is not listed.
                self.environments[i].tidy_config();
            }
            Target::ConfigMap(name) => {
                let i = index_named(&self.config_maps, name, "ConfigMap", |c| &c.name)?;
                let updated = set_in(&self.config_maps[i], &path.pointer, value, &at)?;
                if updated.name != *name {
                    // A renamed ConfigMap is read by its new name, and keeps the values
                    // environments have of their own.
                    let taken = self.config_map(&updated.name).is_some();
                    self.rename_reads(false, name, &updated.name, taken, &at)?;
                    for env in &mut self.environments {
                        renamed_entry(&mut env.config_values, name, &updated.name);
                        renamed_entry(&mut env.config_left_out, name, &updated.name);
                        renamed_entry(&mut env.own_residuals.config_maps, name, &updated.name);
                    }
                }
                self.config_maps[i] = updated;
                self.keep_left_out_keys_of(&self.config_maps[i].name.clone());
            }
            Target::Secret(name) => {
                let i = index_named(&self.secrets, name, "Secret", |c| &c.name)?;
                let updated = set_in(&self.secrets[i], &path.pointer, value, &at)?;
                if updated.name != *name {
                    // A renamed Secret is read by its new name.
                    let taken = self.secret(&updated.name).is_some();
                    self.rename_reads(true, name, &updated.name, taken, &at)?;
                    for env in &mut self.environments {
                        renamed_entry(&mut env.own_residuals.secrets, name, &updated.name);
                    }
                }
                self.secrets[i] = updated;
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

    /// Service `id`'s own Service ports renamed or numbered otherwise (old, new: names,
    /// or numbers as digits, see [`service_port_renames`]): what names them from
    /// elsewhere follows, as its own Ingress and route do ([`follow_port_renames`]):
    /// callers' edges, routes' backends that name its Service, and the backends of
    /// Ingresses kept whole (by `port.name`, or `port.number`).
    fn follow_service_port_renames(&mut self, id: ServiceId, renamed: &[(String, String)]) {
        let Some(s) = self
            .service(id)
            .filter(|s| s.exposure.service != ServiceKind::None)
        else {
            return;
        };
        let name = s.service_name().to_string();
        let follow = |port: &mut String| renamed_in_place(port, renamed);
        for edge in self.edges.iter_mut().filter(|e| e.to == id) {
            follow(&mut edge.port);
        }
        let routes = (self.services.iter_mut()).filter_map(|s| s.exposure.gateway_route.as_mut());
        let backends = routes
            .flat_map(|r| &mut r.rules)
            .flat_map(|r| &mut r.backends);
        for backend in backends.filter(|b| b.service == name) {
            follow(&mut backend.port);
        }
        let kept = self
            .environments
            .iter_mut()
            .flat_map(|e| &mut e.kept_objects);
        for object in self.extra_objects.iter_mut().chain(kept) {
            if object.0["kind"] != "Ingress" {
                continue;
            }
            let Some(spec) = object.0.get_mut("spec").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut backends: Vec<&mut Value> = Vec::new();
            for (member, value) in spec.iter_mut() {
                match member.as_str() {
                    "defaultBackend" => backends.push(value),
                    "rules" => {
                        let rules = value.as_array_mut().into_iter().flatten();
                        let paths =
                            rules.filter_map(|r| r.pointer_mut("/http/paths")?.as_array_mut());
                        backends.extend(paths.flatten().filter_map(|p| p.get_mut("backend")));
                    }
                    _ => {}
                }
            }
            for backend in backends {
                let Some(service) = backend.get_mut("service") else {
                    continue;
                };
                if service["name"] != name.as_str() {
                    continue;
                }
                let Some(Value::Object(port)) = service.pointer_mut("/port") else {
                    continue;
                };
                if let Some(Value::String(name)) = port.get_mut("name") {
                    follow(name);
                    continue;
                }
                // By number: what the number was numbered to instead.
                let number = port.get("number").and_then(Value::as_u64);
                let to = (renamed.iter())
                    .find(|(from, _)| number.is_some_and(|n| n.to_string() == *from))
                    .and_then(|(_, to)| to.parse::<u16>().ok());
                if let Some(to) = to {
                    port.insert("number".into(), to.into());
                }
            }
        }
    }

    /// A ConfigMap (or, with `secret`, a Secret) named `from` renamed `to`, which the
    /// API server must take as a name and no other of its kind may have (`taken`): its
    /// readers follow, services ([`Service::rename_reads`]) and objects kept whole
    /// ([`KeptObject::rename_reads`]).
    fn rename_reads(
        &mut self,
        secret: bool,
        from: &str,
        to: &str,
        taken: bool,
        at: &str,
    ) -> Result<(), EditError> {
        let kind = if secret { "Secret" } else { "ConfigMap" };
        crate::names::dns1123_subdomain(to).map_err(|m| EditError::Invalid {
            path: at.to_string(),
            message: format!("a {kind}'s name {m}"),
        })?;
        if taken {
            return Err(EditError::Duplicate(to.to_string()));
        }
        for s in &mut self.services {
            s.rename_reads(secret, from, to);
        }
        for v in self.keys_read_here() {
            v.rename_read(secret, from, to);
        }
        // What imports kept of the services' objects reads it by its new name too (a
        // projected volume, a CSI driver's secret).
        let design = self
            .services
            .iter_mut()
            .flat_map(|s| s.residual.values_mut());
        let own = (self.environments.iter_mut()).flat_map(|e| {
            e.own_residuals
                .services
                .values_mut()
                .flat_map(|r| r.values_mut())
        });
        for residual in design.chain(own) {
            residual.rename_reads(secret, from, to);
        }
        for k in self.every_kept_object_mut() {
            k.rename_reads(secret, from, to);
        }
        Ok(())
    }

    /// Every object kept whole: the design's, those pinned to their namespaces, and each
    /// environment's own.
    fn every_kept_object_mut(&mut self) -> impl Iterator<Item = &mut KeptObject> {
        (self.extra_objects.iter_mut())
            .chain(self.pinned_objects.iter_mut())
            .chain((self.environments.iter_mut()).flat_map(|e| e.kept_objects.iter_mut()))
    }

    /// [`Edit::RenameKey`]: the key checked as the API server checks it and not taken,
    /// then renamed in the object, the environments' own values and the services.
    fn rename_key(
        &mut self,
        secret: bool,
        object: &str,
        from: &str,
        to: &str,
    ) -> Result<(), EditError> {
        let kind = if secret { "Secret" } else { "ConfigMap" };
        let invalid = |message: String| EditError::Invalid {
            path: format!(
                "{}/{object}/{from}",
                if secret { "secrets" } else { "config_maps" }
            ),
            message,
        };
        if from == to {
            return Ok(());
        }
        crate::names::config_key(to).map_err(|m| invalid(format!("a {kind} key {m}")))?;
        if secret {
            let i = index_named(&self.secrets, object, kind, |c| &c.name)?;
            let keys = &mut self.secrets[i].keys;
            if keys.iter().any(|k| k == to) {
                return Err(EditError::Duplicate(to.to_string()));
            }
            let key = (keys.iter_mut()).find(|k| *k == from);
            *key.ok_or_else(|| invalid(format!("the {kind} has no key `{from}`")))? =
                to.to_string();
        } else {
            let i = index_named(&self.config_maps, object, kind, |c| &c.name)?;
            let owned = |d: &std::collections::BTreeMap<String, String>| d.contains_key(to);
            if owned(&self.config_maps[i].data)
                || (self.environments.iter())
                    .any(|e| e.config_values.get(object).is_some_and(owned))
            {
                return Err(EditError::Duplicate(to.to_string()));
            }
            let data = &mut self.config_maps[i].data;
            let in_data = data
                .remove(from)
                .map(|v| data.insert(to.to_string(), v))
                .is_some();
            let mut anywhere = in_data;
            for env in &mut self.environments {
                if let Some(values) = env.config_values.get_mut(object) {
                    if let Some(v) = values.remove(from) {
                        values.insert(to.to_string(), v);
                        anywhere = true;
                    }
                }
                if let Some(keys) = env.config_left_out.get_mut(object) {
                    if keys.remove(from) {
                        keys.insert(to.to_string());
                    }
                }
            }
            if !anywhere {
                return Err(invalid(format!("the {kind} has no key `{from}`")));
            }
        }
        for s in &mut self.services {
            s.rename_key(secret, object, from, to);
            for env in &mut self.environments {
                let own = env.own_residuals.services.get_mut(&s.id);
                for residual in own.into_iter().flat_map(|own| own.values_mut()) {
                    s.rename_listed_key(residual, secret, object, from, to);
                }
            }
        }
        for k in self.every_kept_object_mut() {
            k.rename_key_reads(secret, object, from, to);
        }
        for v in self.keys_read_here() {
            v.rename_key(secret, object, from, to);
        }
        Ok(())
    }

    /// The keys environments' variables read in place of the services' values.
    fn keys_read_here(&mut self) -> impl Iterator<Item = &mut EnvValue> {
        (self.environments.iter_mut())
            .flat_map(|e| e.overrides.values_mut())
            .flat_map(|o| o.env.values_mut())
            .filter_map(|v| match v {
                VarHere::Read(from) => Some(from),
                _ => None,
            })
    }

    /// An environment leaves out only keys the design's ConfigMap `name` has: a key
    /// removed from it is no longer left out, so that one added again under its name is
    /// every environment's.
    fn keep_left_out_keys_of(&mut self, name: &str) {
        let data = (self.config_maps.iter())
            .find(|c| c.name == name)
            .map(|c| &c.data);
        for env in &mut self.environments {
            if let Some(keys) = env.config_left_out.get_mut(name) {
                keys.retain(|k| data.is_some_and(|d| d.contains_key(k)));
            }
            env.tidy_config();
        }
    }

    /// [`Edit::LeaveOutKey`]: only a key the design's ConfigMap has is left out (a key
    /// only some environments have is theirs to remove).
    fn leave_out_key(
        &mut self,
        env: &str,
        config_map: &str,
        key: &str,
        out: bool,
    ) -> Result<(), EditError> {
        let i = index_named(&self.config_maps, config_map, "ConfigMap", |c| &c.name)?;
        if out && !self.config_maps[i].data.contains_key(key) {
            return Err(EditError::Invalid {
                path: format!("config_maps/{config_map}/{key}"),
                message: format!(
                    "`{key}` is not a key every environment has: remove it where it is"
                ),
            });
        }
        let e = (self.environments.iter_mut())
            .find(|e| e.name == env)
            .ok_or_else(|| EditError::NoSuchEnvironment(env.to_string()))?;
        if out {
            if let Some(values) = e.config_values.get_mut(config_map) {
                values.remove(key);
            }
            (e.config_left_out.entry(config_map.to_string()).or_default()).insert(key.to_string());
        } else if let Some(keys) = e.config_left_out.get_mut(config_map) {
            keys.remove(key);
        }
        e.tidy_config();
        Ok(())
    }

    /// The objects kept whole that environment `env` renders, as [`Edit::ReplaceKept`]
    /// finds them: its own, and the design's and those pinned to their namespaces where
    /// it renders those ([`Design::renders_shared_kept`]).
    pub fn kept_seen_in<'d>(&'d self, env: &'d Environment) -> impl Iterator<Item = SeenKept<'d>> {
        let seen = |own, pinned| {
            move |object| SeenKept {
                object,
                own,
                pinned,
            }
        };
        let (extra, pinned): (&[KeptObject], &[KeptObject]) = match self.renders_shared_kept(env) {
            true => (&self.extra_objects, &self.pinned_objects),
            false => (&[], &[]),
        };
        (env.kept_objects.iter().map(seen(true, false)))
            .chain(extra.iter().map(seen(false, false)))
            .chain(pinned.iter().map(seen(false, true)))
    }

    /// Whether environment `env` renders the design's objects kept whole (its own are
    /// rendered whatever it runs): one that runs none of the services (say, the
    /// observability one) does not.
    pub fn renders_shared_kept(&self, env: &Environment) -> bool {
        env.hosts_services || self.services.iter().any(|s| env.deploys(s.id))
    }

    /// [`Edit::ReplaceKept`]: the kept object environment `env` renders as `kind` `name`
    /// (its own, the design's, or one pinned to its namespace) replaced or removed. A
    /// replacement must be an object Kubernetes could take: `apiVersion`, `kind` and a
    /// name. Its namespace stays the one stored (the design's and an environment's own
    /// objects render into the environment's namespace whatever the text says).
    fn replace_kept(
        &mut self,
        env: &str,
        kind: &str,
        name: &str,
        with: Option<Value>,
    ) -> Result<(), EditError> {
        let invalid = |message: &str| EditError::Invalid {
            path: format!("objects/{kind}/{name}"),
            message: message.to_string(),
        };
        if let Some(with) = &with {
            let text = |p: &str| with.pointer(p).and_then(Value::as_str).unwrap_or_default();
            if !with.is_object() {
                return Err(invalid(
                    "an object is a mapping of fields, starting with apiVersion and kind",
                ));
            }
            for (pointer, field) in [
                ("/apiVersion", "apiVersion"),
                ("/kind", "kind"),
                ("/metadata/name", "metadata.name"),
            ] {
                if text(pointer).is_empty() {
                    return Err(invalid(&format!(
                        "the object has no {field}: Kubernetes needs one"
                    )));
                }
            }
            // RBAC objects take any path segment (`system:aggregate-to-edit`); the
            // others a DNS subdomain.
            let rbac = text("/apiVersion").starts_with("rbac.authorization.k8s.io/");
            let valid = match rbac {
                true => crate::names::path_segment,
                false => crate::names::dns1123_subdomain,
            };
            valid(text("/metadata/name")).map_err(|m| invalid(&format!("metadata.name {m}")))?;
        }
        let at = self.environments.iter().position(|e| e.name == env);
        let at = at.ok_or_else(|| EditError::NoSuchEnvironment(env.to_string()))?;
        // Only what the environment renders: the design's objects are not where it
        // runs none of the services, and its own copy of one is then the one meant.
        let shared = self.renders_shared_kept(&self.environments[at]);
        let env_namespace = self.environments[at].namespace.clone();
        let lists: [(&mut Vec<KeptObject>, bool, bool); 3] = [
            (&mut self.environments[at].kept_objects, false, true),
            (&mut self.extra_objects, false, shared),
            (&mut self.pinned_objects, true, shared),
        ];
        for (list, pinned, _) in lists.into_iter().filter(|(_, _, seen)| *seen) {
            let is = |k: &KeptObject| k.kind() == kind && k.key(pinned) == name;
            if let Some(i) = list.iter().position(is) {
                match with {
                    Some(mut with) => {
                        // Where it renders (and its YAML was shown) is not the text's to
                        // change: said, rather than kept silently.
                        let stays = match pinned {
                            true => list[i].namespace().unwrap_or_default(),
                            false => env_namespace.as_str(),
                        };
                        if let Some(ns) =
                            with.pointer("/metadata/namespace").and_then(Value::as_str)
                        {
                            if ns != stays {
                                return Err(invalid(&format!(
                                    "its namespace is `{stays}` and cannot be changed here (the text says `{ns}`): put it back"
                                )));
                            }
                        }
                        let namespace = list[i].0["metadata"].get("namespace").cloned();
                        if let (Some(ns), Some(meta)) =
                            (namespace, with["metadata"].as_object_mut())
                        {
                            meta.insert("namespace".into(), ns);
                        }
                        list[i] = KeptObject(with);
                    }
                    None => {
                        list.remove(i);
                    }
                }
                return Ok(());
            }
        }
        Err(invalid(&format!("the design keeps no {kind} `{name}`")))
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
                self.kept_anywhere()
                    .filter(is)
                    .find(|k| k.namespace().is_some() == namespace.is_some())
            })
    }

    pub(crate) fn settings(&self) -> Settings {
        Settings {
            name: self.name.clone(),
            target: self.target,
            cluster: self.cluster.clone(),
            gitops: self.gitops.clone(),
        }
    }

    fn set_settings(&mut self, s: Settings) {
        self.name = s.name;
        self.target = s.target;
        self.cluster = s.cluster;
        self.gitops = s.gitops;
    }
}

/// An object kept whole as an environment sees it ([`Design::kept_seen_in`]).
#[derive(Clone, Copy, Debug)]
pub struct SeenKept<'d> {
    /// The object as stored.
    pub object: &'d KeptObject,
    /// Whether it is the environment's own (the others do not render it).
    pub own: bool,
    /// Whether it keeps its own namespace rather than the environment's.
    pub pinned: bool,
}

impl SeenKept<'_> {
    /// Its name for [`Edit::ReplaceKept`] ([`KeptObject::key`]).
    pub fn key(&self) -> String {
        self.object.key(self.pinned)
    }
}

/// The volume claims `new` renamed in place ([`renames`]).
fn renamed_claims(old: &Service, new: &Service) -> Vec<(String, String)> {
    let names = |s: &Service| s.storage.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    renames(&names(old), &names(new))
}

/// Names (or numbers) renamed in place: the same position, a name neither list had (an
/// item added, removed or moved, two swapped, is not a rename).
fn renames<T: Clone + PartialEq>(before: &[T], after: &[T]) -> Vec<(T, T)> {
    if before.len() != after.len() {
        return Vec::new();
    }
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a && !after.contains(b) && !before.contains(a))
        .map(|(b, a)| (b.clone(), a.clone()))
        .collect()
}

/// The names of a service's own Service ports.
fn service_port_names(s: &Service) -> Vec<String> {
    s.exposure.ports.iter().map(|p| p.name.clone()).collect()
}

/// The ways an edit changed how a service's Service ports are named: renamed, or
/// numbered otherwise (as digits: what names a port by number, an edge's or a route's
/// `8080`; a port's name has a letter, so never reads as one).
fn service_port_renames(old: &Service, new: &Service) -> Vec<(String, String)> {
    let numbers = |s: &Service| -> Vec<String> {
        s.exposure
            .ports
            .iter()
            .map(|p| p.port.to_string())
            .collect()
    };
    let mut out = renames(&service_port_names(old), &service_port_names(new));
    out.extend(renames(&numbers(old), &numbers(new)));
    out
}

/// The ports a service's callers dial, one per Service port ([`Service::dialed_port`]).
fn dialed_ports(s: &Service) -> Vec<u16> {
    s.exposure
        .ports
        .iter()
        .map(|sp| s.dialed_port(sp))
        .collect()
}

/// What names a port follows its rename, or its number's change, in place (see
/// [`renames`]), as callers follow a service's: a container port's, in the probes,
/// preStop hook and scrape endpoint of its container, in what a local run publishes
/// (dropped with the port), and in the Service and load balancer ports that target it
/// (once no container of the pod declares the old name or number); a Service port's,
/// in the service's Ingress and route. (Callers' edges and addresses follow in
/// [`Design::set`].)
fn follow_port_renames(old: &Service, new: &mut Service) {
    // The ports renamed, and numbered otherwise, as references to them.
    let port_renames = |before: &[ContainerPort], after: &[ContainerPort]| {
        let names = |ps: &[ContainerPort]| -> Vec<PortRef> {
            ps.iter().map(|p| PortRef::Name(p.name.clone())).collect()
        };
        let numbers = |ps: &[ContainerPort]| -> Vec<PortRef> {
            ps.iter().map(|p| PortRef::Number(p.port)).collect()
        };
        let mut out = renames(&names(before), &names(after));
        out.extend(renames(&numbers(before), &numbers(after)));
        out
    };
    let rename = |port: &mut PortRef, renamed: &[(PortRef, PortRef)]| {
        if let Some((_, to)) = renamed.iter().find(|(from, _)| from == port) {
            *port = to.clone();
        }
    };
    let in_probes = |probes: &mut Probes, renamed: &[(PortRef, PortRef)]| {
        for probe in [
            &mut probes.startup,
            &mut probes.liveness,
            &mut probes.readiness,
        ]
        .into_iter()
        .flatten()
        {
            if let ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } = &mut probe.action {
                rename(port, renamed);
            }
        }
    };
    let mut pod_wide = Vec::new();
    let main = port_renames(&old.ports, &new.ports);
    in_probes(&mut new.probes, &main);
    // What a local run publishes follows the port, and goes with a port removed (one
    // that was a port of the container and is no more: an entry being typed stays).
    if let Some(published) = &mut new.local.published {
        for h in published.iter_mut() {
            rename(&mut h.port, &main);
        }
        let gone = |port: &PortRef| {
            let of = |ports: &[ContainerPort]| match port {
                PortRef::Name(n) => ports.iter().any(|p| p.name == *n),
                PortRef::Number(n) => ports.iter().any(|p| p.port == *n),
            };
            of(&old.ports) && !of(&new.ports)
        };
        published.retain(|h| !gone(&h.port));
    }
    if let Some(PreStopHook::Http { port, .. }) = &mut new.timing.pre_stop_hook {
        rename(port, &main);
    }
    if let Some(metrics) = &mut new.metrics {
        rename(&mut metrics.port, &main);
    }
    pod_wide.extend(main);
    if old.containers.len() == new.containers.len() {
        for (before, after) in old.containers.iter().zip(&mut new.containers) {
            let renamed = port_renames(&before.ports, &after.ports);
            in_probes(&mut after.probes, &renamed);
            pod_wide.extend(renamed);
        }
    }
    // A name (or number) another container of the pod still declares still names a
    // port; one now declared twice names neither for sure.
    let mut declared: BTreeMap<PortRef, usize> = BTreeMap::new();
    for p in (new.ports.iter()).chain(new.containers.iter().flat_map(|c| &c.ports)) {
        *declared.entry(PortRef::Name(p.name.clone())).or_default() += 1;
        *declared.entry(PortRef::Number(p.port)).or_default() += 1;
    }
    pod_wide.retain(|(from, to)| !declared.contains_key(from) && declared.get(to) == Some(&1));
    let lb = new
        .exposure
        .load_balancer
        .iter_mut()
        .flat_map(|lb| &mut lb.ports);
    for port in new.exposure.ports.iter_mut().chain(lb) {
        rename(&mut port.target, &pod_wide);
    }
    let renamed = service_port_renames(old, new);
    let follow = |port: &mut String| renamed_in_place(port, &renamed);
    if let Some(ingress) = &mut new.exposure.ingress {
        follow(&mut ingress.port);
    }
    if let Some(route) = &mut new.exposure.gateway_route {
        follow(&mut route.port);
        // (Backends that name its Service follow in `follow_service_port_renames`.)
        let backends = route.rules.iter_mut().flat_map(|r| &mut r.backends);
        for backend in backends.filter(|b| b.service.is_empty()) {
            follow(&mut backend.port);
        }
    }
}

/// Every address of the design's configuration that names one Service changed as
/// `change` says ([`crate::address::Readdress`]), read as the address rule reads them:
/// each word of a container's command and arguments alone (a `--flag=value` as its
/// value, under the flag's name), a container's literal variables together, a
/// ConfigMap's data together. An environment's own values of the main container's
/// variables, or of a ConfigMap, change as what it reads changes: its values over the
/// design's. Where it reads a value of the design's that changed otherwise there (a
/// `DB_PORT` beside a `DB_HOST` it sets to another host), it keeps what it read as a
/// value of its own.
fn readdress(design: &mut Design, change: &crate::address::Readdress) {
    let Design {
        services,
        config_maps,
        environments,
        ..
    } = design;
    let literals = |config: &Config| -> BTreeMap<String, String> {
        (config.env.iter())
            .filter_map(|e| match &e.value {
                EnvValue::Literal(v) => Some((e.name.clone(), v.clone())),
                _ => None,
            })
            .collect()
    };
    let overridden = |id: ServiceId| {
        (environments.iter())
            .filter_map(|e| e.overrides.get(&id))
            .any(|o| o.env.values().any(|v| matches!(v, VarHere::Value(_))))
    };
    // What the design had where an environment has values of its own.
    let variables_before: BTreeMap<ServiceId, BTreeMap<String, String>> = (services.iter())
        .filter(|s| overridden(s.id))
        .map(|s| (s.id, literals(&s.config)))
        .collect();
    let data_before: Vec<ConfigMapDef> = (config_maps.iter())
        .filter(|cm| {
            environments
                .iter()
                .any(|e| e.config_values.contains_key(&cm.name))
        })
        .cloned()
        .collect();
    for s in services.iter_mut() {
        let commands = std::iter::once((&mut s.command, &mut s.args)).chain(
            s.containers
                .iter_mut()
                .map(|c| (&mut c.command, &mut c.args)),
        );
        for (command, args) in commands {
            let all: Vec<String> = command.iter().chain(args.iter()).cloned().collect();
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            let mut words: Vec<&mut String> = command.iter_mut().chain(args.iter_mut()).collect();
            // The last value of a word first: the ranges before it stay where they were.
            for v in crate::address::command_values(&all).into_iter().rev() {
                let w = &mut words[v.word];
                if let Some(value) = change.apply(v.key, &w[v.at.clone()]) {
                    w.replace_range(v.at, &value);
                }
            }
        }
        let configs =
            std::iter::once(&mut s.config).chain(s.containers.iter_mut().map(|c| &mut c.config));
        for config in configs {
            let mut values: Vec<(&str, &mut String)> = (config.env.iter_mut())
                .filter_map(|e| {
                    let EnvVar { name, value, .. } = e;
                    match value {
                        EnvValue::Literal(v) => Some((name.as_str(), v)),
                        _ => None,
                    }
                })
                .collect();
            change.apply_all(&mut values);
        }
    }
    for cm in config_maps.iter_mut() {
        let mut values: Vec<(&str, &mut String)> =
            cm.data.iter_mut().map(|(k, v)| (k.as_str(), v)).collect();
        change.apply_all(&mut values);
    }
    // What an environment reads: its own values over the design's (before the change),
    // changed; kept where it is its own or differs from the design's (changed).
    let reread = |read: BTreeMap<String, String>,
                  design_now: &BTreeMap<String, String>,
                  own: &mut dyn FnMut(&str, String, bool)| {
        let mut read = read;
        let mut values: Vec<(&str, &mut String)> =
            read.iter_mut().map(|(k, v)| (k.as_str(), v)).collect();
        change.apply_all(&mut values);
        for (k, v) in read {
            let differs = design_now.get(&k) != Some(&v);
            own(&k, v, differs);
        }
    };
    for env in environments.iter_mut() {
        for (id, o) in &mut env.overrides {
            let (Some(before), Some(s)) = (
                variables_before.get(id),
                services.iter().find(|s| s.id == *id),
            ) else {
                continue;
            };
            let mut read = before.clone();
            for (k, here) in &o.env {
                match here {
                    VarHere::Value(v) => {
                        read.insert(k.clone(), v.clone());
                    }
                    // (A key read here is no address of the design's.)
                    VarHere::Read(_) | VarHere::Unset => {
                        read.remove(k);
                    }
                }
            }
            reread(
                read,
                &literals(&s.config),
                &mut |k, v, differs| match o.env.get_mut(k) {
                    Some(VarHere::Value(own)) => *own = v,
                    Some(VarHere::Read(_) | VarHere::Unset) => {}
                    None if differs => {
                        o.env.insert(k.to_string(), VarHere::Value(v));
                    }
                    None => {}
                },
            );
        }
        for before in &data_before {
            let Some(now) = config_maps.iter().find(|c| c.name == before.name) else {
                continue;
            };
            let read = env.config_data(before).into_owned();
            let mut own = env.config_values.remove(&before.name).unwrap_or_default();
            reread(read, &now.data, &mut |k, v, differs| {
                if differs || own.contains_key(k) {
                    own.insert(k.to_string(), v);
                }
            });
            if !own.is_empty() {
                env.config_values.insert(before.name.clone(), own);
            }
        }
    }
}

/// Environment `env` moved from namespace `from` to `to`: the addresses that name its
/// services in `from` (`api.shop.svc.cluster.local`) name them in `to`. Where no other
/// environment is in `from`, wherever they are written (an observability namespace
/// renamed: every environment dialing its collector follows). Where another one still
/// is (KP405's fix moves one of two environments that shared a namespace), in what
/// the moved environment reads only, as values of its own; a command line or a
/// sidecar's variable, which no environment has its own of, then stays, and the
/// address rule says so. A namespace
/// that is no DNS label (a field being typed) moves nothing.
fn move_namespace(design: &mut Design, env: usize, from: &str, to: &str) {
    if crate::names::dns1123_label(from).is_err() || crate::names::dns1123_label(to).is_err() {
        return;
    }
    let here = &design.environments[env];
    // Its services, by the name of their Service, and their pods' when headless.
    let named: Vec<(String, Option<String>)> = (design.services.iter())
        .filter(|s| here.deploys(s.id))
        .map(|s| crate::model::effective(s, here))
        .filter(|s| s.exposure.service != ServiceKind::None)
        .map(|s| {
            let pods = (s.exposure.service == ServiceKind::Headless).then(|| s.name.clone());
            (s.service_name().to_string(), pods)
        })
        .collect();
    let namespaces = [from.to_string()];
    let changes: Vec<crate::address::Readdress> = (named.iter())
        .map(|(service, pods)| crate::address::Readdress {
            service,
            renamed: service,
            ports: &[],
            pods: pods.as_deref().map(|p| (p, p)),
            namespaces: &namespaces,
            moved_to: Some(to),
        })
        .collect();
    let shared =
        (design.environments.iter().enumerate()).any(|(i, e)| i != env && e.namespace == from);
    if !shared {
        for change in &changes {
            readdress(design, change);
        }
        return;
    }
    let Design {
        services,
        config_maps,
        environments,
        ..
    } = design;
    let env = &mut environments[env];
    let change_all = |values: &mut BTreeMap<String, String>| {
        let mut values: Vec<(&str, &mut String)> =
            values.iter_mut().map(|(k, v)| (k.as_str(), v)).collect();
        for change in &changes {
            change.apply_all(&mut values);
        }
    };
    for s in services.iter() {
        if !env.deploys(s.id) {
            continue;
        }
        let mut read: BTreeMap<String, String> = (s.config.env.iter())
            .filter_map(|e| match &e.value {
                EnvValue::Literal(v) => Some((e.name.clone(), v.clone())),
                _ => None,
            })
            .collect();
        let own = env.overrides.get(&s.id).map(|o| &o.env);
        for (k, here) in own.into_iter().flatten() {
            match here {
                VarHere::Value(v) => read.insert(k.clone(), v.clone()),
                VarHere::Read(_) | VarHere::Unset => read.remove(k),
            };
        }
        let before = read.clone();
        change_all(&mut read);
        for (k, v) in read {
            if before.get(&k) != Some(&v) {
                let o = env.overrides.entry(s.id).or_default();
                o.env.insert(k, VarHere::Value(v));
            }
        }
    }
    // The ConfigMaps its services read (a sidecar's own variables have no values of an
    // environment's own: they stay, and the address rule says so).
    let read_here: BTreeSet<&str> = (services.iter())
        .filter(|s| env.deploys(s.id))
        .flat_map(|s| crate::render::references(s, false))
        .collect();
    for cm in config_maps
        .iter()
        .filter(|c| read_here.contains(c.name.as_str()))
    {
        let mut read = env.config_data(cm).into_owned();
        let before = read.clone();
        change_all(&mut read);
        for (k, v) in read {
            if before.get(&k) != Some(&v) {
                (env.config_values.entry(cm.name.clone()).or_default()).insert(k, v);
            }
        }
    }
}

/// `name` as `renamed` (old, new) renames it, if it does.
fn renamed_in_place(name: &mut String, renamed: &[(String, String)]) {
    if let Some((_, to)) = renamed.iter().find(|(from, _)| from == name) {
        name.clone_from(to);
    }
}

/// The entry of `map` under `from`, if any, under `to` instead.
fn renamed_entry<V>(map: &mut BTreeMap<String, V>, from: &str, to: &str) {
    if let Some(value) = map.remove(from) {
        map.insert(to.to_string(), value);
    }
}

/// What an import kept of a service's objects follows the renames an edit made of it:
/// of a container or a variable (what was kept for it is kept under its new name), of
/// the service (where the design rendered a name derived from the service's, the
/// input's value still comes back), and of a port's number (which the scrape
/// annotation names). Without this a rename silently dropped what the
/// import kept: a variable's `valueFrom`, a probe's headers, a pull policy.
fn follow_renames(old: &Service, new: &Service, residuals: &mut BTreeMap<ResidualRole, Residual>) {
    use crate::residual::Step;
    if residuals.is_empty() {
        return;
    }
    let containers = |s: &Service| -> Vec<String> {
        std::iter::once(s.container().to_string())
            .chain(s.containers.iter().map(|c| c.name.clone()))
            .collect()
    };
    let variables = |s: &Service| -> Vec<Vec<String>> {
        std::iter::once(&s.config)
            .chain(s.containers.iter().map(|c| &c.config))
            .map(|c| c.env.iter().map(|v| v.name.clone()).collect())
            .collect()
    };
    let is_pod_list =
        |step: &Step| matches!(step, Step::Member(m) if m == "containers" || m == "initContainers");
    let names = containers(new);
    let container_renames = renames(&containers(old), &names);
    let variable_renames: Vec<(String, Vec<(String, String)>)> = variables(old)
        .iter()
        .zip(variables(new))
        .zip(&names)
        .map(|((b, a), container)| (container.clone(), renames(b, &a)))
        .collect();
    // Each container's ports, by name (what a port kept, a protocol left out, stays
    // with it under its new name), and the Service's.
    let ports = |s: &Service| -> Vec<Vec<String>> {
        std::iter::once(&s.ports)
            .chain(s.containers.iter().map(|c| &c.ports))
            .map(|ps| ps.iter().map(|p| p.name.clone()).collect())
            .collect()
    };
    // (By position: only where no container came or went.)
    let same_containers = old.containers.len() == new.containers.len();
    let port_renames_of: Vec<(String, Vec<(String, String)>)> = (ports(old).iter())
        .zip(ports(new))
        .zip(&names)
        .filter(|_| same_containers)
        .map(|((b, a), container)| (container.clone(), renames(b, &a)))
        .collect();
    let service_port_renames = renames(&service_port_names(old), &service_port_names(new));
    let lb_ports = |s: &Service| -> Vec<String> {
        (s.exposure.load_balancer.iter())
            .flat_map(|lb| lb.ports.iter().map(|p| p.name.clone()))
            .collect()
    };
    let lb_port_renames = renames(&lb_ports(old), &lb_ports(new));
    // The names with a suffix: the service's own name is also what labels and
    // selectors the input chose may hold, which are not the design's to rename.
    let derived: [fn(&str) -> String; 6] = [
        crate::naming::load_balancer,
        crate::naming::allow_policy,
        crate::naming::tls_secret,
        crate::naming::analysis_template,
        crate::naming::stable_service,
        crate::naming::canary_service,
    ];
    let renumbered: Vec<(String, String)> = if old.ports.len() == new.ports.len() {
        old.ports
            .iter()
            .zip(&new.ports)
            .filter(|(b, a)| b.port != a.port)
            .map(|(b, a)| (b.port.to_string(), a.port.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let service_renames: Vec<(String, String)> = if old.name == new.name {
        Vec::new()
    } else {
        derived
            .iter()
            .map(|f| (f(&old.name), f(&new.name)))
            .collect()
    };
    for (role, residual) in residuals.iter_mut() {
        for (b, a) in &container_renames {
            residual.rename_item(|p| p.last().is_some_and(is_pod_list), b, a);
            // A variable or downward-API volume reading its resources names it.
            residual.rename_named("containerName", b, a);
            // An HPA's metric of one container's resource names it.
            if *role == ResidualRole::Hpa {
                residual.rename_metric_container(b, a);
            }
        }
        for (container, renamed) in &variable_renames {
            let env_of = |p: &[Step]| match p {
                [.., list, Step::Item { by, key }, Step::Member(env)] => {
                    is_pod_list(list) && by == "name" && key == container && env == "env"
                }
                _ => false,
            };
            for (b, a) in renamed {
                residual.rename_item(env_of, b, a);
            }
        }
        for (container, renamed) in &port_renames_of {
            let ports_of = |p: &[Step]| match p {
                [.., list, Step::Item { by, key }, Step::Member(ports)] => {
                    is_pod_list(list) && by == "name" && key == container && ports == "ports"
                }
                _ => false,
            };
            for (b, a) in renamed {
                residual.rename_item(ports_of, b, a);
            }
        }
        // The Services that render the service's ports (its own, a canary's stable and
        // canary ones), and its load balancer's.
        let renamed = match role {
            ResidualRole::Service | ResidualRole::StableService | ResidualRole::CanaryService => {
                service_port_renames.as_slice()
            }
            ResidualRole::LoadBalancer => lb_port_renames.as_slice(),
            _ => &[],
        };
        let spec_ports = |p: &[Step]| matches!(p, [Step::Member(spec), Step::Member(ports)] if spec == "spec" && ports == "ports");
        for (b, a) in renamed {
            residual.rename_item(spec_ports, b, a);
        }
        if !service_renames.is_empty() {
            residual.rebase(|_, s| {
                service_renames
                    .iter()
                    .find(|(b, _)| b == s)
                    .map(|(_, a)| a.clone())
            });
            // An object the input named otherwise than the service (a Service `catalog`
            // of the workload `catalog-v1`) keeps the input's name, which others refer
            // to; so does the governing Service a StatefulSet names.
            residual.rebase(|at, s| {
                let own_name = at.is(&["metadata", "name"]) || at.is(&["spec", "serviceName"]);
                (own_name && s == crate::naming::own(&old.name))
                    .then(|| crate::naming::own(&new.name).to_string())
            });
        }
        // The scrape annotation names the metrics port by number.
        if !renumbered.is_empty() {
            residual.rebase(|at, s| {
                let scrape_port =
                    matches!(at.0.last(), Some(Step::Member(m)) if m == "prometheus.io/port");
                renumbered
                    .iter()
                    .find(|(b, _)| scrape_port && b == s)
                    .map(|(_, a)| a.clone())
            });
        }
    }
}

/// A service renamed from `old` to `new`, its Service from `old_service` to
/// `new_service` ([`Service::service_name`]: the same names, unless its import kept
/// another); `account` when it has a ServiceAccount of its own (named like it),
/// `service` a Service of its own, in the design's `namespaces`.
struct Renamed {
    old: String,
    new: String,
    old_service: String,
    new_service: String,
    account: bool,
    service: bool,
    /// Its Service is headless: its pods have names of their own.
    headless: bool,
    namespaces: Vec<String>,
}

impl Renamed {
    /// The addresses in the design's configuration that name the service by its
    /// Service's DNS name now name it by the new one, so that its callers still reach
    /// it ([`readdress`]). Never from an empty name (a nameless service of a
    /// hand-written file has no address to follow); a name is never cleared by an edit
    /// ([`Design::set`] refuses it).
    fn readdress(&self, design: &mut Design) {
        // A Service that keeps its name still has pods renamed with the StatefulSet.
        if !self.service || (self.old_service == self.new_service && !self.headless) {
            return;
        }
        let change = crate::address::Readdress {
            service: &self.old_service,
            renamed: &self.new_service,
            ports: &[],
            pods: (self.headless).then_some((self.old.as_str(), self.new.as_str())),
            namespaces: &self.namespaces,
            moved_to: None,
        };
        readdress(design, &change);
    }

    /// The Gateway API routes of the design's services that send (part of) their
    /// traffic to the service's Service by name (a weighted second backend, as a
    /// `tracker-next` beside `tracker`) send it to the new name.
    fn reroute(&self, design: &mut Design) {
        // An empty name is a backend's own Service: never a name to follow.
        if !self.service || self.old_service.is_empty() || self.new_service.is_empty() {
            return;
        }
        let routes = (design.services.iter_mut()).filter_map(|s| s.exposure.gateway_route.as_mut());
        for backend in routes
            .flat_map(|r| &mut r.rules)
            .flat_map(|r| &mut r.backends)
        {
            if backend.service == self.old_service {
                backend.service.clone_from(&self.new_service);
            }
        }
    }

    /// An object kept whole from an import (rendered into the services' namespace) that
    /// names the service by its objects' names now names it by the new one: an
    /// Ingress's backends, a Gateway API route's backendRefs, an HPA's target, a
    /// binding's subject that is its ServiceAccount. Such an object cannot be edited
    /// field by field, so without this a renamed service left it pointing at nothing.
    fn refer(&self, object: &mut Value) {
        /// The value at `path` under `v`, without adding what is missing.
        fn at<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
            path.iter().try_fold(v, |v, k| v.get_mut(*k))
        }
        fn items(v: Option<&mut Value>) -> std::slice::IterMut<'_, Value> {
            match v {
                Some(Value::Array(a)) => a.iter_mut(),
                _ => [].iter_mut(),
            }
        }
        let renamed = |v: Option<&mut Value>, old: &str, new: &str| {
            if let Some(v) = v.filter(|v| v.as_str() == Some(old)) {
                *v = Value::from(new);
            }
        };
        // Bindings and HPAs name its objects; Ingresses and routes its Service.
        let rename = |v: Option<&mut Value>| renamed(v, &self.old, &self.new);
        let rename_service =
            |v: Option<&mut Value>| renamed(v, &self.old_service, &self.new_service);
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") && self.account {
            for subject in items(object.get_mut("subjects")) {
                let ours = subject["kind"] == "ServiceAccount"
                    && subject["namespace"]
                        .as_str()
                        .is_none_or(|ns| self.namespaces.iter().any(|n| n == ns));
                if ours {
                    rename(subject.get_mut("name"));
                }
            }
            return;
        }
        let Some(spec) = object.get_mut("spec") else {
            return;
        };
        match kind.as_str() {
            // A Service named like it that is not its own (kept whole, say) is another.
            "Ingress" if self.service => {
                rename_service(at(spec, &["defaultBackend", "service", "name"]));
                for rule in items(spec.get_mut("rules")) {
                    for path in items(at(rule, &["http", "paths"])) {
                        rename_service(at(path, &["backend", "service", "name"]));
                    }
                }
            }
            "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" | "UDPRoute" if self.service => {
                for rule in items(spec.get_mut("rules")) {
                    for backend in items(rule.get_mut("backendRefs")) {
                        let service = backend["kind"].as_str().is_none_or(|k| k == "Service")
                            && backend["group"].as_str().is_none_or(str::is_empty)
                            && backend.get("namespace").is_none();
                        if service {
                            rename_service(backend.get_mut("name"));
                        }
                    }
                }
            }
            "HorizontalPodAutoscaler" => rename(at(spec, &["scaleTargetRef", "name"])),
            _ => {}
        }
    }
}

/// The part of a design that [`Target::Design`] addresses.
#[derive(Serialize, Deserialize)]
pub(crate) struct Settings {
    name: String,
    target: KubeVersion,
    cluster: Cluster,
    gitops: GitOps,
}

/// Where a pointer stops naming anything.
#[derive(Debug)]
enum Miss {
    /// No member with this name (or a step into a number, string or `null`).
    Field(String),
    /// An index past the end of a list.
    Item { index: usize, len: usize },
}

impl Miss {
    fn error(self, at: &str) -> EditError {
        match self {
            Miss::Field(segment) => EditError::UnknownField {
                path: at.to_string(),
                segment,
            },
            Miss::Item { index, len } => EditError::NoSuchItem {
                path: at.to_string(),
                index,
                len,
            },
        }
    }
}

/// A miss and how many steps of the pointer resolved before it.
type Missed = (usize, Miss);

/// The steps of a JSON pointer (RFC 6901), unescaped.
fn tokens(pointer: &str) -> Result<Vec<String>, Miss> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| Miss::Field(pointer.to_string()))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn index(token: &str, len: usize, depth: usize) -> Result<usize, Missed> {
    match token.parse::<usize>() {
        Ok(index) if index < len => Ok(index),
        Ok(index) => Err((depth, Miss::Item { index, len })),
        Err(_) => Err((depth, Miss::Field(token.to_string()))),
    }
}

/// The value at `tokens`, or the first step that is not there.
fn lookup<'a>(mut at: &'a Value, tokens: &[String]) -> Result<&'a Value, Missed> {
    for (depth, token) in tokens.iter().enumerate() {
        at = match at {
            Value::Object(map) => map.get(token),
            Value::Array(items) => Some(&items[index(token, items.len(), depth)?]),
            _ => None,
        }
        .ok_or_else(|| (depth, Miss::Field(token.clone())))?;
    }
    Ok(at)
}

/// The slot `tokens` name, creating missing object members on the way so that, for
/// example, an environment override that does not exist yet can be set. With
/// `append`, the index one past the end of a list adds an item.
fn pointer_entry<'a>(
    mut at: &'a mut Value,
    tokens: &[String],
    append: bool,
) -> Result<&'a mut Value, Missed> {
    for (depth, token) in tokens.iter().enumerate() {
        if at.is_null() {
            *at = Value::Object(Default::default());
        }
        at = match at {
            Value::Object(map) => map.entry(token.clone()).or_insert(Value::Null),
            Value::Array(items) => {
                if append && token.parse() == Ok(items.len()) {
                    items.push(Value::Null);
                }
                let i = index(token, items.len(), depth)?;
                &mut items[i]
            }
            _ => return Err((depth, Miss::Field(token.clone()))),
        };
    }
    Ok(at)
}

/// Every pointer (as steps) to a member that `value` writes, itself included.
/// Members written as `null` are left out: an optional field that is `None` may be
/// skipped when serialized, so its absence proves nothing.
fn written(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                prefix.push(k.clone());
                written(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(i.to_string());
                written(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Whether the type of `item` has the field at `tokens`: it is there now, or writing
/// some value there survives a round trip through the type. Serde ignores members a
/// type does not have, so a field that does not exist is one that vanishes.
fn field_exists<T: Serialize + serde::de::DeserializeOwned>(
    item: &T,
    tokens: &[String],
) -> Result<(), Missed> {
    let unreadable = || (0, Miss::Field(tokens.first().cloned().unwrap_or_default()));
    let whole = serde_json::to_value(item).map_err(|_| unreadable())?;
    let mut deepest = match lookup(&whole, tokens) {
        Ok(_) => return Ok(()),
        Err(missed) => missed,
    };
    // One value of each JSON shape: whatever the field's type, one of them fits (an
    // enum field with no variant of these shapes is already present).
    let probes = [
        Value::Null,
        Value::from(0),
        Value::from(""),
        Value::from(false),
        // (A switch written only when on.)
        Value::from(true),
        Value::Object(Default::default()),
        Value::Array(Vec::new()),
        // (A list written only when not empty, in a part written only when not all
        // default: a local run's profiles.)
        Value::Array(vec![Value::from("")]),
        // (A list of structs written only when not empty: a service's egress.)
        Value::Array(vec![Value::Object(Default::default())]),
    ];
    for probe in probes {
        let mut trial = whole.clone();
        *pointer_entry(&mut trial, tokens, false)? = probe;
        let Ok(back) = serde_json::from_value::<T>(trial) else {
            continue;
        };
        let back = serde_json::to_value(&back).map_err(|_| unreadable())?;
        match lookup(&back, tokens) {
            Ok(_) => return Ok(()),
            Err(missed) if missed.0 > deepest.0 => deepest = missed,
            Err(_) => {}
        }
    }
    Err(deepest)
}

/// `item` with the field at `pointer` replaced by `value`, checked by deserializing,
/// and refused when the field (or a member of the value) is not one `T` has.
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
    let tokens = tokens(pointer).map_err(|m| m.error(at))?;
    let mut whole = serde_json::to_value(item).map_err(|e| invalid(e.to_string()))?;
    let slot = pointer_entry(&mut whole, &tokens, true).map_err(|(_, m)| m.error(at))?;
    let mut wanted = Vec::new();
    written(&value, &mut tokens.clone(), &mut wanted);
    let cleared = value.is_null();
    *slot = value;
    let updated: T = match serde_json::from_value(whole.clone()) {
        Ok(updated) => updated,
        // `null` where no `None` fits may be a member of a map (an environment's own
        // ConfigMap value) cleared: it goes. A field of a struct would come back with
        // its default: that stays refused.
        Err(e) if cleared && !tokens.is_empty() => {
            let (last, parent) = tokens.split_last().expect("not empty");
            if let Ok(Value::Object(map)) = pointer_entry(&mut whole, parent, false) {
                map.remove(last);
            }
            let refused = || invalid(e.to_string());
            let updated: T = serde_json::from_value(whole).map_err(|_| refused())?;
            let back = serde_json::to_value(&updated).map_err(|_| refused())?;
            if lookup(&back, &tokens).is_ok() {
                return Err(refused());
            }
            updated
        }
        Err(e) => return Err(invalid(e.to_string())),
    };
    // Serde drops members the type does not have, so a misspelt field deserializes
    // fine and changes nothing; reading every written member back catches it.
    let back = serde_json::to_value(&updated).map_err(|e| invalid(e.to_string()))?;
    for path in &wanted {
        if let Err((_, miss)) = lookup(&back, path) {
            // A `None` (or a switch turned off) that is skipped when serialized is gone
            // too, yet the field exists.
            if path == &tokens && field_exists(item, &tokens).is_ok() {
                continue;
            }
            return Err(miss.error(at));
        }
    }
    Ok(updated)
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

mod pointer;

impl Design {
    /// The current value of one field, as [`Design::get`] reads it, serializing only the
    /// members the pointer passes through and the addressed value, not the whole target:
    /// what an input calls on every change of the design.
    pub fn field(&self, path: &FieldPath) -> Option<Value> {
        let pointer = path.pointer.as_str();
        match &path.target {
            Target::Design => pointer::pick(&self.settings(), pointer),
            Target::Service(id) => pointer::pick(self.service(*id)?, pointer),
            Target::Environment(name) => pointer::pick(self.environment(name)?, pointer),
            Target::ConfigMap(name) => pointer::pick(self.config_map(name)?, pointer),
            Target::Secret(name) => pointer::pick(self.secret(name)?, pointer),
            Target::Object { .. } => self.get(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_environments_config_fields_are_told_by_their_path() {
        let env = |pointer: &str| FieldPath::environment("dev", pointer).is_environment_config();
        assert!(env("/config_values/app/KEY"));
        assert!(
            env("/config_values"),
            "the first value of its own: the whole map"
        );
        assert!(env("/config_left_out/app"));
        assert!(!env("/config_values_of_another_kind"));
        assert!(!env("/overrides/3/replicas"));
        assert!(!FieldPath::config_value("app", "KEY").is_environment_config());
    }

    #[test]
    fn an_overrides_service_is_read_from_its_path() {
        let at = |pointer: &str| FieldPath::environment("dev", pointer).overridden_service();
        assert_eq!(at("/overrides/12/replicas"), Some(ServiceId(12)));
        assert_eq!(at("/overrides/3/resources/cpu_limit"), Some(ServiceId(3)));
        assert_eq!(at("/overrides"), None);
        assert_eq!(at("/config_values/app/KEY"), None);
        assert_eq!(
            FieldPath::service(ServiceId(12), "/overrides/12").overridden_service(),
            None
        );
    }

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

    /// A name the API server refuses is refused before it reaches the callers'
    /// addresses (a rename back would not find `Orders_API` in a URL), with the name the
    /// user most likely meant; a name refused whose likely one is taken says no more.
    #[test]
    fn a_service_name_the_api_server_refuses_is_refused_with_one_to_try() {
        let mut d = crate::templates::connectum();
        let before = d.clone();
        let id = d.service_named("order-service").unwrap().id;
        let rename = |d: &mut Design, to: &str| {
            d.apply(Edit::Set {
                path: FieldPath::service(id, "/name"),
                value: json!(to),
            })
        };
        for (typed, said) in [
            (
                "Orders_API",
                "`Orders_API` cannot name a Service: it may contain only lowercase letters, digits and '-'; try `orders-api`",
            ),
            (
                "9orders",
                "`9orders` cannot name a Service: it must start with a lowercase letter; try `orders`",
            ),
            (
                "Otel_Collector",
                "`Otel_Collector` cannot name a Service: it may contain only lowercase letters, digits and '-'",
            ),
        ] {
            let err = rename(&mut d, typed).unwrap_err();
            assert_eq!(err.to_string(), format!("services/s{}/name: {said}", id.0));
            assert_eq!(d, before, "nothing changed");
        }
        rename(&mut d, "orders-api").unwrap();
        assert_eq!(d.services[0].name, "orders-api");
    }

    /// Removing a service's HPA, budget or Ingress takes every environment's switch of
    /// it (and its own budget) along, so that none outlives what it switched; undo
    /// brings them back.
    #[test]
    fn what_an_environment_switched_goes_with_the_services_own() {
        let mut editor = crate::editor::Editor::new(crate::templates::miniredis());
        let d = &editor.design;
        let s = (d.services.iter())
            .find(|s| s.scaling.pdb.is_some() && s.scaling.hpa.is_some())
            .unwrap();
        let id = s.id;
        let env_path =
            |field: &str| FieldPath::environment("prod", &format!("/overrides/{}/{field}", id.0));
        for (field, value) in [
            ("hpa", json!(false)),
            ("pdb", json!(false)),
            ("pdb_budget", json!({"min_available": 1})),
        ] {
            editor
                .dispatch(Edit::Set {
                    path: env_path(field),
                    value,
                })
                .unwrap();
        }
        let before = editor.design.clone();
        for part in ["/scaling/pdb", "/scaling/hpa"] {
            editor
                .dispatch(Edit::Set {
                    path: FieldPath::service(id, part),
                    value: Value::Null,
                })
                .unwrap();
        }
        let o = &editor.design.environment("prod").unwrap().overrides[&id];
        assert_eq!((o.hpa, o.pdb, o.pdb_budget), (None, None, None));
        editor.undo();
        editor.undo();
        assert_eq!(editor.design, before);
    }

    /// A new service's placeholder image takes its name, rename after rename; an image
    /// of its own stays.
    #[test]
    fn a_placeholder_image_follows_the_services_name() {
        let mut d = crate::templates::connectum();
        let id = ServiceId(d.next_id);
        d.apply(Edit::AddService(Box::new(Service {
            name: "service-2".into(),
            ..Service::default()
        })))
        .unwrap();
        for name in ["inventory", "stock"] {
            d.apply(Edit::Set {
                path: FieldPath::service(id, "/name"),
                value: name.into(),
            })
            .unwrap();
            assert_eq!(
                d.service(id).unwrap().image,
                format!("registry.example.com/{name}")
            );
        }
        let own = d.services[0].id;
        let image = d.services[0].image.clone();
        d.apply(Edit::Set {
            path: FieldPath::service(own, "/name"),
            value: "orders".into(),
        })
        .unwrap();
        assert_eq!(d.service(own).unwrap().image, image);
    }

    /// A name cleared is refused: what names the service (callers' addresses, routes)
    /// would follow it to nothing.
    #[test]
    fn a_service_name_cannot_be_cleared() {
        let mut d = crate::templates::connectum();
        let id = d.services[0].id;
        let name = d.services[0].name.clone();
        let before = d.clone();
        for empty in ["", "  "] {
            let err = d
                .apply(Edit::Set {
                    path: FieldPath::service(id, "/name"),
                    value: empty.into(),
                })
                .unwrap_err();
            assert!(
                matches!(&err, EditError::Invalid { message, .. } if message.contains(&format!("keep `{name}`"))),
                "{err}"
            );
        }
        assert_eq!(d, before, "nothing changed");
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

    /// Set `pointer` of the service to `value`; the error's text, and that nothing changed.
    fn refused(d: &mut Design, id: ServiceId, pointer: &str, value: Value) -> String {
        let before = d.clone();
        let err = d
            .apply(Edit::Set {
                path: FieldPath::service(id, pointer),
                value,
            })
            .unwrap_err();
        assert_eq!(*d, before, "nothing changes");
        err.to_string()
    }

    #[test]
    fn set_of_a_misspelt_top_level_field_is_refused() {
        let (mut d, id) = design_with("api");
        let err = refused(&mut d, id, "/tga", json!("1.2.3"));
        assert_eq!(err, "services/s1/tga: there is no field `tga`");
    }

    #[test]
    fn set_of_a_misspelt_nested_field_is_refused() {
        let (mut d, id) = design_with("api");
        let err = refused(&mut d, id, "/timing/grace_period", json!(45));
        assert_eq!(
            err,
            "services/s1/timing/grace_period: there is no field `grace_period`"
        );
        let err = refused(&mut d, id, "/timnig/grace_period_seconds", json!(45));
        assert_eq!(
            err,
            "services/s1/timnig/grace_period_seconds: there is no field `timnig`"
        );
    }

    #[test]
    fn set_of_a_misspelt_field_inside_an_absent_optional_part_is_refused() {
        let (mut d, id) = design_with("api");
        assert_eq!(d.services[0].scaling.hpa, None);
        let err = refused(&mut d, id, "/scaling/hpa/mni", json!(3));
        assert_eq!(err, "services/s1/scaling/hpa/mni: there is no field `mni`");
        // Clearing a misspelt field is refused too, though `null` is what a skipped
        // `None` looks like.
        let err = refused(&mut d, id, "/scaling/hpa/mni", Value::Null);
        assert_eq!(err, "services/s1/scaling/hpa/mni: there is no field `mni`");
        let err = refused(&mut d, id, "/scaling/hpaa", Value::Null);
        assert_eq!(err, "services/s1/scaling/hpaa: there is no field `hpaa`");
    }

    #[test]
    fn set_of_a_field_inside_an_absent_optional_part_creates_it() {
        let (mut d, id) = design_with("api");
        d.apply(Edit::Set {
            path: FieldPath::service(id, "/scaling/hpa/min"),
            value: json!(3),
        })
        .unwrap();
        let hpa = d.services[0].scaling.hpa.clone().unwrap();
        assert_eq!((hpa.min, hpa.max), (3, Hpa::default().max));
    }

    #[test]
    fn set_of_an_optional_field_skipped_when_none_works_both_ways() {
        let (mut d, id) = design_with("api");
        let grpc = |service: Option<&str>| {
            Some(Probe::new(ProbeAction::Grpc {
                port: 9090,
                service: service.map(str::to_string),
            }))
        };
        d.services[0].probes.readiness = grpc(None);
        let path = FieldPath::service(id, "/probes/readiness/action/service");
        assert_eq!(d.get(&path), None, "skipped while None");
        assert_eq!(d.resolve(&path), Ok(()));
        d.apply(Edit::Set {
            path: path.clone(),
            value: Value::Null,
        })
        .unwrap();
        d.apply(Edit::Set {
            path: path.clone(),
            value: json!("health"),
        })
        .unwrap();
        assert_eq!(d.services[0].probes.readiness, grpc(Some("health")));
        d.apply(Edit::Set {
            path,
            value: Value::Null,
        })
        .unwrap();
        assert_eq!(d.services[0].probes.readiness, grpc(None));
    }

    #[test]
    fn set_of_a_value_with_a_misspelt_member_is_refused() {
        let (mut d, id) = design_with("api");
        let err = refused(&mut d, id, "/scaling/hpa", json!({"min": 2, "mxa": 4}));
        assert_eq!(err, "services/s1/scaling/hpa: there is no field `mxa`");
    }

    #[test]
    fn set_of_a_field_of_another_enum_variant_is_refused() {
        let (mut d, id) = design_with("api");
        d.services[0].probes.readiness = Some(Probe::default()); // a TCP check
        let err = refused(&mut d, id, "/probes/readiness/action/path", json!("/ready"));
        assert_eq!(
            err,
            "services/s1/probes/readiness/action/path: there is no field `path`"
        );
    }

    #[test]
    fn set_past_the_end_of_a_list_is_refused_but_one_past_appends() {
        let (mut d, id) = design_with("api");
        let err = refused(&mut d, id, "/ports/1/port", json!(8080));
        assert_eq!(
            err,
            "services/s1/ports/1/port: there is no item 1, the list has 0"
        );
        let err = refused(&mut d, id, "/ports/first", json!(8080));
        assert_eq!(err, "services/s1/ports/first: there is no field `first`");
        d.apply(Edit::Set {
            path: FieldPath::service(id, "/ports/0"),
            value: json!({"name": "http", "port": 8080}),
        })
        .unwrap();
        assert_eq!(d.services[0].ports[0].port, 8080);
        let err = refused(&mut d, id, "/ports/5/port", json!(8080));
        assert_eq!(
            err,
            "services/s1/ports/5/port: there is no item 5, the list has 1"
        );
    }

    #[test]
    fn set_into_a_plain_value_is_refused() {
        let (mut d, id) = design_with("api");
        let err = refused(&mut d, id, "/name/first", json!("x"));
        assert_eq!(err, "services/s1/name/first: there is no field `first`");
    }

    #[test]
    fn set_of_a_misspelt_field_of_an_environment_or_the_design_is_refused() {
        let (mut d, _) = design_with("api");
        let before = d.clone();
        let set = |path: FieldPath| Edit::Set {
            path,
            value: json!(1),
        };
        let err = d
            .apply(set(FieldPath::environment("dev", "/overrides/1/replica")))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environments/dev/overrides/1/replica: there is no field `replica`"
        );
        let err = d
            .apply(set(FieldPath::design("/cluster/endpoint_propagation")))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "design/cluster/endpoint_propagation: there is no field `endpoint_propagation`"
        );
        assert_eq!(d, before);
    }

    #[test]
    fn resolve_answers_by_the_type_not_the_current_value() {
        let (d, id) = design_with("api");
        let ok = |p: FieldPath| assert_eq!(d.resolve(&p), Ok(()), "{p}");
        ok(FieldPath::service(id, ""));
        ok(FieldPath::service(id, "/timing/grace_period_seconds"));
        ok(FieldPath::service(id, "/scaling/hpa/min"));
        ok(FieldPath::service(
            id,
            "/scaling/hpa/scale_up/stabilization_window_seconds",
        ));
        ok(FieldPath::service(id, "/metrics"));
        ok(FieldPath::service(id, "/residual/workload"));
        ok(FieldPath::environment(
            "prod",
            "/overrides/1/resources/cpu_limit",
        ));
        ok(FieldPath::environment("prod", "/labels/team"));
        ok(FieldPath::design("/cluster/lb_deregistration_seconds"));
        // A part left out while it says nothing: a local run's profiles and ports.
        ok(FieldPath::service(id, "/local/profiles"));
        ok(FieldPath::service(id, "/local/published"));
        let err = |p: FieldPath| d.resolve(&p).unwrap_err().to_string();
        // (Said at the part, which holds nothing of that name either way.)
        assert!(err(FieldPath::service(id, "/local/profile")).contains("there is no field"));
        assert_eq!(
            err(FieldPath::service(id, "/scaling/hpa/scale_up/window")),
            "services/s1/scaling/hpa/scale_up/window: there is no field `window`"
        );
        assert_eq!(
            err(FieldPath::service(id, "/ports/0")),
            "services/s1/ports/0: there is no item 0, the list has 0"
        );
        assert_eq!(
            err(FieldPath::service(id, "timing")),
            "services/s1timing: there is no field `timing`"
        );
        assert_eq!(
            err(FieldPath::service(ServiceId(9), "/name")),
            "there is no service s9"
        );
        assert_eq!(
            err(FieldPath::environment("qa", "/name")),
            "there is no environment `qa`"
        );
    }

    #[test]
    fn a_field_path_reads_back_from_its_text() {
        let paths = [
            FieldPath::design(""),
            FieldPath::design("/cluster/ingress_class"),
            FieldPath::service(ServiceId(12), ""),
            FieldPath::service(ServiceId(3), "/probes/readiness/action/port"),
            FieldPath::environment("prod", "/overrides/3/resources/cpu_request"),
            FieldPath {
                target: Target::ConfigMap("app-config".into()),
                pointer: "/data/LOG_LEVEL".into(),
            },
            FieldPath {
                target: Target::Secret("db".into()),
                pointer: "/keys/0".into(),
            },
            FieldPath::service(ServiceId(1), "/residual/workload/metadata/annotations/a~1b"),
            FieldPath {
                target: Target::Object {
                    kind: "RoleBinding".into(),
                    namespace: Some("ops".into()),
                    name: "reader".into(),
                },
                pointer: "/subjects/0/name".into(),
            },
            FieldPath {
                target: Target::Object {
                    kind: "ClusterRole".into(),
                    namespace: None,
                    name: "view".into(),
                },
                pointer: String::new(),
            },
        ];
        for p in paths {
            assert_eq!(p.to_string().parse::<FieldPath>(), Ok(p.clone()), "{p}");
        }
        for bad in [
            "",
            "designs/name",
            "services/1/name",
            "services/s/name",
            "services/",
            "environments",
            "environments//name",
            "pods/web/name",
        ] {
            let err = bad.parse::<FieldPath>().unwrap_err();
            assert_eq!(err, BadFieldPath(bad.into()));
            assert!(err.to_string().contains("is not a field path"), "{err}");
        }
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
