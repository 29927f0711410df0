//! Fixtures of the security rules (KP6xx): pod and container hardening, secrets and network policy.
//! The checks are in `core/src/rules/security.rs`.

use super::*;

/// A digest as registries print them.
const DIGEST: &str = "sha256:b389db1475dc52e4ab270c6a1ed9210a60bcffb35bd7795303b0f0ed2a9c2a31";

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP601",
            |d| {
                api(d).security.run_as_non_root = false;
                api(d).security.run_as_user = None;
            },
            // The container's own non-zero uid: not root, whatever the pod says.
            |d| {
                api(d).security.run_as_non_root = false;
                api(d).security.run_as_user = None;
                api(d).security.container_run_as_user = Some(10001);
            },
        ),
        fx(
            "KP601",
            // The container's runAsNonRoot: false wins over the pod's true.
            |d| {
                api(d).security.container_run_as_non_root = Some(false);
                api(d).security.run_as_user = None;
            },
            |d| {
                api(d).security.run_as_non_root = false;
                api(d).security.container_run_as_non_root = Some(true);
                api(d).security.run_as_user = None;
            },
        ),
        fx(
            "KP601",
            |d| api(d).security.container_run_as_user = Some(0),
            // The pod's uid 0 is not the one the container runs as.
            |d| {
                api(d).security.run_as_user = Some(0);
                api(d).security.container_run_as_user = Some(10001);
            },
        ),
        fx(
            "KP602",
            |d| api(d).security.run_as_user = Some(1000),
            |d| api(d).security.run_as_user = Some(10001),
        ),
        fx(
            "KP602",
            |d| api(d).security.container_run_as_user = Some(1000),
            // The pod's low uid is not the one the container runs as.
            |d| {
                api(d).security.run_as_user = Some(1000);
                api(d).security.container_run_as_user = Some(10001);
            },
        ),
        fx(
            "KP603",
            |d| api(d).security.read_only_root_fs = false,
            no_change,
        ),
        fx(
            "KP604",
            |d| api(d).security.no_privilege_escalation = false,
            no_change,
        ),
        fx(
            "KP605",
            |d| api(d).security.drop_all_capabilities = false,
            no_change,
        ),
        fx(
            "KP606",
            |d| api(d).security.seccomp_runtime_default = false,
            no_change,
        ),
        fx(
            "KP606",
            // Imported with the profile on one container of two: the sidecar is open.
            |d| {
                api(d).security.seccomp_runtime_default = false;
                api(d).residual.insert(
                    ResidualRole::Workload,
                    kept(serde_json::json!([
                        {"at": "/spec/template/spec/containers/[name=api]/securityContext/seccompProfile",
                         "now": {"type": "RuntimeDefault"}},
                        {"at": "/spec/template/spec/containers/[name=log-shipper]",
                         "now": {"name": "log-shipper", "image": "fluent/fluent-bit:3.1"}}
                    ])),
                );
            },
            // Regression: a container-level seccompProfile (as ingress controllers set it)
            // was reported as missing.
            |d| {
                api(d).security.seccomp_runtime_default = false;
                api(d).residual.insert(
                    ResidualRole::Workload,
                    kept(serde_json::json!([
                        {"at": "/spec/template/spec/containers/[name=api]/securityContext/seccompProfile",
                         "now": {"type": "RuntimeDefault"}}
                    ])),
                );
            },
        ),
        fx(
            "KP607",
            |d| api(d).security.automount_token = None,
            |d| api(d).security.dedicated_service_account = true,
        ),
        fx(
            "KP608",
            |d| api(d).tag = "latest".into(),
            |d| api(d).tag = "2.8.1".into(),
        ),
        fx(
            "KP608",
            // A branch's tag moves as the branch does.
            |d| api(d).tag = "main".into(),
            |d| api(d).tag = "main-4f2c1ab".into(),
        ),
        fx(
            "KP608",
            |d| api(d).tag = String::new(),
            |d| {
                api(d).tag = String::new();
                api(d).digest = Some(DIGEST.into());
            },
        ),
        fx(
            "KP608",
            |d| api(d).tag = "latest".into(),
            |d| {
                api(d).tag = "latest".into();
                api(d).digest = Some(DIGEST.into());
            },
        ),
        fx(
            "KP609",
            |d| {
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("API_TOKEN", "abc123"))
            },
            |d| api(d).config.env.push(EnvVar::literal("API_TOKEN", "")),
        ),
        fx(
            "KP609",
            |d| {
                d.config_maps[0]
                    .data
                    .insert("DB_PASSWORD".into(), "hunter2".into());
            },
            |d| {
                d.config_maps[0]
                    .data
                    .insert("DB_PASSWORD_FILE".into(), "/run/secrets/db".into());
            },
        ),
        // A value of prod's own over the design's ConfigMap.
        fx(
            "KP609",
            |d| {
                let values = [("DB_PASSWORD".to_string(), "hunter2".to_string())].into();
                env(d, "prod")
                    .config_values
                    .insert("api-config".into(), values);
            },
            |d| {
                let values = [("DB_PASSWORD".to_string(), "hunter2".to_string())].into();
                env(d, "dev")
                    .config_values
                    .insert("api-config".into(), values);
            },
        ),
        fx(
            "KP609",
            |d| {
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("MYSQL_ROOT_PASSWORD", "changeme"))
            },
            |d| {
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("MYSQL_ALLOW_EMPTY_PASSWORD", "1"))
            },
        ),
        fx_in(
            "KP610",
            "prod",
            |d| env(d, "prod").default_deny = false,
            no_change,
        ),
    ]
    .into_iter()
    .chain(pods())
    .collect()
}

