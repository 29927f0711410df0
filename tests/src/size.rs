//! The page's transfer size as `./dev size` measures it (`gzip -9` of each wasm, js and
//! css file of a release build), and the total recorded in BENCHMARKS.md's size table,
//! so a test can keep that table current.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// How far (in percent) the recorded total may be from the build's.
pub const TOLERANCE_PERCENT: u64 = 5;

/// `gzip -9` bytes of `bytes`.
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip runs");
    let mut stdin = child.stdin.take().expect("gzip's stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("gzip finishes");
    writer
        .join()
        .expect("writer")
        .expect("gzip reads its input");
    assert!(out.status.success(), "gzip failed");
    out.stdout.len() as u64
}

/// Whether a built file is the worker's (import and the bundle), which the page loads
/// on first use rather than at start.
pub fn on_first_use(name: &str) -> bool {
    name.starts_with("kubeprint-worker") || name == "worker.js"
}

/// The gzip bytes of each `.wasm`, `.js` and `.css` file of a built page, by file name:
/// the files loaded at start (`first_use` false) or the worker's (true).
pub fn page_gzip(dist: &Path, first_use: bool) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(dist)
        .expect("the built page")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        })
        .filter(|name| on_first_use(name) == first_use)
        .map(|name| {
            let bytes = std::fs::read(dist.join(&name)).expect("a built file");
            let gzip = gzip_len(&bytes);
            (name, gzip)
        })
        .collect();
    files.sort();
    files
}

/// The gzip column of the `| total |` row under `## Size of the page` in BENCHMARKS.md
/// (`| total | 4,290,626 | 1,594,305 | ... |`).
pub fn recorded_gzip_total(benchmarks: &str) -> Option<u64> {
    let section = benchmarks.split("\n## Size of the page").nth(1)?;
    let section = section.split("\n## ").next()?;
    let row = section.lines().find(|l| l.starts_with("| total |"))?;
    let cell = row.split('|').nth(3)?;
    cell.trim().replace(',', "").parse().ok()
}

/// Whether `recorded` is within [`TOLERANCE_PERCENT`] of `built`.
pub fn within_tolerance(recorded: u64, built: u64) -> bool {
    recorded.abs_diff(built) * 100 <= recorded * TOLERANCE_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_total_row_of_the_size_section_only() {
        let text = "# B\n\n## Other\n\n| total | 1 | 2 |\n\n## Size of the page\n\n\
                    | file | bytes | gzip | brotli |\n|---|---:|---:|---:|\n\
                    | wasm | 10 | 9 | 8 |\n| total | 4,290,626 | 1,594,305 | 1,177,000 |\n\n## Next\n";
        assert_eq!(recorded_gzip_total(text), Some(1_594_305));
        assert_eq!(
            recorded_gzip_total("## Size of the page\n\nno table\n"),
            None
        );
    }

    #[test]
    fn five_percent_either_way() {
        assert!(within_tolerance(1000, 1050));
        assert!(within_tolerance(1000, 950));
        assert!(!within_tolerance(1000, 1051));
        assert!(!within_tolerance(1000, 949));
    }

    #[test]
    fn gzip_shrinks_repetition() {
        assert!(gzip_len(&[b'a'; 10_000]) < 200);
    }
}
