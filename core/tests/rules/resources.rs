//! Fixtures of the resource rules (KP5xx): quantities, requests and limits.
//! The checks are in `core/src/rules/resources.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP501",
            |d| api(d).resources.memory_limit = Some("256MB".into()),
            |d| api(d).resources.memory_limit = Some("256M".into()),
        ),
        fx(
            "KP501",
            |d| db(d).storage[0].size = "10 GB".into(),
            |d| db(d).storage[0].size = "10G".into(),
        ),
        fx(
            "KP502",
            |d| api(d).resources.cpu_request = Some("2".into()),
            |d| api(d).resources.cpu_request = Some("500m".into()),
        ),
        fx(
            "KP503",
            |d| api(d).resources.memory_request = None,
            |d| api(d).resources.cpu_limit = None,
        ),
        fx(
            "KP504",
            |d| api(d).resources.memory_limit = None,
            |d| api(d).resources.cpu_limit = None,
        ),
    ]
}
