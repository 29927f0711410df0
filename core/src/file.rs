//! The design file: pretty JSON with a format version, upgraded step by step on load.
//!
//! The in-memory [`Design`] may change shape between releases; files and links
//! people already have must keep opening. Each format change adds one numbered
//! step to [`UPGRADES`] (with a test) that rewrites the JSON of version N into N+1.
//!
//! Defaults are part of the format. A file may omit any field and a share link omits
//! every value equal to its default; both are filled back in from the `Default` impls
//! (and serde defaults) of whichever version opens them. So a default is pinned: every
//! model type's default is a snapshot (`tests/defaults.rs`), and the golden links
//! (`tests/links/`, with a kitchen-sink design holding every field at its default) must
//! keep opening to the designs they carried. To change a default, bump
//! [`FORMAT_VERSION`] and add an upgrade step that writes the old default into every
//! place an old file or link left the field out (links run these steps too), then
//! update the snapshot.

use crate::model::{Design, Residual, ResidualRole, ServiceId, FORMAT_VERSION};
use crate::render::{render, residual_owner, ResidualOwner};
use serde_json::Value;

/// Why a design file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not JSON at all.
    #[error("this is not a Kubeprint design file: {0}")]
    NotJson(String),
    /// The JSON has no `format_version` number.
    #[error("this JSON has no `format_version`, so it is not a Kubeprint design file")]
    NoVersion,
    /// Made by a newer Kubeprint.
    #[error("this design was saved by a newer Kubeprint (format {found}, this one reads up to {supported}); update Kubeprint to open it")]
    TooNew {
        /// Version in the file.
        found: u64,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The JSON has the right version but the wrong shape.
    #[error("the design file is damaged: {0}")]
    Invalid(String),
}

/// Upgrade steps: `UPGRADES[n - 1]` turns format n into format n + 1.
const UPGRADES: &[fn(&mut Value)] = &[merge_patches_become_changes];

/// Format 1 → 2. Format 1 kept what an import had beyond the model as RFC 7386 merge
/// patches, which replace whole lists and so could override modelled fields. Format 2
/// keeps guarded changes ([`Residual`]). Each old patch is replayed onto the rendering of
/// the design without patches, and the difference is recorded: the output is the same,
/// and from now on edits of modelled fields win.
///
/// This step deserializes the design with today's types; a later format change must keep
/// it working (or run after it in its own terms).
fn merge_patches_become_changes(v: &mut Value) {
    let is_patch = |p: &Value| p.is_object();
    // (owner, environment index for a Namespace, patch)
    let mut patches: Vec<(ResidualOwner, usize, Value)> = Vec::new();
    let mut bare = v.clone();
    for (i, e) in bare["environments"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(p) = e.get_mut("residual").filter(|p| is_patch(p)) {
            patches.push((ResidualOwner::Namespace, i, p.take()));
        }
    }
    for (list, owner) in [
        (
            "config_maps",
            ResidualOwner::ConfigMap as fn(String) -> ResidualOwner,
        ),
        ("secrets", ResidualOwner::Secret),
    ] {
        for c in bare[list].as_array_mut().into_iter().flatten() {
            let name = c["name"].as_str().unwrap_or_default().to_string();
            if let Some(p) = c.get_mut("residual").filter(|p| is_patch(p)) {
                patches.push((owner(name), 0, p.take()));
            }
        }
    }
    for s in bare["services"].as_array_mut().into_iter().flatten() {
        // A link leaves out an id equal to the default one.
        let id: Option<ServiceId> = match s.get("id") {
            Some(id) => serde_json::from_value(id.clone()).ok(),
            None => Some(crate::model::Service::default().id),
        };
        let roles = s
            .get_mut("residual")
            .and_then(Value::as_object_mut)
            .map(std::mem::take);
        for (role, patch) in roles.into_iter().flatten() {
            let role: Option<ResidualRole> = serde_json::from_value(Value::from(role)).ok();
            if let (Some(id), Some(role), true) = (id, role, is_patch(&patch)) {
                patches.push((ResidualOwner::Service(id, role), 0, patch));
            }
        }
    }
    if patches.is_empty() {
        return;
    }
    bare["format_version"] = Value::from(FORMAT_VERSION);
    let Ok(design) = serde_json::from_value::<Design>(bare.clone()) else {
        return;
    };
    let mut out = design.clone();
    for (owner, env_index, patch) in patches {
        let residual = rendered_object(&design, &owner, env_index)
            .map(|mut have| {
                crate::render::without_secret_values(&mut have);
                let mut want = have.clone();
                crate::patch::apply(&mut want, &patch);
                Residual::between(&have, &want)
            })
            // Nothing renders it anywhere (a service no environment runs): what the patch
            // added is kept as additions; what it removed had nothing to remove.
            .unwrap_or_else(|| Residual::between(&Value::Object(Default::default()), &patch));
        out.set_residuals(env_index, [(owner, residual)]);
    }
    if let Ok(mut upgraded) = serde_json::to_value(&out) {
        // The rest of the chain still runs on this JSON: keep the version it expects.
        upgraded["format_version"] = v["format_version"].clone();
        *v = upgraded;
    }
}