/// A Deployment `api` whose container has `container_extra` (indented for the container)
/// and whose pod has `pod_extra` (indented for the pod spec).
fn deployment(image: &str, pod_extra: &str, container_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
{pod_extra}      containers:
        - name: api
          image: {image}
{container_extra}"
    )
}

#[test]
fn lower_case_drop_all_counts_as_dropping_all() {
    for spelling in ["all", "ALL", "CAP_ALL", "cap_all", "All"] {
        let yaml = deployment(
            "ghcr.io/acme/api:1.0.0",
            "",
            &format!(
                "          securityContext:\n            capabilities:\n              drop: [\"NET_RAW\", \"{spelling}\"]\n"
            ),
        );
        let (d, env) = import_exact(&yaml);
        assert!(d.services[0].security.drop_all_capabilities, "{spelling}");
        assert!(findings_of(&d, &env, "KP605").is_empty(), "{spelling}");
    }
    let yaml = deployment(
        "ghcr.io/acme/api:1.0.0",
        "",
        "          securityContext:\n            capabilities:\n              drop: [NET_RAW, ALLOW]\n",
    );
    let (d, env) = import_exact(&yaml);
    assert_eq!(findings_of(&d, &env, "KP605").len(), 1, "ALLOW is not ALL");
}

#[test]
fn a_container_level_run_as_user_is_not_root() {
    let yaml = deployment(
        "ghcr.io/acme/api:1.0.0",
        "",
        "          securityContext:\n            runAsUser: 1000\n",
    );
    let (d, env) = import_exact(&yaml);
    let sec = &d.services[0].security;
    assert_eq!(
        (sec.run_as_user, sec.container_run_as_user),
        (None, Some(1000))
    );
    assert!(
        findings_of(&d, &env, "KP601").is_empty(),
        "uid 1000 is not root"
    );
    // The low uid is the container's, and its fix changes the container's.
    let low = findings_of(&d, &env, "KP602");
    assert_eq!(low[0].message, "runAsUser 1000 is not above 10000");
    let mut fixed = d.clone();
    fixed.apply(low[0].fix.clone().unwrap().edit).unwrap();
    assert!(findings_of(&fixed, &env, "KP602").is_empty());
    let yaml = render(&fixed, &env).to_yaml();
    assert!(yaml.contains("runAsUser: 10001"), "{yaml}");

    // The container's runAsNonRoot: false wins over the pod's true.
    let yaml = deployment(
        "ghcr.io/acme/api:1.0.0",
        "      securityContext:\n        runAsNonRoot: true\n",
        "          securityContext:\n            runAsNonRoot: false\n",
    );
    let (d, env) = import_exact(&yaml);
    assert_eq!(findings_of(&d, &env, "KP601").len(), 1);
}

