//! TEMPORARY placeholder, replaced when the Helm chart export is merged: the real
//! module writes the chart under `helm/<chart>/`. Only its signatures are relied on
//! here; nothing tests this body's output.

use super::BundleFile;
use crate::model::Design;

/// The Helm chart's files (placeholder: none yet).
pub fn chart(_design: &Design) -> Vec<BundleFile> {
    Vec::new()
}

/// The chart's name (placeholder: the design's name).
pub fn chart_name(design: &Design) -> String {
    design.name.clone()
}
