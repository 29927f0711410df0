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

use crate::model::{Design, FORMAT_VERSION};
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
/// Format 1 is the first, so there are none yet.
const UPGRADES: &[fn(&mut Value)] = &[];

/// The design as a pretty JSON document that diffs well in git.
pub fn to_json(design: &Design) -> String {
    let mut d = design.clone();
    d.format_version = FORMAT_VERSION;
    let mut s = serde_json::to_string_pretty(&d).expect("designs always serialize");
    s.push('\n');
    s
}

/// Read a design file of this or any older format version.
pub fn from_json(text: &str) -> Result<Design, LoadError> {
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| LoadError::NotJson(e.to_string()))?;
    upgrade(&mut value)?;
    serde_json::from_value(value).map_err(|e| LoadError::Invalid(e.to_string()))
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
