//! `cargo run -q -p kubeprint-core --example export_dir TEMPLATE DIR`: write a template's
//! export bundle to a folder (for trying overlays with kubectl by hand).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let design = kubeprint_core::templates::by_name(&args[1]).expect("a template name");
    for f in kubeprint_core::export::bundle(&design) {
        let path = std::path::Path::new(&args[2]).join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.contents).unwrap();
    }
}
