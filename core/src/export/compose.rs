//! TEMPORARY placeholder, replaced when the Docker Compose export is merged: the real
//! module writes `compose/compose.yaml` and `compose/.env` for one environment. Only
//! its signature is relied on here; nothing tests this body's output.

use super::BundleFile;
use crate::model::Design;

/// The compose files of environment `env` (placeholder: none yet).
pub fn compose(_design: &Design, _env: &str) -> Vec<BundleFile> {
    Vec::new()
}
