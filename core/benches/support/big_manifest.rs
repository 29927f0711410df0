//! A generator of large manifest streams for the import benchmark and the
//! `big_manifest` example.

use kubeprint_core::{render, templates};

/// About `bytes` bytes of rendered manifests: the `prod` environment of
/// `templates::scaled(n)` (the miniredis services copied, with their edges and
/// default-deny policies), for the smallest n that reaches the size.
pub fn generate(bytes: usize) -> String {
    // One scaled service renders to about 4 KB; start from that estimate and grow.
    let mut n = (bytes / 4_000).max(1);
    loop {
        let yaml = render(&templates::scaled(n), "prod").to_yaml();
        if yaml.len() >= bytes {
            return yaml;
        }
        n = n * bytes / yaml.len() + 1;
    }
}
