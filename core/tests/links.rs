//! Links made by this version must open in every later version. Each template's link
//! and the design it carried are committed under tests/links/ the first time
//! (`KUBEPRINT_BLESS=1`); afterwards they are only ever read. When the format changes,
//! add an upgrade step rather than editing these files.

use kubeprint_core::{file, link, templates};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/links")
}

#[test]
fn golden_links_still_open_to_the_designs_they_carried() {
    let bless = std::env::var_os("KUBEPRINT_BLESS").is_some();
    let mut checked = 0;
    for t in templates::ALL {
        let link_file = dir().join(format!("{}.link", t.name));
        let design_file = dir().join(format!("{}.json", t.name));
        if bless && !link_file.exists() {
            let d = (t.build)();
            std::fs::write(&link_file, link::link("https://kubeprint.example/", &d)).unwrap();
            std::fs::write(&design_file, file::to_json(&d)).unwrap();
        }
        let url = std::fs::read_to_string(&link_file).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with KUBEPRINT_BLESS=1 once",
                link_file.display()
            )
        });
        let expected = file::from_json(&std::fs::read_to_string(&design_file).unwrap()).unwrap();
        let opened = link::decode(&url).unwrap_or_else(|e| panic!("{}: {e}", t.name));
        assert_eq!(opened, expected, "{}", t.name);
        checked += 1;
    }
    assert_eq!(checked, templates::ALL.len());
}
