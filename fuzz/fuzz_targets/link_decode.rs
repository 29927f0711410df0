//! Anything given to the share-link decoder ends in a design or an error, never a panic,
//! in bounded memory. The input is tried as link text, as the base64 payload's bytes, and
//! as the deflated JSON's bytes, in both link formats, so every layer of the decoder is reached.
//! Run: `cd fuzz && cargo fuzz run link_decode -s none -- -max_total_time=300`.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use kubeprint_core::link::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode(text);
    }
    for prefix in ["kp1", "kp2"] {
        let _ = decode(&format!("#d={prefix}.{}", URL_SAFE_NO_PAD.encode(data)));
        let deflated = miniz_oxide::deflate::compress_to_vec(data, 1);
        let _ = decode(&format!("#d={prefix}.{}", URL_SAFE_NO_PAD.encode(deflated)));
    }
});