#[test]
fn an_image_pinned_by_digest_is_not_mutable() {
    let digest = "sha256:b389db1475dc52e4ab270c6a1ed9210a60bcffb35bd7795303b0f0ed2a9c2a31";
    for (image, tag) in [
        (
            format!("registry.example.com:5000/acme/api:v1.7.0@{digest}"),
            "v1.7.0",
        ),
        (format!("registry.example.com:5000/acme/api@{digest}"), ""),
        (
            format!("registry.example.com:5000/acme/api:latest@{digest}"),
            "latest",
        ),
    ] {
        let (d, env) = import_exact(&deployment(&image, "", ""));
        let s = &d.services[0];
        assert_eq!(
            (s.image.as_str(), s.tag.as_str(), s.digest.as_deref()),
            ("registry.example.com:5000/acme/api", tag, Some(digest)),
            "{image}"
        );
        assert!(findings_of(&d, &env, "KP608").is_empty(), "{image}");
    }
    let (d, env) = import_exact(&deployment(
        "registry.example.com:5000/acme/api:latest",
        "",
        "",
    ));
    assert_eq!(d.services[0].digest, None);
    assert_eq!(findings_of(&d, &env, "KP608").len(), 1);
}

#[test]
fn mysql_allow_empty_password_is_not_a_secret() {
    let env_vars = "          env:
            - name: MYSQL_ALLOW_EMPTY_PASSWORD
              value: \"1\"
            - name: MYSQL_RANDOM_ROOT_PASSWORD
              value: \"yes\"
            - name: POSTGRES_PASSWORD_FILE
              value: /run/secrets/postgres-password
            - name: TLS_SECRET_NAME
              value: api-tls
            - name: TOKEN_TTL
              value: \"3600\"
            - name: REDIS_PASSWORD
              value: hunter2
";
    let (d, env) = import_exact(&deployment("ghcr.io/acme/api:1.0.0", "", env_vars));
    let flagged: Vec<String> = findings_of(&d, &env, "KP609")
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert_eq!(
        flagged,
        ["`REDIS_PASSWORD` looks like a secret but is a literal value"],
        "only the real password"
    );
    let (d, env) = import(&corpus("mysql-statefulset.yaml"));
    assert!(findings_of(&d, &env, "KP609").is_empty());
}

