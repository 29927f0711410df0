//! JSON merge patches (RFC 7386), the form format 1 of the design file kept imported
//! details in. Only the upgrade step to format 2 reads them (see `file.rs`); imports
//! now keep [`crate::residual::Residual`]s.

use serde_json::Value;

/// Apply `patch` to `target`: objects merge member by member, `null` removes a member,
/// anything else replaces. This is RFC 7386's own algorithm, as `json_patch::merge`.
pub fn apply(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}
