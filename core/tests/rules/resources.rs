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
            "KP501",
            // A quantity, and one the API server takes for no request or limit.
            |d| api(d).resources.cpu_request = Some("-100m".into()),
            |d| api(d).resources.cpu_request = Some("0".into()),
        ),
        fx(
            "KP501",
            |d| db(d).storage[0].size = "-10Gi".into(),
            |d| db(d).storage[0].size = "10Gi".into(),
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
            "KP503",
            |d| {
                api(d).resources.cpu_request = None;
                api(d).resources.cpu_limit = None;
            },
            no_change,
        ),
        fx(
            "KP504",
            |d| api(d).resources.memory_limit = None,
            |d| api(d).resources.cpu_limit = None,
        ),
        fx(
            "KP505",
            |d| api(d).resources.memory_limit = Some("512".into()),
            |d| api(d).resources.memory_limit = Some("512M".into()),
        ),
        fx(
            "KP505",
            |d| api(d).resources.memory_request = Some("400m".into()),
            |d| api(d).resources.memory_request = Some("400Mi".into()),
        ),
        fx(
            "KP505",
            // Both in bytes: the request's fix takes the limit meant along, not down.
            |d| {
                api(d).resources.memory_request = Some("128".into());
                api(d).resources.memory_limit = Some("256".into());
            },
            |d| {
                api(d).resources.memory_request = Some("128Mi".into());
                api(d).resources.memory_limit = Some("256Mi".into());
            },
        ),
    ]
    .into_iter()
    .chain(pods())
    .collect()
}

#[test]
fn limits_without_requests_say_the_api_server_copies_them() {
    let compose = "services:
  web:
    image: nginx:1.27
    deploy:
      resources:
        limits:
          cpus: \"0.5\"
          memory: 256M
  worker:
    image: ghcr.io/acme/worker:1.0.0
    deploy:
      resources:
        limits:
          cpus: \"1\"
";
    let d = kubeprint_core::compose::import(compose, &Default::default()).design;
    let found = findings_of(&d, "prod", "KP503");
    let of = |name: &str| {
        found
            .iter()
            .find(|f| f.service.as_deref() == Some(name))
            .unwrap()
    };
    assert_eq!(
        of("web").message,
        "no cpu or memory request, so the API server sets them to the limits (cpu 500m, memory 256Mi): QoS class Guaranteed"
    );
    assert_eq!(
        of("web").severity,
        Severity::Info,
        "nothing is missing at run time"
    );
    assert_eq!(
        of("worker").message,
        "no memory request; no cpu request, so the API server sets it to the limit (cpu 1): QoS class Burstable"
    );
    assert_eq!(of("worker").severity, Severity::Warning);
}

/// The resource rules on the pod's other containers: each is checked like the main one.
fn pods() -> Vec<Fixture> {
    vec![
        fx(
            "KP501",
            |d| sidecar(d).resources.memory_limit = Some("128MB".into()),
            |d| sidecar(d).resources.memory_limit = Some("128M".into()),
        ),
        fx(
            "KP502",
            |d| {
                let c = sidecar(d);
                c.resources.cpu_limit = Some("500m".into());
                c.resources.cpu_request = Some("1".into());
            },
            |d| sidecar(d).resources.cpu_limit = Some("500m".into()),
        ),
        fx(
            "KP503",
            |d| {
                add(d, extra("migrate", ContainerRole::Init))
                    .resources
                    .memory_request = None
            },
            |d| {
                add(d, extra("migrate", ContainerRole::Init))
                    .resources
                    .cpu_limit = None
            },
        ),
        fx(
            "KP504",
            |d| sidecar(d).resources.memory_limit = None,
            |d| {
                add(d, extra("shipper", ContainerRole::Regular))
                    .resources
                    .cpu_limit = None
            },
        ),
    ]
}

/// KP505 says how many bytes a unitless memory value is, and fixes it to the mebibytes
/// it was meant as; a request above such a limit is not "fixed" by lowering the request
/// to a few bytes (KP502 then has no fix), and a zero request is not flagged.
#[test]
fn memory_without_a_unit_is_bytes_and_is_fixed_to_mebibytes() {
    let mut d = baseline();
    api(&mut d).resources.memory_request = Some("8Mi".into());
    api(&mut d).resources.memory_limit = Some("12".into());
    let env = "prod";
    let found = validate(&d, env);
    let kp505: Vec<&Finding> = found.iter().filter(|f| f.code == "KP505").collect();
    assert_eq!(kp505.len(), 1, "{found:#?}");
    assert_eq!(
        kp505[0].message,
        "memory limit `12` is 12 bytes: no container runs on that; meant 12Mi?"
    );
    let fix = kp505[0].fix.clone().unwrap();
    assert_eq!(fix.label, "Use 12Mi");
    let kp502 = found
        .iter()
        .find(|f| f.code == "KP502")
        .expect("256Mi above 12");
    assert!(kp502.fix.is_none(), "no fix that requests 12 bytes");
    d.apply(fix.edit).unwrap();
    let found = validate(&d, env);
    assert!(
        !found.iter().any(|f| f.code == "KP505" || f.code == "KP502"),
        "{found:#?}"
    );
    api(&mut d).resources.memory_request = Some("400m".into());
    let kp505: Vec<String> = (validate(&d, env).into_iter())
        .filter(|f| f.code == "KP505")
        .map(|f| f.message)
        .collect();
    assert_eq!(
        kp505,
        ["memory request `400m` is 0.4 bytes, less than one: no container runs on that; meant 400Mi?"]
    );
    api(&mut d).resources.memory_request = Some("0".into());
    assert!(!validate(&d, env).iter().any(|f| f.code == "KP505"));
    // A request and a limit both in bytes: the request's fix takes the limit to what
    // it meant, not down to the request.
    api(&mut d).resources.memory_request = Some("128".into());
    api(&mut d).resources.memory_limit = Some("256".into());
    let mut labels: Vec<String> = (validate(&d, env).into_iter())
        .filter(|f| f.code == "KP505")
        .filter_map(|f| Some(f.fix?.label))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        ["Use 128Mi, and limit memory to 256Mi", "Use 256Mi"]
    );
}