/// KP609's fix reads the variable from a Secret key of its name: one the service reads
/// already where it reads one, else `<service>-secrets`, made for it. The literal leaves
/// the design (the Secret renders a placeholder), on an imported design and after a link,
/// and nothing new is found about the Secret or the key.
#[test]
fn a_literal_secret_moves_into_a_secret_the_service_reads() {
    let reads_one = "          env:
            - name: DATABASE_HOST
              value: postgres.shop.svc
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
            - name: STRIPE_API_KEY
              value: sk_live_51HxQ2e
---
apiVersion: v1
kind: Secret
metadata:
  name: api-db
  namespace: shop
type: Opaque
stringData:
  password: placeholder
";
    let reads_none = "          env:
            - name: STRIPE_API_KEY
              value: sk_live_51HxQ2e
";
    for (container_extra, secret) in [(reads_one, "api-db"), (reads_none, "api-secrets")] {
        let (mut d, env) = import(&deployment("ghcr.io/acme/api:1.0.0", "", container_extra));
        let before: Vec<(&str, String)> = (validate(&d, &env).into_iter())
            .map(|f| (f.code, f.message))
            .filter(|(code, _)| *code != "KP609")
            .collect();
        let [finding] = &findings_of(&d, &env, "KP609")[..] else {
            panic!("one literal secret");
        };
        let fix = finding.fix.clone().expect("a fix");
        assert_eq!(
            fix.label,
            format!(
            "Read it from Secret `{secret}` (its value leaves the design: set it in the cluster)"
        )
        );
        d.apply(fix.edit).unwrap();
        let d = link::decode(&link::encode(&d)).unwrap();
        assert!(findings_of(&d, &env, "KP609").is_empty());
        let after: Vec<(&str, String)> = (validate(&d, &env).into_iter())
            .map(|f| (f.code, f.message))
            .collect();
        assert_eq!(after, before, "nothing else found, nothing else fixed");
        let objects = render(&d, &env).objects;
        let json = |kind: &str, name: &str| {
            let o = objects
                .iter()
                .find(|o| o.kind() == kind && o.name() == name);
            o.unwrap_or_else(|| panic!("{kind} {name}")).to_json()
        };
        let vars = &json("Deployment", "api")["spec"]["template"]["spec"]["containers"][0]["env"];
        let stripe = (vars.as_array().unwrap().iter())
            .find(|v| v["name"] == "STRIPE_API_KEY")
            .unwrap();
        assert_eq!(
            stripe["valueFrom"]["secretKeyRef"],
            serde_json::json!({"name": secret, "key": "STRIPE_API_KEY"})
        );
        assert!(stripe.get("value").is_none());
        let stored = json("Secret", secret);
        assert_eq!(stored["stringData"]["STRIPE_API_KEY"], "CHANGE_ME");
        assert!(
            !serde_json::to_string(&d).unwrap().contains("sk_live"),
            "the literal has left the design"
        );
    }
}

/// KP610 says what is open: with no policy at all, every pod reaches every pod; with a
/// policy kept from an import that isolates one workload, only the pods no policy selects
/// are open, and the message says that instead. A kept default-deny silences it.
#[test]
fn no_default_deny_says_what_is_open() {
    let policy = |selector: &str| {
        format!(
            "---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-ingress
  namespace: shop
spec:
  podSelector: {selector}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: 8080
"
        )
    };
    let app = deployment("ghcr.io/acme/api:1.0.0", "", "");
    let message = |yaml: &str| {
        let (d, env) = import(yaml);
        let found: Vec<String> = (findings_of(&d, &env, "KP610").into_iter())
            .map(|f| f.message)
            .collect();
        found
    };
    assert_eq!(
        message(&app),
        ["`shop` lets every pod reach every other pod: no default-deny NetworkPolicy"]
    );
    assert_eq!(
        message(&format!("{app}{}", policy("{matchLabels: {app: api}}"))),
        ["`shop` has no default-deny NetworkPolicy: pods no policy selects accept traffic from every pod"]
    );
    let deny = policy("{}").replace("  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n      ports:\n        - port: 8080\n", "");
    assert!(message(&format!("{app}{deny}")).is_empty(), "{deny}");
}

#[test]
fn the_grpc_guide_is_not_accused_of_root_capabilities_or_a_mutable_image() {
    let (d, env) = import(&corpus("grpc-service.yaml"));
    for code in ["KP601", "KP605", "KP608"] {
        assert!(
            findings_of(&d, &env, code).is_empty(),
            "{code}: {:?}",
            findings_of(&d, &env, code)
        );
    }
}

