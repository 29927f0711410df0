//! Overrides and fixes: a finding that one environment's override causes is fixed in
//! that environment, never by changing the service everywhere (prod included).

use kubeprint_core::edit::{Edit, FieldPath, Target};
use kubeprint_core::*;
use serde_json::json;

/// Every environment's YAML but `except`'s.
fn others(design: &Design, except: &str) -> Vec<(String, String)> {
    design
        .environments
        .iter()
        .filter(|e| e.name != except)
        .map(|e| (e.name.clone(), render(design, &e.name).to_yaml()))
        .collect()
}

/// Sets `pointer` of service `id`'s override in `env`.
fn override_here(
    design: &mut Design,
    env: &str,
    id: ServiceId,
    pointer: &str,
    value: serde_json::Value,
) {
    design
        .apply(Edit::Set {
            path: FieldPath::environment(env, &format!("/overrides/{}/{pointer}", id.0)),
            value,
        })
        .unwrap();
}

/// Applies the fix of the finding `code` about service `name` in `env`, and checks that
/// it went to `env`'s override, changed no other environment, and fixed it.
fn fix_in(design: &mut Design, env: &str, code: &str, name: &str, what: &str) {
    let finding = rules::validate(design, env)
        .into_iter()
        .find(|f| f.code == code && f.service.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{what}: {code} for {name} in {env}"));
    let fix = finding
        .fix
        .unwrap_or_else(|| panic!("{what}: {code} has a fix"));
    if let Edit::Set { path, .. } = &fix.edit {
        assert_eq!(
            path.target,
            Target::Environment(env.to_string()),
            "{what}: {}",
            fix.label
        );
    }
    let before = others(design, env);
    let service = design.service_named(name).unwrap().clone();
    design.apply(fix.edit).unwrap();
    assert_eq!(
        others(design, env),
        before,
        "{what}: {} changed another environment",
        fix.label
    );
    assert_eq!(
        design.service_named(name).unwrap(),
        &service,
        "{what}: the service itself"
    );
    assert!(
        !rules::validate(design, env)
            .iter()
            .any(|f| f.code == code && f.service.as_deref() == Some(name)),
        "{what}: fixed"
    );
}

/// In every template, every environment: a memory limit set below the service's
/// request here (KP502), and an HPA minimum set above its maximum here (KP201), are
/// fixed here.
#[test]
fn a_fix_of_what_an_override_caused_changes_that_environment_only() {
    let mut checked = 0;
    for t in templates::ALL {
        let base = (t.build)();
        for env in base.environments.iter().map(|e| e.name.clone()) {
            let here = base.environment(&env).unwrap();
            for s in base.services.iter().filter(|s| here.deploys(s.id)) {
                if s.resources.memory_request.is_some() && s.resources.memory_limit.is_some() {
                    let mut d = base.clone();
                    override_here(&mut d, &env, s.id, "resources/memory_limit", json!("1Mi"));
                    fix_in(&mut d, &env, "KP502", &s.name, &format!("{} {env}", t.name));
                    checked += 1;
                }
                if let Some(hpa) = &s.scaling.hpa {
                    let mut d = base.clone();
                    override_here(&mut d, &env, s.id, "hpa_min", json!(hpa.max + 3));
                    fix_in(&mut d, &env, "KP201", &s.name, &format!("{} {env}", t.name));
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 10,
        "the templates have services with limits and HPAs"
    );
}

/// Renaming an environment keeps everything it holds (its namespace, its overrides):
/// it renders the same objects under its new name, its bundle files move to the new
/// name, and it survives a share link. A name that cannot name a folder and an
/// Application, or one already taken, is refused and changes nothing.
#[test]
fn a_renamed_environment_keeps_its_overrides_and_renders_the_same() {
    let mut design = templates::miniredis();
    let redis = design.services[0].id;
    override_here(&mut design, "prod", redis, "replicas", json!(5));
    let before = render(&design, "prod").to_yaml();
    let rename = |to: &str| Edit::Set {
        path: FieldPath::environment("prod", "/name"),
        value: json!(to),
    };
    for (bad, why) in [
        ("Production", "lowercase"),
        ("", "1 to 63 characters"),
        ("prod-", "start and end"),
        ("staging", "already used"),
    ] {
        let unchanged = design.clone();
        let err = design.apply(rename(bad)).unwrap_err().to_string();
        assert!(err.contains(why), "{bad:?}: {err}");
        assert_eq!(design, unchanged, "{bad:?} changed the design");
    }
    design.apply(rename("production")).unwrap();
    assert!(design.environment("prod").is_none());
    let production = design.environment("production").unwrap();
    assert_eq!(production.overrides[&redis].replicas, Some(5));
    assert_eq!(render(&design, "production").to_yaml(), before);
    let files: Vec<String> = export::bundle(&design)
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert!(files.iter().any(|f| f.contains("production")), "{files:?}");
    assert!(
        !files.iter().any(|f| f.split('/').any(|p| p == "prod")),
        "{files:?}"
    );
    let back = link::decode(&link::link("https://k.example/", &design)).unwrap();
    assert_eq!(back, design);
}

/// The ConfigMap named `name` that `env` renders, as JSON.
fn config_map_in(design: &Design, env: &str, name: &str) -> serde_json::Value {
    render(design, env)
        .objects
        .iter()
        .map(|o| o.to_json())
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{env} renders ConfigMap {name}"))
}

/// An environment's own ConfigMap values (set as fields, as the page sets them) render
/// in that environment only, reach the Kustomize overlay and the compose file, follow a
/// renamed service, survive a link, and go when their ConfigMap goes.
#[test]
fn an_environments_configmap_values_render_there_only() {
    let mut design = templates::stfc_fastapi();
    let set = |design: &mut Design, pointer: &str, value: serde_json::Value| {
        design
            .apply(Edit::Set {
                path: FieldPath::environment("prod", pointer),
                value,
            })
            .unwrap();
    };
    set(
        &mut design,
        "/config_values/fastapi-app-env",
        json!({"LOG_LEVEL": "WARNING", "DB_HOST": "icat-mariadb.icat-api.svc"}),
    );
    let prod = config_map_in(&design, "prod", "fastapi-app-env");
    assert_eq!(prod["data"]["LOG_LEVEL"], "WARNING");
    assert_eq!(
        prod["data"]["DB_NAME"], "icat",
        "the design's other keys stay"
    );
    for env in ["dev", "staging"] {
        let other = config_map_in(&design, env, "fastapi-app-env");
        assert_eq!(other["data"]["LOG_LEVEL"], "INFO", "{env}");
    }
    // One key more, by its own path (the page edits one value at a time).
    set(
        &mut design,
        "/config_values/fastapi-app-env/APP_WORKERS",
        json!("4"),
    );
    assert_eq!(
        config_map_in(&design, "prod", "fastapi-app-env")["data"]["APP_WORKERS"],
        "4"
    );
    // Prod's pods roll when its own values change: their config checksum is of them.
    let checksum = |design: &Design, env: &str| {
        render(design, env)
            .objects
            .iter()
            .map(|o| o.to_json())
            .find(|o| o["metadata"]["name"] == "fastapi-app" && o["spec"]["template"].is_object())
            .map(|o| o["spec"]["template"]["metadata"]["annotations"]["checksum/config"].clone())
            .unwrap()
    };
    let before = checksum(&design, "prod");
    assert_ne!(before, checksum(&design, "dev"));
    set(
        &mut design,
        "/config_values/fastapi-app-env/LOG_LEVEL",
        json!("ERROR"),
    );
    assert_ne!(checksum(&design, "prod"), before);
    set(
        &mut design,
        "/config_values/fastapi-app-env/LOG_LEVEL",
        json!("WARNING"),
    );
    assert_eq!(checksum(&design, "prod"), before);
    // The environment's tab says so.
    let prod = design.environment("prod").unwrap();
    let summary = presets::environment_summary(&design, prod);
    assert!(
        summary.contains("values of its own for 3 ConfigMap keys"),
        "{summary}"
    );

    // The Kustomize overlay of prod patches exactly these values.
    let files = export::bundle(&design);
    let patch = files
        .iter()
        .find(|f| f.path == "kustomize/overlays/prod/patch-configmap-fastapi-app-env.yaml")
        .unwrap_or_else(|| panic!("{:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()));
    for value in ["WARNING", "icat-mariadb.icat-api.svc", "APP_WORKERS"] {
        assert!(patch.contents.contains(value), "{}", patch.contents);
    }
    assert!(!files
        .iter()
        .any(|f| f.path == "kustomize/overlays/dev/patch-configmap-fastapi-app-env.yaml"));
    // Compose of prod reads prod's values.
    let compose = export::compose::compose(&design, "prod");
    let text: String = compose.iter().map(|f| f.contents.as_str()).collect();
    assert!(text.contains("WARNING"), "{text}");
    let dev: String = (export::compose::compose(&design, "dev").iter())
        .map(|f| f.contents.clone())
        .collect();
    assert!(!dev.contains("WARNING"), "{dev}");

    // Renaming the database renames it in prod's values too.
    let db = design.service_named("icat-mariadb").unwrap().id;
    design
        .apply(Edit::Set {
            path: FieldPath::service(db, "/name"),
            value: json!("mariadb"),
        })
        .unwrap();
    let values = &design.environment("prod").unwrap().config_values["fastapi-app-env"];
    assert_eq!(values["DB_HOST"], "mariadb.icat-api.svc");
    assert_eq!(
        design.config_map("fastapi-app-env").unwrap().data["DB_HOST"],
        "mariadb"
    );

    // Through a link.
    let linked = link::decode(&link::encode(&design)).unwrap();
    assert_eq!(linked, design);

    // Removing the ConfigMap takes its values with it.
    design
        .apply(Edit::RemoveConfigMap("fastapi-app-env".into()))
        .unwrap();
    assert!(design.environment("prod").unwrap().config_values.is_empty());
}

/// An environment's value cleared (an emptied input) goes, and the environment's list
/// of ConfigMaps with values of their own with it; a required field still cannot be
/// cleared.
#[test]
fn clearing_an_environments_configmap_value_removes_it() {
    let mut design = templates::stfc_fastapi();
    let at = |pointer: &str| FieldPath::environment("prod", pointer);
    for (key, value) in [("LOG_LEVEL", "WARNING"), ("APP_WORKERS", "4")] {
        design
            .apply(Edit::Set {
                path: at(&format!("/config_values/fastapi-app-env/{key}")),
                value: json!(value),
            })
            .unwrap();
    }
    let clear = |design: &mut Design, key: &str| {
        design
            .apply(Edit::Set {
                path: at(&format!("/config_values/fastapi-app-env/{key}")),
                value: serde_json::Value::Null,
            })
            .unwrap()
    };
    clear(&mut design, "APP_WORKERS");
    let values = &design.environment("prod").unwrap().config_values;
    assert_eq!(values["fastapi-app-env"].len(), 1, "{values:?}");
    clear(&mut design, "LOG_LEVEL");
    assert!(design.environment("prod").unwrap().config_values.is_empty());
    assert_eq!(
        render(&design, "prod").to_yaml(),
        render(&templates::stfc_fastapi(), "prod").to_yaml()
    );
    // A field that must have a value refuses `null` still.
    let before = design.clone();
    assert!(design
        .apply(Edit::Set {
            path: at("/namespace"),
            value: serde_json::Value::Null,
        })
        .is_err());
    assert_eq!(design, before);
}

/// An environment's Ingress host (set and cleared as the inspector does) renders there
/// only.
#[test]
fn an_environments_ingress_host_renders_there_only() {
    let mut design = templates::stfc_fastapi();
    let api = design.service_named("fastapi-app").unwrap().id;
    design.service_mut(api).unwrap().exposure.ingress = Some(IngressRoute {
        host: "icat.example.org".into(),
        path: "/".into(),
        port: "http".into(),
        tls: true,
        tls_secret: None,
    });
    let host_in = |design: &Design, env: &str| {
        render(design, env)
            .objects
            .iter()
            .map(|o| o.to_json())
            .find(|o| o["kind"] == "Ingress")
            .map(|o| o["spec"]["rules"][0]["host"].clone())
            .unwrap()
    };
    let before = host_in(&design, "dev");
    override_here(
        &mut design,
        "dev",
        api,
        "ingress_host",
        json!("dev.icat.example"),
    );
    assert_eq!(host_in(&design, "dev"), "dev.icat.example");
    assert_eq!(host_in(&design, "prod"), before);
    assert_eq!(
        link::decode(&link::encode(&design)).unwrap(),
        design,
        "through a link"
    );
    override_here(
        &mut design,
        "dev",
        api,
        "ingress_host",
        serde_json::Value::Null,
    );
    assert_eq!(host_in(&design, "dev"), before);
}

/// A ConfigMap switched to a generated name (as the config page's check box does)
/// renders as `<name>-<hash>`, and its readers read that; switched back, the design is
/// as before.
#[test]
fn a_configmap_named_by_its_data_is_read_by_that_name() {
    let mut design = templates::stfc_fastapi();
    let before = render(&design, "prod").to_yaml();
    let switch = |design: &mut Design, on: bool| {
        design
            .apply(Edit::Set {
                path: FieldPath {
                    target: Target::ConfigMap("fastapi-app-env".into()),
                    pointer: "/hash_suffix".into(),
                },
                value: json!(on),
            })
            .unwrap();
    };
    switch(&mut design, true);
    let yaml = render(&design, "prod").to_yaml();
    let cm = design.config_map("fastapi-app-env").unwrap();
    let generated = naming::generated_config_map(&cm.name, &cm.data);
    assert!(yaml.contains(&format!("name: {generated}\n")), "{yaml}");
    assert!(!yaml.contains("name: fastapi-app-env\n"), "{yaml}");
    switch(&mut design, false);
    assert_eq!(render(&design, "prod").to_yaml(), before);
    assert!(!file::to_json(&design).contains("hash_suffix"));
}

/// A renamed ConfigMap is read by its new name and keeps each environment's own values;
/// a name that is taken or is no DNS subdomain is refused and changes nothing.
#[test]
fn a_renamed_configmap_is_read_by_its_new_name() {
    let mut design = templates::stfc_fastapi();
    design
        .apply(Edit::Set {
            path: FieldPath::environment_config_value("prod", "fastapi-app-env", "LOG_LEVEL"),
            value: json!("WARNING"),
        })
        .unwrap();
    let rename = |to: &str| Edit::Set {
        path: FieldPath {
            target: Target::ConfigMap("fastapi-app-env".into()),
            pointer: "/name".into(),
        },
        value: json!(to),
    };
    design.config_maps.push(ConfigMapDef {
        name: "taken".into(),
        ..ConfigMapDef::default()
    });
    for (bad, why) in [("taken", "taken"), ("API env", "lowercase")] {
        let before = design.clone();
        let err = design.apply(rename(bad)).unwrap_err().to_string();
        assert!(err.contains(why) || err.contains("already"), "{bad}: {err}");
        assert_eq!(design, before);
    }
    design.apply(rename("api-env")).unwrap();
    assert!(design.config_map("fastapi-app-env").is_none());
    let api = design.service_named("fastapi-app").unwrap();
    let reads: Vec<&str> = render::references(api, false).collect();
    assert!(
        reads.contains(&"api-env") && !reads.contains(&"fastapi-app-env"),
        "{reads:?}"
    );
    let prod = config_map_in(&design, "prod", "api-env");
    assert_eq!(prod["data"]["LOG_LEVEL"], "WARNING");
    assert!(rules::validate(&design, "prod")
        .iter()
        .all(|f| f.code != "KP305"));
}

/// A renamed Secret of an imported design is read by its new name wherever its pods read
/// it (a variable's key, a volume, every key as variables), a Pod kept whole from the
/// import included, in a link too; a taken or
/// invalid name is refused and changes nothing.
#[test]
fn a_renamed_secret_is_read_by_its_new_name() {
    let manifests = "apiVersion: v1
kind: Secret
metadata:
  name: payments-db
type: Opaque
stringData:
  PGPASSWORD: changeme
  ca.crt: placeholder
---
apiVersion: v1
kind: Secret
metadata:
  name: payments-api-keys
type: Opaque
stringData:
  STRIPE_KEY: placeholder
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: payments
  template:
    metadata:
      labels:
        app.kubernetes.io/name: payments
    spec:
      containers:
        - name: payments
          image: ghcr.io/acme/payments:1.12.0
          env:
            - name: PGPASSWORD
              valueFrom:
                secretKeyRef:
                  name: payments-db
                  key: PGPASSWORD
          envFrom:
            - secretRef:
                name: payments-api-keys
          volumeMounts:
            - name: db-ca
              mountPath: /etc/payments/db
              readOnly: true
      volumes:
        - name: db-ca
          secret:
            secretName: payments-db
---
apiVersion: v1
kind: Pod
metadata:
  name: db-readiness-check
spec:
  restartPolicy: Never
  containers:
    - name: psql
      image: postgres:16.4
      command: [pg_isready, -h, payments-postgres-primary]
      env:
        - name: PGPASSWORD
          valueFrom:
            secretKeyRef:
              name: payments-db
              key: PGPASSWORD
      volumeMounts:
        - name: ca
          mountPath: /ca
  volumes:
    - name: ca
      projected:
        sources:
          - secret:
              name: payments-db
";
    let mut design = import::kubernetes(manifests).design;
    // The Pod is kept whole: its reads follow the rename too.
    assert_eq!(design.extra_objects.len(), 1);
    let rename = |from: &str, to: &str| Edit::Set {
        path: FieldPath {
            target: Target::Secret(from.into()),
            pointer: "/name".into(),
        },
        value: json!(to),
    };
    for (bad, why) in [("payments-api-keys", "already"), ("DB creds", "lowercase")] {
        let before = design.clone();
        let err = design
            .apply(rename("payments-db", bad))
            .unwrap_err()
            .to_string();
        assert!(err.contains(why) || err.contains("taken"), "{bad}: {err}");
        assert_eq!(design, before);
    }
    design
        .apply(rename("payments-db", "payments-postgres"))
        .unwrap();
    let design = link::decode(&link::link("https://kubeprint.example/", &design)).unwrap();
    assert!(design.secret("payments-db").is_none());
    let payments = design.service_named("payments").unwrap();
    let reads: Vec<&str> = render::references(payments, true).collect();
    assert!(
        reads.contains(&"payments-postgres") && !reads.contains(&"payments-db"),
        "{reads:?}"
    );
    let env = design.environments[0].name.clone();
    let yaml = render(&design, &env).to_yaml();
    assert_eq!(yaml.matches("payments-db").count(), 0, "{yaml}");
    // The Secret itself, the variables' key references (the Deployment's and the kept
    // Pod's), the Pod's projected volume, and the Deployment's volume.
    assert_eq!(
        yaml.matches("name: payments-postgres\n").count(),
        4,
        "{yaml}"
    );
    assert_eq!(
        yaml.matches("secretName: payments-postgres").count(),
        1,
        "{yaml}"
    );
    assert!(rules::validate(&design, &env)
        .iter()
        .all(|f| !f.message.contains("payments-db")));
}

/// A ConfigMap key and a Secret key renamed after an import: the data, an environment's
/// own value, a variable read by key and a file mounted alone (`subPath`) follow, in a
/// link too; a taken, invalid or missing key is refused and changes nothing.
#[test]
fn a_renamed_key_is_read_by_its_new_name() {
    let manifests = "apiVersion: v1
kind: ConfigMap
metadata:
  name: storefront-config
data:
  CHECKOUT_URL: http://checkout:8080/api
  LOG_LEVEL: info
  default.conf: |
    server { listen 8080; }
---
apiVersion: v1
kind: Secret
metadata:
  name: storefront-secrets
type: Opaque
stringData:
  SESSION_KEY: placeholder
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: storefront
  template:
    metadata:
      labels:
        app.kubernetes.io/name: storefront
    spec:
      containers:
        - name: storefront
          image: ghcr.io/acme/storefront:3.2.0
          env:
            - name: UPSTREAM
              valueFrom:
                configMapKeyRef:
                  name: storefront-config
                  key: CHECKOUT_URL
            - name: SESSION_KEY
              valueFrom:
                secretKeyRef:
                  name: storefront-secrets
                  key: SESSION_KEY
          volumeMounts:
            - name: nginx
              mountPath: /etc/nginx/conf.d/default.conf
              subPath: default.conf
      volumes:
        - name: nginx
          configMap:
            name: storefront-config
";
    let mut design = import::kubernetes(manifests).design;
    let env = design.environments[0].name.clone();
    design
        .apply(Edit::Set {
            path: FieldPath::environment_config_value(&env, "storefront-config", "CHECKOUT_URL"),
            value: json!("http://checkout.prod:8080/api"),
        })
        .unwrap();
    let rename = |secret: bool, object: &str, from: &str, to: &str| Edit::RenameKey {
        secret,
        object: object.into(),
        from: from.into(),
        to: to.into(),
    };
    for (edit, why) in [
        (
            rename(false, "storefront-config", "CHECKOUT_URL", "LOG_LEVEL"),
            "already",
        ),
        (
            rename(false, "storefront-config", "CHECKOUT_URL", "checkout url"),
            "letters",
        ),
        (
            rename(false, "storefront-config", "NOPE", "X"),
            "no key `NOPE`",
        ),
        (
            rename(true, "storefront-secrets", "SESSION_KEY", "a/b"),
            "letters",
        ),
    ] {
        let before = design.clone();
        let err = design.apply(edit).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
        assert_eq!(design, before);
    }
    design
        .apply(Edit::Batch(vec![
            rename(false, "storefront-config", "CHECKOUT_URL", "UPSTREAM_URL"),
            rename(
                false,
                "storefront-config",
                "default.conf",
                "storefront.conf",
            ),
            rename(true, "storefront-secrets", "SESSION_KEY", "COOKIE_SECRET"),
        ]))
        .unwrap();
    let design = link::decode(&link::link("https://kubeprint.example/", &design)).unwrap();
    let yaml = render(&design, &env).to_yaml();
    for gone in [
        "CHECKOUT_URL",
        "default.conf: |",
        "subPath: default.conf",
        "SESSION_KEY:",
        "key: SESSION_KEY",
    ] {
        assert!(!yaml.contains(gone), "{gone} in {yaml}");
    }
    for here in [
        "UPSTREAM_URL: http://checkout.prod:8080/api",
        "key: UPSTREAM_URL",
        "subPath: storefront.conf",
        "storefront.conf: |",
        "key: COOKIE_SECRET",
    ] {
        assert!(yaml.contains(here), "{here} not in {yaml}");
    }
    assert_eq!(
        design.secret("storefront-secrets").unwrap().keys,
        ["COOKIE_SECRET"]
    );
    let findings = rules::validate(&design, &env);
    assert!(
        findings.iter().all(|f| f.code != "KP305"),
        "{:?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

/// A Secret volume that lists `items` (a CA bundle projected under a path of its own):
/// a key renamed is renamed in the items and the `subPath`, which names the item's path,
/// stays; a key the Secret lacks is a finding whose fix adds it back; in a link too.
#[test]
fn a_volume_listing_items_follows_a_renamed_key_and_is_checked() {
    let manifests = "apiVersion: v1
kind: Secret
metadata:
  name: ledger-tls
type: Opaque
stringData:
  ca.crt: placeholder
  client.key: placeholder
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ledger
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ledger
    spec:
      containers:
        - name: ledger
          image: ghcr.io/acme/ledger:5.1.0
          volumeMounts:
            - name: ca
              mountPath: /etc/ssl/ledger/ca.pem
              subPath: bundle.pem
              readOnly: true
            - name: client
              mountPath: /etc/ledger/client.key
              subPath: client.key
              readOnly: true
      volumes:
        - name: ca
          secret:
            secretName: ledger-tls
            items:
              - key: ca.crt
                path: bundle.pem
        - name: client
          secret:
            secretName: ledger-tls
";
    let mut design = import::kubernetes(manifests).design;
    let env = design.environments[0].name.clone();
    let deployment = |d: &Design| {
        let objects = render(d, &env).objects;
        let o = objects.iter().find(|o| o.kind() == "Deployment").unwrap();
        o.to_json()["spec"]["template"]["spec"].clone()
    };
    let rename = |from: &str, to: &str| Edit::RenameKey {
        secret: true,
        object: "ledger-tls".into(),
        from: from.into(),
        to: to.into(),
    };
    assert!(!validate(&design, &env).iter().any(|f| f.code == "KP305"));

    design.apply(rename("ca.crt", "ca-bundle.pem")).unwrap();
    design.apply(rename("client.key", "tls.key")).unwrap();
    let design = link::decode(&link::encode(&design)).unwrap();
    let spec = deployment(&design);
    assert_eq!(
        spec["volumes"][0]["secret"]["items"],
        json!([{"key": "ca-bundle.pem", "path": "bundle.pem"}])
    );
    let mounts = &spec["containers"][0]["volumeMounts"];
    assert_eq!(mounts[0]["subPath"], "bundle.pem", "the item's path stays");
    assert_eq!(
        mounts[1]["subPath"], "tls.key",
        "a key mounted alone follows"
    );
    assert!(!validate(&design, &env).iter().any(|f| f.code == "KP305"));

    // The listed key removed: the volume cannot be set up, and the fix adds it back.
    let mut design = design;
    let keys = FieldPath {
        target: Target::Secret("ledger-tls".into()),
        pointer: "/keys".into(),
    };
    design
        .apply(Edit::Set {
            path: keys,
            value: json!(["tls.key"]),
        })
        .unwrap();
    let found = validate(&design, &env);
    let missing = found.iter().find(|f| f.code == "KP305").expect("KP305");
    assert!(
        missing
            .message
            .contains("volume `ca` lists key `ca-bundle.pem`"),
        "{}",
        missing.message
    );
    let fix = missing.fix.clone().expect("a fix");
    design.apply(fix.edit).unwrap();
    assert!(!validate(&design, &env).iter().any(|f| f.code == "KP305"));
    assert_eq!(
        design.secret("ledger-tls").unwrap().keys,
        ["tls.key", "ca-bundle.pem"]
    );
}

/// Objects kept whole (a bare Pod, which the model does not hold) read a renamed key by
/// its new name: a variable by key, the items of a volume and of a projected volume, and
/// a file mounted alone (`subPath`) from a volume holding every key, for a ConfigMap and a
/// Secret; a `subPath` into a volume that lists items names the item's path and stays, and
/// other objects' and other keys' reads stay.
#[test]
fn objects_kept_whole_read_a_renamed_key_by_its_new_name() {
    let manifests = "apiVersion: v1
kind: ConfigMap
metadata:
  name: ledger-config
data:
  LEDGER_URL: http://ledger:8080
  REGION: eu-west-1
---
apiVersion: v1
kind: Secret
metadata:
  name: ledger-tls
type: Opaque
stringData:
  ca.crt: placeholder
---
apiVersion: v1
kind: Pod
metadata:
  name: ledger-debug
spec:
  restartPolicy: Never
  containers:
    - name: shell
      image: ghcr.io/acme/toolbox:2.4.0
      env:
        - name: LEDGER_URL
          valueFrom:
            configMapKeyRef:
              name: ledger-config
              key: LEDGER_URL
        - name: REGION
          valueFrom:
            configMapKeyRef:
              name: ledger-config
              key: REGION
      volumeMounts:
        - name: ca
          mountPath: /etc/ssl/ledger
        - name: all
          mountPath: /etc/ledger
        - name: ca
          mountPath: /etc/ssl/certs/ledger.pem
          subPath: ca.pem
  initContainers:
    - name: wait-for-ledger
      image: ghcr.io/acme/toolbox:2.4.0
      volumeMounts:
        - name: settings
          mountPath: /etc/ledger/url
          subPath: LEDGER_URL
        - name: settings
          mountPath: /etc/ledger/region
          subPath: REGION
        - name: tls
          mountPath: /etc/ssl/ledger-ca.crt
          subPath: ca.crt
  volumes:
    - name: settings
      configMap:
        name: ledger-config
    - name: tls
      projected:
        sources:
          - secret:
              name: ledger-tls
    - name: ca
      secret:
        secretName: ledger-tls
        items:
          - key: ca.crt
            path: ca.pem
    - name: all
      projected:
        sources:
          - configMap:
              name: ledger-config
              items:
                - key: LEDGER_URL
                  path: url
          - secret:
              name: ledger-tls
              items:
                - key: ca.crt
                  path: ca.pem
";
    let mut design = import::kubernetes(manifests).design;
    let env = design.environments[0].name.clone();
    let rename = |secret: bool, object: &str, from: &str, to: &str| Edit::RenameKey {
        secret,
        object: object.into(),
        from: from.into(),
        to: to.into(),
    };
    design
        .apply(rename(
            false,
            "ledger-config",
            "LEDGER_URL",
            "LEDGER_ENDPOINT",
        ))
        .unwrap();
    design
        .apply(rename(true, "ledger-tls", "ca.crt", "ca-bundle.pem"))
        .unwrap();
    let design = link::decode(&link::encode(&design)).unwrap();
    let objects = render(&design, &env).objects;
    let pod = objects
        .iter()
        .find(|o| o.kind() == "Pod")
        .expect("the Pod kept");
    let spec = pod.to_json()["spec"].clone();
    let env_vars = &spec["containers"][0]["env"];
    assert_eq!(
        env_vars[0]["valueFrom"]["configMapKeyRef"]["key"],
        "LEDGER_ENDPOINT"
    );
    assert_eq!(env_vars[1]["valueFrom"]["configMapKeyRef"]["key"], "REGION");
    assert_eq!(
        spec["volumes"][2]["secret"]["items"],
        json!([{"key": "ca-bundle.pem", "path": "ca.pem"}])
    );
    let sources = &spec["volumes"][3]["projected"]["sources"];
    assert_eq!(
        sources[0]["configMap"]["items"][0]["key"],
        "LEDGER_ENDPOINT"
    );
    assert_eq!(sources[1]["secret"]["items"][0]["key"], "ca-bundle.pem");
    assert_eq!(sources[1]["secret"]["items"][0]["path"], "ca.pem");
    let sub_paths = |c: &serde_json::Value| -> Vec<serde_json::Value> {
        let mounts = c["volumeMounts"].as_array().unwrap();
        mounts.iter().map(|m| m["subPath"].clone()).collect()
    };
    assert_eq!(
        sub_paths(&spec["initContainers"][0]),
        [
            json!("LEDGER_ENDPOINT"),
            json!("REGION"),
            json!("ca-bundle.pem")
        ],
        "a file of a volume holding every key, mounted alone, follows its key"
    );
    assert_eq!(
        sub_paths(&spec["containers"][0])[2],
        "ca.pem",
        "a subPath into a volume listing items names the item's path"
    );
}

/// A service's variables as an environment sets them: a finding about one is made on the
/// service as it runs there, and points at that environment's value where it sets one,
/// at the service's own variable (not one place further, where a variable before it is
/// left out there) where it does not; a fix sets the value where it is set.
#[test]
fn findings_about_variables_point_where_each_environment_sets_them() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().clone();
    let shutdown = api.timing.app_shutdown_seconds;
    let mut vars = api.config.env.clone();
    let first = vars.len();
    vars.extend([
        EnvVar::literal("DEBUG", "true"),
        EnvVar::literal("SHUTDOWN_TIMEOUT", &format!("{shutdown}s")),
        EnvVar::literal("ADMIN_PASSWORD", "changeme"),
    ]);
    d.apply(Edit::Set {
        path: FieldPath::service(api.id, "/config/env"),
        value: serde_json::to_value(&vars).unwrap(),
    })
    .unwrap();
    override_here(&mut d, "prod", api.id, "env/DEBUG", json!(false));
    override_here(
        &mut d,
        "prod",
        api.id,
        "env/SHUTDOWN_TIMEOUT",
        json!("300s"),
    );
    override_here(&mut d, "prod", api.id, "env/API_TOKEN", json!("hunter2"));
    let here =
        |name: &str| FieldPath::environment("prod", &format!("/overrides/{}/env/{name}", api.id.0));
    let found = |d: &Design, env: &str, code: &str, needle: &str| {
        rules::validate(d, env)
            .into_iter()
            .find(|f| f.code == code && f.message.contains(needle))
    };

    // The drain setting prod tells the app: found at prod's value, and fixed there.
    assert!(found(&d, "staging", "KP118", "SHUTDOWN_TIMEOUT").is_none());
    let drain = found(&d, "prod", "KP118", "SHUTDOWN_TIMEOUT").expect("prod's 300 s");
    assert_eq!(drain.path, here("SHUTDOWN_TIMEOUT"));
    // The secret only prod writes: found at prod's value, and fixed there: prod reads it
    // from a Secret (the design's way of saying so), other environments have nothing.
    let token = found(&d, "prod", "KP609", "API_TOKEN").expect("prod's literal token");
    assert_eq!(token.path, here("API_TOKEN"));
    let mut read = d.clone();
    read.apply(token.fix.expect("read it from a Secret").edit)
        .unwrap();
    assert!(found(&read, "prod", "KP609", "API_TOKEN").is_none());
    let prod = &read.environment("prod").unwrap().overrides[&api.id];
    let VarHere::Read(EnvValue::SecretKey { name, key }) = &prod.env["API_TOKEN"] else {
        panic!("{:?}", prod.env["API_TOKEN"]);
    };
    assert!(read.secret(name).is_some_and(|s| s.keys.contains(key)));
    let token_of = |d: &Design, env: &str| {
        let s = effective(d.service(api.id).unwrap(), d.environment(env).unwrap());
        s.config
            .env
            .into_iter()
            .find(|v| v.name == "API_TOKEN")
            .map(|v| v.value)
    };
    assert_eq!(
        token_of(&read, "prod"),
        Some(EnvValue::SecretKey {
            name: name.clone(),
            key: key.clone()
        })
    );
    assert_eq!(token_of(&read, "staging"), None);
    // The service's own literal password, after the variable prod leaves out: found at
    // the service's variable in every environment, and its fix is the service's.
    let own = FieldPath::service(api.id, &format!("/config/env/{}", first + 2));
    for env in ["staging", "prod"] {
        let password = found(&d, env, "KP609", "ADMIN_PASSWORD").expect("the literal password");
        assert_eq!(password.path, own, "{env}");
    }
    let mut fixed = d.clone();
    let fix = found(&d, "prod", "KP609", "ADMIN_PASSWORD")
        .unwrap()
        .fix
        .unwrap();
    fixed.apply(fix.edit).unwrap();
    assert!(found(&fixed, "prod", "KP609", "ADMIN_PASSWORD").is_none());
    assert!(found(&fixed, "staging", "KP609", "ADMIN_PASSWORD").is_none());
    assert!(fixed
        .service(api.id)
        .unwrap()
        .config
        .env
        .iter()
        .any(|v| v.name == "DEBUG"));

    fix_in(
        &mut d,
        "prod",
        "KP118",
        "fastapi-app",
        "prod's drain setting",
    );
    let o = &d.environment("prod").unwrap().overrides[&api.id];
    assert_eq!(
        o.env["SHUTDOWN_TIMEOUT"],
        VarHere::Value(format!("{shutdown}s"))
    );
}

/// A variable only one environment sets comes before the first of the service's that
/// reads it as `$(NAME)`, which Kubernetes expands only from variables defined before
/// it; one nothing reads comes last.
#[test]
fn a_variable_only_an_environment_sets_comes_before_those_that_read_it() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("OTEL_SERVICE_NAME", "icat-api"));
    vars.push(EnvVar::literal(
        "OTEL_RESOURCE_ATTRIBUTES",
        "deployment.environment=$(DEPLOY_ENV),cloud.region=$(REGION)",
    ));
    override_here(&mut d, "prod", api, "env/REGION", json!("eu-west-2"));
    override_here(&mut d, "prod", api, "env/DEPLOY_ENV", json!("production"));
    override_here(
        &mut d,
        "prod",
        api,
        "env/SENTRY_ENVIRONMENT",
        json!("production"),
    );
    let here = effective(d.service(api).unwrap(), d.environment("prod").unwrap());
    let names: Vec<&str> = here.config.env.iter().map(|v| v.name.as_str()).collect();
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    assert!(
        at("DEPLOY_ENV") < at("OTEL_RESOURCE_ATTRIBUTES"),
        "{names:?}"
    );
    assert!(at("REGION") < at("OTEL_RESOURCE_ATTRIBUTES"), "{names:?}");
    assert_eq!(names.last(), Some(&"SENTRY_ENVIRONMENT"), "{names:?}");
    assert_eq!(
        at("OTEL_SERVICE_NAME") + 3,
        at("OTEL_RESOURCE_ATTRIBUTES"),
        "{names:?}"
    );
}

/// A variable given twice (KP306), which Kubernetes takes the last of: an environment's
/// value is the value of both, and an environment that leaves it out leaves out both.
#[test]
fn an_environments_value_of_a_variable_given_twice_is_the_one_that_runs() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("UVICORN_LOG_LEVEL", "info"));
    vars.push(EnvVar::literal("UVICORN_LOG_LEVEL", "debug"));
    override_here(
        &mut d,
        "prod",
        api,
        "env/UVICORN_LOG_LEVEL",
        json!("warning"),
    );
    override_here(
        &mut d,
        "staging",
        api,
        "env/UVICORN_LOG_LEVEL",
        json!(false),
    );
    let values = |env: &str| {
        let here = effective(d.service(api).unwrap(), d.environment(env).unwrap());
        (here.config.env.into_iter())
            .filter(|v| v.name == "UVICORN_LOG_LEVEL")
            .map(|v| v.value)
            .collect::<Vec<_>>()
    };
    let literal = |v: &str| EnvValue::Literal(v.into());
    assert_eq!(values("prod"), [literal("warning"), literal("warning")]);
    assert_eq!(values("staging"), []);
    assert_eq!(values("dev"), [literal("info"), literal("debug")]);
}

/// A variable of the service renamed to one an environment sets only for itself, where
/// that environment has a setting of its own for the renamed one too, is refused: one of
/// the two would be lost. Without such a setting, the environment's variable becomes its
/// value of the renamed one.
#[test]
fn a_variable_renamed_onto_one_only_an_environment_sets_keeps_both_settings() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("DEBUG", "true"));
    vars.push(EnvVar::literal("PROFILER", "off"));
    let (debug, profiler) = (vars.len() - 2, vars.len() - 1);
    override_here(&mut d, "prod", api, "env/DEBUG", json!(false));
    override_here(&mut d, "prod", api, "env/REGION", json!("eu-west-1"));
    let rename = |d: &mut Design, i: usize, to: &str| {
        d.apply(Edit::Set {
            path: FieldPath::service(api, &format!("/config/env/{i}/name")),
            value: to.into(),
        })
    };
    let before = d.clone();
    let refused = rename(&mut d, debug, "REGION").unwrap_err().to_string();
    assert!(
        refused.contains("prod sets `REGION` only for itself"),
        "{refused}"
    );
    assert_eq!(d, before);
    rename(&mut d, profiler, "REGION").unwrap();
    let here = effective(d.service(api).unwrap(), d.environment("prod").unwrap());
    let region: Vec<_> = here
        .config
        .env
        .iter()
        .filter(|v| v.name == "REGION")
        .collect();
    assert_eq!(region, [&EnvVar::literal("REGION", "eu-west-1")]);
}

/// `Edit::LeaveOutKey`, as the config page's "Leave out of prod" sends it.
fn leave_out(design: &mut Design, env: &str, key: &str, out: bool) {
    design
        .apply(Edit::LeaveOutKey {
            env: env.into(),
            config_map: "fastapi-app-env".into(),
            key: key.into(),
            out,
        })
        .unwrap();
}

/// An environment leaves a key of the design's ConfigMap out (with its own value of
/// it): it renders every other key, the other environments all of them, and its
/// Kustomize overlay says so (the Helm chart: `helm.rs`). The key left out follows a
/// renamed key and ConfigMap, survives a file and a link, and put back renders as
/// before. A pod reading it is flagged in that environment alone, with a fix that puts
/// it back.
#[test]
fn an_environment_leaves_a_key_of_the_design_out() {
    let template = templates::stfc_fastapi();
    let mut design = template.clone();
    let at = |pointer: &str| FieldPath::environment("prod", pointer);
    design
        .apply(Edit::Set {
            path: at("/config_values/fastapi-app-env/LOG_LEVEL"),
            value: json!("WARNING"),
        })
        .unwrap();
    leave_out(&mut design, "prod", "LOG_LEVEL", true);
    let prod = design.environment("prod").unwrap();
    assert!(
        prod.config_values.is_empty(),
        "its own value goes with the key: {:?}",
        prod.config_values
    );
    let data =
        |design: &Design, env: &str| config_map_in(design, env, "fastapi-app-env")["data"].clone();
    assert!(
        data(&design, "prod").get("LOG_LEVEL").is_none(),
        "{}",
        data(&design, "prod")
    );
    assert_eq!(
        data(&design, "prod")["DB_NAME"],
        "icat",
        "the other keys stay"
    );
    for env in ["dev", "staging"] {
        assert_eq!(data(&design, env)["LOG_LEVEL"], "INFO", "{env}");
    }
    let summary = presets::environment_summary(&design, design.environment("prod").unwrap());
    assert!(
        summary.contains("leaves out 1 ConfigMap key of the design's"),
        "{summary}"
    );

    // Only the design's keys can be left out, and only of an environment there is.
    let before = design.clone();
    for (env, key) in [("prod", "NOT_A_KEY"), ("qa", "DB_NAME")] {
        let refused = design.apply(Edit::LeaveOutKey {
            env: env.into(),
            config_map: "fastapi-app-env".into(),
            key: key.into(),
            out: true,
        });
        assert!(refused.is_err(), "{env} {key}");
    }
    assert_eq!(design, before);

    // Compose of prod has no such variable; dev's has it.
    let compose = |env: &str| -> String {
        (export::compose::compose(&design, env).iter())
            .map(|f| f.contents.clone())
            .collect()
    };
    assert!(
        !compose("prod").contains("LOG_LEVEL"),
        "{}",
        compose("prod")
    );
    assert!(compose("dev").contains("LOG_LEVEL"), "{}", compose("dev"));

    // Prod's overlay removes the key from the base's ConfigMap.
    let files = export::bundle(&design);
    let patch = (files.iter())
        .find(|f| f.path == "kustomize/overlays/prod/patch-configmap-fastapi-app-env.yaml")
        .unwrap_or_else(|| panic!("{:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()));
    assert!(patch.contents.contains("op: remove"), "{}", patch.contents);
    assert!(
        patch.contents.contains("/data/LOG_LEVEL"),
        "{}",
        patch.contents
    );

    // A pod reading the key is flagged in prod alone; the fix puts the key back there.
    let db = design.service_named("icat-mariadb").unwrap().id;
    // The database's one variable, `key` of the ConfigMap.
    let reads = |design: &mut Design, key: &str| {
        design
            .apply(Edit::Set {
                path: FieldPath::service(db, "/config/env"),
                value: json!([{"name": key, "value": {"config_map_key": {"name": "fastapi-app-env", "key": key}}}]),
            })
            .unwrap()
    };
    // KP305 in `env` whose message says `what`.
    let kp305 = |design: &Design, env: &str, what: &str| {
        rules::validate(design, env)
            .into_iter()
            .find(|f| f.code == "KP305" && f.message.contains(what))
    };
    reads(&mut design, "LOG_LEVEL");
    let left_out = |design: &Design, env: &str| kp305(design, env, "leaves out");
    assert!(left_out(&design, "dev").is_none());
    let finding = left_out(&design, "prod").expect("prod's pod reads a key prod leaves out");
    assert!(
        finding.message.contains("which prod leaves out"),
        "{}",
        finding.message
    );
    let fix = finding.fix.expect("a fix");
    assert_eq!(fix.label, "Put key `LOG_LEVEL` back in prod");
    let mut fixed = design.clone();
    fixed.apply(fix.edit).unwrap();
    assert!(left_out(&fixed, "prod").is_none());
    assert_eq!(data(&fixed, "prod")["LOG_LEVEL"], "INFO");

    // A key only dev has of its own: staging's reader is told staging lacks it (not
    // that the ConfigMap has no such key), and the fix says whom its empty value
    // reaches: not dev, whose own value stays.
    let mut others = design.clone();
    others
        .apply(Edit::Set {
            path: FieldPath::environment_config_value("dev", "fastapi-app-env", "TRACE"),
            value: json!("on"),
        })
        .unwrap();
    reads(&mut others, "TRACE");
    let theirs = |d: &Design, env: &str| kp305(d, env, "`TRACE`");
    assert!(theirs(&others, "dev").is_none());
    let finding = theirs(&others, "staging").expect("staging's reader");
    assert!(
        finding
            .message
            .ends_with("`fastapi-app-env`, which staging does not have"),
        "{}",
        finding.message
    );
    let fix = finding.fix.expect("a fix");
    assert_eq!(fix.label, "Add key `TRACE` to `fastapi-app-env`, empty, for every environment without a value of its own");
    others.apply(fix.edit).unwrap();
    assert!(theirs(&others, "staging").is_none());
    assert_eq!(
        config_map_in(&others, "dev", "fastapi-app-env")["data"]["TRACE"],
        "on"
    );

    // A renamed key and a renamed ConfigMap stay left out; a file and a link keep it.
    design
        .apply(Edit::RenameKey {
            secret: false,
            object: "fastapi-app-env".into(),
            from: "LOG_LEVEL".into(),
            to: "LOGLEVEL".into(),
        })
        .unwrap();
    assert!(design
        .environment("prod")
        .unwrap()
        .leaves_out("fastapi-app-env", "LOGLEVEL"));
    design
        .apply(Edit::Set {
            path: FieldPath {
                target: Target::ConfigMap("fastapi-app-env".into()),
                pointer: "/name".into(),
            },
            value: json!("app-env"),
        })
        .unwrap();
    let prod = design.environment("prod").unwrap();
    assert!(
        prod.leaves_out("app-env", "LOGLEVEL"),
        "{:?}",
        prod.config_left_out
    );
    assert!(config_map_in(&design, "prod", "app-env")["data"]
        .get("LOGLEVEL")
        .is_none());
    assert_eq!(file::from_json(&file::to_json(&design)).unwrap(), design);
    assert_eq!(link::decode(&link::encode(&design)).unwrap(), design);

    // A key removed from the design is no longer left out: added again, prod has it.
    let mut removed = design.clone();
    let mut keys = removed.config_map("app-env").unwrap().data.clone();
    keys.remove("LOGLEVEL");
    let data_path = FieldPath {
        target: Target::ConfigMap("app-env".into()),
        pointer: "/data".into(),
    };
    removed
        .apply(Edit::Set {
            path: data_path.clone(),
            value: json!(keys),
        })
        .unwrap();
    assert!(removed
        .environment("prod")
        .unwrap()
        .config_left_out
        .is_empty());
    keys.insert("LOGLEVEL".into(), "INFO".into());
    removed
        .apply(Edit::Set {
            path: data_path,
            value: json!(keys),
        })
        .unwrap();
    assert_eq!(
        config_map_in(&removed, "prod", "app-env")["data"]["LOGLEVEL"],
        "INFO"
    );

    // Removing the ConfigMap takes what prod leaves out of it too.
    let mut gone = design.clone();
    gone.apply(Edit::RemoveConfigMap("app-env".into())).unwrap();
    assert!(gone.environment("prod").unwrap().config_left_out.is_empty());

    // A value of prod's own for the key brings it back: prod no longer leaves it out
    // (the page shows one or the other, never both).
    let mut own = template.clone();
    leave_out(&mut own, "prod", "LOG_LEVEL", true);
    own.apply(Edit::Set {
        path: FieldPath::environment_config_value("prod", "fastapi-app-env", "LOG_LEVEL"),
        value: json!("ERROR"),
    })
    .unwrap();
    let prod = own.environment("prod").unwrap();
    assert!(
        prod.config_left_out.is_empty(),
        "{:?}",
        prod.config_left_out
    );
    assert_eq!(
        config_map_in(&own, "prod", "fastapi-app-env")["data"]["LOG_LEVEL"],
        "ERROR"
    );

    // A key removed (the page's ✕) goes from the design and from every environment's
    // own values and keys left out; undone as one step.
    let mut removed = template.clone();
    leave_out(&mut removed, "prod", "DB_NAME", true);
    removed
        .apply(Edit::Set {
            path: FieldPath::environment_config_value("dev", "fastapi-app-env", "DB_NAME"),
            value: json!("icat_dev"),
        })
        .unwrap();
    removed
        .apply(Edit::RemoveKey {
            config_map: "fastapi-app-env".into(),
            key: "DB_NAME".into(),
        })
        .unwrap();
    assert!(!removed
        .config_map("fastapi-app-env")
        .unwrap()
        .data
        .contains_key("DB_NAME"));
    for env in &removed.environments {
        assert!(
            env.config_values.is_empty() && env.config_left_out.is_empty(),
            "{}",
            env.name
        );
        assert!(
            config_map_in(&removed, &env.name, "fastapi-app-env")["data"]
                .get("DB_NAME")
                .is_none()
        );
    }
    let refused = removed.apply(Edit::RemoveKey {
        config_map: "fastapi-app-env".into(),
        key: "DB_NAME".into(),
    });
    assert!(refused.is_err(), "a key that is nowhere");

    // Put back, prod renders what it rendered before any of this.
    let mut back = template.clone();
    leave_out(&mut back, "prod", "LOG_LEVEL", true);
    leave_out(&mut back, "prod", "LOG_LEVEL", false);
    assert!(back.environment("prod").unwrap().config_left_out.is_empty());
    assert_eq!(back, template);
}

/// The golden design whose environments read variables from keys (prod's
/// `DATABASE_URL` from a Secret, staging's from a ConfigMap, `SENTRY_DSN` only prod
/// sets).
fn variables_from_keys() -> Design {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/links/variables-from-keys.json"
    );
    file::from_json(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// The main container's variable `name` as rendered in `env`: its `value`, or its
/// `valueFrom`, and its place among the variables.
fn rendered_var(d: &Design, env: &str, name: &str) -> Option<(usize, serde_json::Value)> {
    let yaml = render(d, env)
        .objects
        .into_iter()
        .find(|o| o.kind() == "Deployment" && o.name() == "fastapi-app")?
        .to_json();
    let vars = yaml["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()?
        .clone();
    let at = vars.iter().position(|v| v["name"] == name)?;
    let v = &vars[at];
    Some((at, v.get("valueFrom").unwrap_or(&v["value"]).clone()))
}

/// An environment reads a variable from a key of a Secret or ConfigMap where the
/// service writes it: rendered so in that environment only, through a design file and a
/// link alike; one only that environment sets comes before the variable that reads it.
#[test]
fn an_environment_reads_a_variable_from_a_key_where_another_writes_it() {
    let d = variables_from_keys();
    let linked = link::decode(&link::encode(&d)).unwrap();
    let filed = file::from_json(&file::to_json(&d)).unwrap();
    for d in [&d, &linked, &filed] {
        let (_, dev) = rendered_var(d, "dev", "DATABASE_URL").unwrap();
        assert_eq!(dev, "mysql://icat:icat@icat-mariadb:3306/icat");
        let (_, prod) = rendered_var(d, "prod", "DATABASE_URL").unwrap();
        assert_eq!(
            prod,
            json!({"secretKeyRef": {"name": "icat-api-prod", "key": "database-url"}})
        );
        let (_, staging) = rendered_var(d, "staging", "DATABASE_URL").unwrap();
        assert_eq!(
            staging,
            json!({"configMapKeyRef": {"name": "fastapi-app-env", "key": "STAGING_DATABASE_URL"}})
        );
        let (dsn, from) = rendered_var(d, "prod", "SENTRY_DSN").unwrap();
        assert_eq!(from["secretKeyRef"]["key"], "sentry-dsn");
        let (reader, _) = rendered_var(d, "prod", "SENTRY_ENVIRONMENT_DSN").unwrap();
        assert!(
            dsn < reader,
            "$(SENTRY_DSN) expands only from a variable before it"
        );
        assert!(rendered_var(d, "dev", "SENTRY_DSN").is_none());
        // Every key read is there: no reference finding anywhere.
        for env in ["dev", "staging", "prod"] {
            let missing: Vec<_> = (rules::validate(d, env).into_iter())
                .filter(|f| f.code == "KP305")
                .map(|f| f.message)
                .collect();
            assert!(missing.is_empty(), "{env}: {missing:?}");
        }
    }
}

/// What an environment reads by key follows renames of the Secret, the ConfigMap's key
/// and the Secret's key; a key the Secret lacks is found at the environment's value
/// (its key field), and the fix that adds it to the Secret holds.
#[test]
fn keys_an_environment_reads_follow_renames_and_are_found_where_they_are_set() {
    let mut d = variables_from_keys();
    let api = d.service_named("fastapi-app").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath {
            target: Target::Secret("icat-api-prod".into()),
            pointer: "/name".into(),
        },
        value: json!("icat-api"),
    })
    .unwrap();
    d.apply(Edit::RenameKey {
        secret: true,
        object: "icat-api".into(),
        from: "database-url".into(),
        to: "DATABASE_URL".into(),
    })
    .unwrap();
    d.apply(Edit::RenameKey {
        secret: false,
        object: "fastapi-app-env".into(),
        from: "STAGING_DATABASE_URL".into(),
        to: "DB_URL".into(),
    })
    .unwrap();
    let (_, prod) = rendered_var(&d, "prod", "DATABASE_URL").unwrap();
    assert_eq!(
        prod,
        json!({"secretKeyRef": {"name": "icat-api", "key": "DATABASE_URL"}})
    );
    let (_, dsn) = rendered_var(&d, "prod", "SENTRY_DSN").unwrap();
    assert_eq!(dsn["secretKeyRef"]["name"], "icat-api");
    let (_, staging) = rendered_var(&d, "staging", "DATABASE_URL").unwrap();
    assert_eq!(staging["configMapKeyRef"]["key"], "DB_URL");

    // The key field as the inspector sets it; a key the Secret lacks.
    let key = FieldPath::environment(
        "prod",
        &format!("/overrides/{}/env/DATABASE_URL/secret_key/key", api.0),
    );
    d.apply(Edit::Set {
        path: key.clone(),
        value: json!("database_url"),
    })
    .unwrap();
    let finding = (rules::validate(&d, "prod").into_iter())
        .find(|f| f.code == "KP305")
        .expect("prod reads a key the Secret lacks");
    assert!(
        finding.message.contains("database_url"),
        "{}",
        finding.message
    );
    assert_eq!(finding.path, key, "found at prod's key");
    assert!(rules::validate(&d, "staging")
        .iter()
        .all(|f| f.code != "KP305"));
    d.apply(finding.fix.expect("a fix").edit).unwrap();
    assert!(rules::validate(&d, "prod")
        .iter()
        .all(|f| f.code != "KP305"));
    assert!(d
        .secret("icat-api")
        .unwrap()
        .keys
        .contains(&"database_url".to_string()));
}

/// A key read half made (From: Secret chosen, nothing typed yet) is said as what to
/// type, at the field to type it in, with no fix that would make a Secret of no name:
/// the service's own variable and an environment's alike.
#[test]
fn a_key_read_half_made_says_what_to_name() {
    let mut d = variables_from_keys();
    let api = d.service_named("fastapi-app").unwrap().id;
    let found = |d: &Design, env: &str| {
        (rules::validate(d, env).into_iter())
            .filter(|f| f.code == "KP305")
            .map(|f| (f.path.to_string(), f.message, f.fix.is_some()))
            .collect::<Vec<_>>()
    };
    // Prod's own value: no Secret named yet, then a Secret and no key.
    let here = |field: &str| {
        FieldPath::environment(
            "prod",
            &format!("/overrides/{}/env/DATABASE_URL/secret_key/{field}", api.0),
        )
    };
    for (field, value) in [("name", ""), ("key", "")] {
        d.apply(Edit::Set {
            path: here(field),
            value: json!(value),
        })
        .unwrap();
    }
    assert_eq!(
        found(&d, "prod"),
        [(
            here("name").to_string(),
            "`DATABASE_URL` reads a Secret it does not name: name the Secret".to_string(),
            false
        )]
    );
    d.apply(Edit::Set {
        path: here("name"),
        value: json!("icat-api-prod"),
    })
    .unwrap();
    assert_eq!(
        found(&d, "prod"),
        [(
            here("key").to_string(),
            "`DATABASE_URL` reads Secret `icat-api-prod` but no key of it: name the key"
                .to_string(),
            false
        )]
    );
    // The service's own variable.
    let mut env = d.service(api).unwrap().config.env.clone();
    env.push(EnvVar {
        name: "API_TOKEN".into(),
        value: EnvValue::SecretKey {
            name: " ".into(),
            key: "token".into(),
        },
    });
    let i = env.len() - 1;
    d.apply(Edit::Set {
        path: FieldPath::service(api, "/config/env"),
        value: json!(env),
    })
    .unwrap();
    let own =
        |field: &str| FieldPath::service(api, &format!("/config/env/{i}/value/secret_key/{field}"));
    let dev = found(&d, "dev");
    assert_eq!(dev.len(), 1, "{dev:?}");
    assert_eq!(dev[0].0, own("name").to_string());
    assert!(!dev[0].2);
    // Each path names a field the inspector shows.
    for env in ["dev", "prod"] {
        for f in rules::validate(&d, env) {
            assert!(d.resolve(&f.path).is_ok(), "{}: {}", f.code, f.path);
        }
    }
}

/// In a design file an environment's variable is a text, `false`, or a key as the
/// service's variables write one; a literal written as a key is a text; anything else
/// is refused, saying what it may be.
#[test]
fn a_variable_here_is_a_text_a_key_or_false() {
    let read = |v: serde_json::Value| serde_json::from_value::<VarHere>(v);
    assert_eq!(read(json!("info")).unwrap(), VarHere::Value("info".into()));
    assert_eq!(read(json!(false)).unwrap(), VarHere::Unset);
    assert_eq!(
        read(json!({"literal": "x"})).unwrap(),
        VarHere::Value("x".into())
    );
    let key = read(json!({"secret_key": {"name": "db", "key": "url"}})).unwrap();
    assert_eq!(
        key,
        VarHere::Read(EnvValue::SecretKey {
            name: "db".into(),
            key: "url".into()
        })
    );
    assert_eq!(
        serde_json::to_value(&key).unwrap(),
        json!({"secret_key": {"name": "db", "key": "url"}})
    );
    for nonsense in [json!(true), json!(3), json!({"vault": "x"})] {
        let e = read(nonsense.clone()).unwrap_err().to_string();
        assert!(
            e.contains("a key of a ConfigMap or Secret"),
            "{nonsense}: {e}"
        );
    }
}

/// The key an environment's variable is first given to read: one of the variable's name
/// in an object that has it; else the service's own Secret, made (or given the key),
/// or the service's own ConfigMap by name, which KP305 then offers to create.
#[test]
fn a_variable_read_here_starts_from_the_key_of_its_name() {
    let mut d = variables_from_keys();
    let api = d.service_named("fastapi-app").unwrap().id;
    let at = |var: &str| FieldPath::environment("dev", &format!("/overrides/{}/env/{var}", api.0));
    let here =
        |d: &Design, var: &str| d.environment("dev").unwrap().overrides[&api].env[var].clone();
    let key = |name: &str, key: &str| EnvValue::SecretKey {
        name: name.into(),
        key: key.into(),
    };
    // A Secret has a key of that name.
    d.secrets[0].keys.push("LOG_LEVEL".into());
    let owner = d.secrets[0].name.clone();
    let e = edit::read_key(&d, "fastapi-app", "LOG_LEVEL", true, at("LOG_LEVEL"));
    d.apply(e).unwrap();
    assert_eq!(
        here(&d, "LOG_LEVEL"),
        VarHere::Read(key(&owner, "LOG_LEVEL"))
    );
    let before = d.clone();
    d.apply(edit::read_key(
        &d,
        "fastapi-app",
        "LOG_LEVEL",
        true,
        at("LOG_LEVEL"),
    ))
    .unwrap();
    assert_eq!(d.made_said(&before), None, "a key that was there");
    // None has: the service's own Secret, made, then given a second key; each said.
    for (var, done) in [
        (
            "DATABASE_URL",
            "Made Secret `fastapi-app-secrets` with key `DATABASE_URL`",
        ),
        (
            "SENTRY_ENVIRONMENT_DSN",
            "Added key `SENTRY_ENVIRONMENT_DSN` to Secret `fastapi-app-secrets`",
        ),
    ] {
        let e = edit::read_key(&d, "fastapi-app", var, true, at(var));
        let before = d.clone();
        d.apply(e).unwrap();
        assert_eq!(
            d.made_said(&before).unwrap(),
            format!(
                "{done}: the export writes a placeholder there; set the real value in the cluster."
            )
        );
        assert_eq!(
            here(&d, var),
            VarHere::Read(key("fastapi-app-secrets", var))
        );
    }
    let own = d.secret("fastapi-app-secrets").unwrap();
    assert_eq!(own.keys, ["DATABASE_URL", "SENTRY_ENVIRONMENT_DSN"]);
    assert!(rules::validate(&d, "dev").iter().all(|f| f.code != "KP305"));
    // A ConfigMap: the one with the key, else the service's own by name, to create.
    let e = edit::read_key(&d, "fastapi-app", "DB_HOST", false, at("DB_HOST"));
    d.apply(e).unwrap();
    let cm = EnvValue::ConfigMapKey {
        name: "fastapi-app-env".into(),
        key: "DB_HOST".into(),
    };
    assert_eq!(here(&d, "DB_HOST"), VarHere::Read(cm));
    let e = edit::read_key(
        &d,
        "fastapi-app",
        "FEATURE_FLAGS",
        false,
        at("FEATURE_FLAGS"),
    );
    d.apply(e).unwrap();
    let missing = (rules::validate(&d, "dev").into_iter())
        .find(|f| f.code == "KP305")
        .expect("the service's own ConfigMap, not there yet");
    assert!(
        missing.message.contains("fastapi-app-config"),
        "{}",
        missing.message
    );
    d.apply(missing.fix.expect("create it").edit).unwrap();
    assert!(rules::validate(&d, "dev").iter().all(|f| f.code != "KP305"));
}

/// KP609's fix reads a literal that looks like a secret from the Secret that has a key of
/// its name already (where an environment reads it), not from another the service reads
/// (the database's, which its server reads whole).
#[test]
fn a_secret_literal_is_read_from_the_secret_that_has_its_key() {
    let mut d = variables_from_keys();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    let url = vars.iter_mut().find(|v| v.name == "DATABASE_URL").unwrap();
    url.value = EnvValue::Literal("mysql://icat:s3cr3t-dev@icat-mariadb:3306/icat".into());
    d.secrets
        .iter_mut()
        .find(|s| s.name == "icat-api-prod")
        .unwrap()
        .keys
        .push("DATABASE_URL".into());
    let finding = (rules::validate(&d, "dev").into_iter())
        .find(|f| f.code == "KP609" && f.message.contains("DATABASE_URL"))
        .expect("the password in dev's URL");
    let fix = finding.fix.expect("read it from a Secret");
    assert!(fix.label.contains("`icat-api-prod`"), "{}", fix.label);
}