/// The JSON of the object `owner` keeps a residual for, as `design` renders it without
/// residuals: in the environment that holds it (a Namespace, rendered even where the
/// environment does not create it) or the first that runs the service.
fn rendered_object(design: &Design, owner: &ResidualOwner, env_index: usize) -> Option<Value> {
    let mut design = design.clone();
    let env = match owner {
        ResidualOwner::Service(id, _) => design.environments.iter().position(|e| e.deploys(*id)),
        ResidualOwner::Namespace => {
            let e = design.environments.get_mut(env_index)?;
            e.create_namespace = true;
            Some(env_index)
        }
        _ => (!design.environments.is_empty()).then_some(0),
    }?;
    let name = design.environments[env].name.clone();
    render(&design, &name)
        .objects
        .iter()
        .find(|o| residual_owner(&design, o.kind(), o.name()).as_ref() == Some(owner))
        .map(|o| o.to_json())
}

/// The design as a pretty JSON document that diffs well in git.
pub fn to_json(design: &Design) -> String {
    let mut d = design.clone();
    d.format_version = FORMAT_VERSION;
    let mut s = serde_json::to_string_pretty(&d).expect("designs always serialize");
    s.push('\n');
    s
}

/// A value of type `T` from JSON text, read through a [`Value`]. The page reads JSON
/// text only this way (designs, saved state, the worker's replies), so each type's
/// `Deserialize` is built once, for the value's deserializer, rather than once more for
/// serde_json's text reader (about 100 KB of the page's wasm).
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_value(serde_json::from_str::<Value>(text)?)
}

/// Read a design file of this or any older format version.
pub fn from_json(text: &str) -> Result<Design, LoadError> {
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| LoadError::NotJson(e.to_string()))?;
    upgrade(&mut value)?;
    let mut design: Design =
        serde_json::from_value(value).map_err(|e| LoadError::Invalid(e.to_string()))?;
    design.settle_next_id();
    Ok(design)
}

/// Bring a design's JSON up to [`FORMAT_VERSION`].
pub fn upgrade(value: &mut Value) -> Result<(), LoadError> {
    let found = value
        .get("format_version")
        .and_then(Value::as_u64)
        .ok_or(LoadError::NoVersion)?;
    if found > u64::from(FORMAT_VERSION) || found == 0 {
        return Err(LoadError::TooNew {
            found,
            supported: FORMAT_VERSION,
        });
    }
    for step in &UPGRADES[(found as usize - 1)..] {
        step(value);
    }
    value["format_version"] = Value::from(FORMAT_VERSION);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_design_opens_unchanged() {
        let d = crate::templates::by_name("connectum").unwrap();
        assert_eq!(from_json(&to_json(&d)).unwrap(), d);
    }

    #[test]
    fn a_newer_format_is_refused_with_a_hint() {
        let err = from_json(r#"{"format_version": 99}"#).unwrap_err();
        assert!(matches!(err, LoadError::TooNew { found: 99, .. }));
        assert!(err.to_string().contains("update Kubeprint"));
    }

    #[test]
    fn json_without_a_version_is_not_a_design() {
        assert!(matches!(from_json("{}"), Err(LoadError::NoVersion)));
        assert!(matches!(from_json("not json"), Err(LoadError::NotJson(_))));
    }

    #[test]
    fn a_minimal_file_fills_in_defaults() {
        let d = from_json(r#"{"format_version": 1, "name": "tiny"}"#).unwrap();
        assert_eq!(d.name, "tiny");
        assert_eq!(d.environments.len(), 3);
    }
}