/// The security rules on the pod's other containers: each is checked like the main one.
fn pods() -> Vec<Fixture> {
    vec![
        fx(
            "KP601",
            |d| sidecar(d).security.run_as_user = Some(0),
            |d| sidecar(d).security.run_as_user = Some(10001),
        ),
        fx(
            "KP601",
            |d| {
                api(d).security.container_run_as_non_root = Some(true);
                api(d).security.run_as_non_root = false;
                api(d).security.run_as_user = None;
                sidecar(d);
            },
            |d| {
                api(d).security.container_run_as_non_root = Some(true);
                api(d).security.run_as_non_root = false;
                api(d).security.run_as_user = None;
                sidecar(d).security.run_as_non_root = Some(true);
            },
        ),
        fx(
            "KP602",
            |d| sidecar(d).security.run_as_user = Some(1000),
            |d| sidecar(d).security.run_as_user = Some(10001),
        ),
        fx(
            "KP603",
            |d| {
                add(d, extra("migrate", ContainerRole::Init))
                    .security
                    .read_only_root_fs = false
            },
            |d| {
                add(d, extra("migrate", ContainerRole::Init))
                    .security
                    .run_as_user = Some(10001)
            },
        ),
        fx(
            "KP604",
            |d| sidecar(d).security.no_privilege_escalation = false,
            no_change,
        ),
        fx(
            "KP605",
            |d| {
                add(d, extra("shipper", ContainerRole::Regular))
                    .security
                    .drop_all_capabilities = false
            },
            |d| {
                add(d, extra("shipper", ContainerRole::Regular))
                    .security
                    .run_as_non_root = Some(true)
            },
        ),
        fx(
            "KP608",
            |d| sidecar(d).tag = "latest".into(),
            |d| {
                let c = sidecar(d);
                c.tag = "latest".into();
                c.digest = Some(
                    "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
                        .into(),
                );
            },
        ),
        fx(
            "KP608",
            |d| {
                // A migration step with the app's image, on a mutable tag of its own.
                let c = add(d, extra("migrate", ContainerRole::Init));
                c.image = "ghcr.io/acme/api".into();
                c.tag = "latest".into();
            },
            |d| {
                // The app's very image: its finding is the main container's.
                let (image, tag) = (api(d).image.clone(), api(d).tag.clone());
                let c = add(d, extra("migrate", ContainerRole::Init));
                c.image = image;
                c.tag = tag;
            },
        ),
        fx(
            "KP609",
            |d| {
                sidecar(d)
                    .config
                    .env
                    .push(EnvVar::literal("PROXY_PASSWORD", "hunter2"))
            },
            |d| {
                sidecar(d)
                    .config
                    .env
                    .push(EnvVar::literal("PROXY_PASSWORD_FILE", "/run/secrets/proxy"))
            },
        ),
    ]
}

// Moving a pod that writes a volume to a non-root uid also gives the volume that group:
// a volume written as root would refuse the new uid's writes (redis' /data, say).
#[test]
fn the_non_root_fix_gives_written_volumes_the_new_group() {
    let mut d = baseline();
    db(&mut d).image = "ghcr.io/acme/queue".into();
    db(&mut d).security.run_as_user = None;
    db(&mut d).security.run_as_non_root = false;
    db(&mut d).security.fs_group = None;
    api(&mut d).security.run_as_user = None;
    api(&mut d).security.run_as_non_root = false;
    let findings = findings_of(&d, "prod", "KP601");
    let fix_of = |name: &str| {
        findings
            .iter()
            .find(|f| f.service.as_deref() == Some(name))
            .and_then(|f| f.fix.clone())
            .unwrap_or_else(|| panic!("a KP601 fix for {name}: {findings:?}"))
    };
    let (db_fix, api_fix) = (fix_of("db"), fix_of("api"));
    assert!(db_fix.label.contains("fsGroup 10001"), "{}", db_fix.label);
    assert!(
        !api_fix.label.contains("fsGroup"),
        "no volume: {}",
        api_fix.label
    );
    let mut fixed = d.clone();
    fixed.apply(db_fix.edit).unwrap();
    assert_eq!(db(&mut fixed).security.fs_group, Some(10001));
    assert!(findings_of(&fixed, "prod", "KP601")
        .iter()
        .all(|f| f.service.as_deref() != Some("db")));
    let yaml = render(&fixed, "prod").to_yaml();
    assert!(yaml.contains("fsGroup: 10001"), "{yaml}");
}

