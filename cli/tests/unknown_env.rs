//! Every command that takes `--env` refuses an unknown environment with the same line.

use std::process::Command;

#[test]
fn render_and_check_give_the_same_unknown_environment_error() {
    let dir =
        std::env::temp_dir().join(format!("kubeprint-cli-unknown-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let design = dir.join("design.json");
    let bin = env!("CARGO_BIN_EXE_kubeprint");
    let new = Command::new(bin)
        .args(["new", "-t", "miniredis"])
        .output()
        .unwrap();
    std::fs::write(&design, new.stdout).unwrap();
    let path = design.to_str().unwrap();
    let error = |cmd: &str| {
        let o = Command::new(bin)
            .args([cmd, path, "--env", "qa"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        String::from_utf8(o.stderr).unwrap()
    };
    let render = error("render");
    assert_eq!(render, error("check"));
    assert!(
        render.contains(&format!(
            "{path} has no environment `qa`; it has: dev, staging, prod"
        )),
        "{render}"
    );
}
