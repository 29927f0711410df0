//! Any text given to the importers ends in a design and a report, never a panic.
//! Run: `cd fuzz && cargo fuzz run import -s none -- -max_total_time=300`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kubeprint_core::import::kubernetes(text);
        let _ = kubeprint_core::compose::import(text, &Default::default());
    }
});