// A known image that runs as a user of its own (postgres' 999 owns its data directory)
// is moved to that user, not to a high uid it cannot write its data as; applying the fix
// brings no finding of its own (a low uid, a uid the image does not run as).
#[test]
fn the_non_root_fix_of_a_known_image_runs_it_as_its_own_user() {
    let mut d = baseline();
    db(&mut d).image = "postgres".into();
    db(&mut d).security.run_as_user = None;
    db(&mut d).security.run_as_non_root = false;
    db(&mut d).security.fs_group = None;
    db(&mut d).security.run_as_group = None;
    let findings = findings_of(&d, "prod", "KP601");
    let fix = (findings.iter())
        .find(|f| f.service.as_deref() == Some("db"))
        .and_then(|f| f.fix.clone())
        .unwrap_or_else(|| panic!("a KP601 fix for db: {findings:?}"));
    assert_eq!(
        fix.label,
        "Run as the image's own user (uid 999, gid 999, fsGroup 999)"
    );
    let found = |d: &Design| -> BTreeSet<(&'static str, Option<String>)> {
        (validate(d, "prod").into_iter())
            .map(|f| (f.code, f.service))
            .collect()
    };
    let before = found(&d);
    let mut fixed = d.clone();
    fixed.apply(fix.edit).unwrap();
    let security = &db(&mut fixed).security;
    assert_eq!(
        (
            security.run_as_user,
            security.run_as_group,
            security.fs_group
        ),
        (Some(999), Some(999), Some(999))
    );
    let after = found(&fixed);
    let new: Vec<_> = after.difference(&before).collect();
    assert!(new.is_empty(), "{new:?}");
    assert!(!after.contains(&("KP601", Some("db".into()))), "{after:?}");
    // An Alpine tag's postgres user is Alpine's own (70).
    db(&mut d).tag = "16-alpine".into();
    let fix = (findings_of(&d, "prod", "KP601").into_iter())
        .find(|f| f.service.as_deref() == Some("db"))
        .and_then(|f| f.fix)
        .unwrap();
    assert_eq!(
        fix.label,
        "Run as the image's own user (uid 70, gid 70, fsGroup 70)"
    );
}

// The same on an imported StatefulSet that wrote its claim as root, also after a link and
// a design file: the fix's fsGroup is rendered and kept.
#[test]
fn the_non_root_fix_on_an_imported_statefulset_gives_its_claim_the_group() {
    let yaml = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
  namespace: shop
spec:
  serviceName: cache
  replicas: 1
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
      - name: redis
        image: ghcr.io/acme/cache:7.2.5
        args: [\"--appendonly\", \"yes\"]
        ports:
        - name: redis
          containerPort: 6379
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
";
    let (d, env) = import(yaml);
    let fix = findings_of(&d, &env, "KP601")[0]
        .fix
        .clone()
        .expect("a fix");
    assert!(fix.label.contains("fsGroup"), "{}", fix.label);
    let mut fixed = d.clone();
    fixed.apply(fix.edit).unwrap();
    let opened = kubeprint_core::link::decode(&kubeprint_core::link::link(
        "https://kubeprint.example/",
        &fixed,
    ))
    .unwrap();
    let saved = kubeprint_core::file::from_json(&kubeprint_core::file::to_json(&opened)).unwrap();
    for design in [&fixed, &opened, &saved] {
        let yaml = render(design, &env).to_yaml();
        assert!(
            yaml.contains("fsGroup: 10001") && yaml.contains("runAsUser: 10001"),
            "{yaml}"
        );
        assert!(findings_of(design, &env, "KP601").is_empty());
    }
}
