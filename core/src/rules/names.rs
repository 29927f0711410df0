//! Name rules (KP4xx): the API server's grammars for object names, labels, port names
//! and variable names, as `crate::names` states them. Fixtures:
//! `core/tests/rules/names.rs`.

use super::catalog::*;
use super::context::{config_key, service_port_lists, set_fix, svc, Ctx};
use crate::domain::MAX_DNS_LABEL_LENGTH;
use crate::edit::{pointer_token, FieldPath, Target};
use crate::model::*;
use crate::{names, naming};

use serde_json::json;

/// The name checks of the environment as a whole: its namespace and labels, the
/// design's name, and the names of ConfigMaps and Secrets.
pub(super) fn environment(cx: &mut Ctx) {
    let env = cx.env;
    if let Err(e) = names::dns1123_label(&env.namespace) {
        cx.report(
            &INVALID_NAME,
            None,
            FieldPath::environment(&env.name, "/namespace"),
            format!("namespace `{}` {e}", env.namespace),
        );
    }
    // KP405: the other environments in this one's namespace. (Two whose objects name
    // none go where `kubectl apply -n` says, each its own; not where Argo CD's
    // Applications deploy them, into the namespace each names.)
    let argo = !cx.design.gitops.repo_url.is_empty();
    let sharing: Vec<&str> = cx
        .design
        .environments
        .iter()
        .filter(|e| e.name != env.name && e.namespace == env.namespace)
        .filter(|e| argo || !(e.namespace_unwritten && env.namespace_unwritten))
        .map(|e| e.name.as_str())
        .collect();
    if !sharing.is_empty() {
        // The fix moves this environment to a namespace named after it, unless it is
        // production and another sharer is not (that one moves).
        let moves = env.tier != Tier::Prod
            || (cx.design.environments.iter())
                .filter(|e| sharing.contains(&e.name.as_str()))
                .all(|e| e.tier == Tier::Prod);
        // Named as a namespace can be: `Staging` moves to `shop-staging`.
        let suffix = names::dns1035_like(&env.name);
        let own = format!("{}-{suffix}", env.namespace);
        let free = !(cx.design.environments.iter()).any(|e| e.namespace == own)
            && !suffix.is_empty()
            && names::dns1123_label(&own).is_ok();
        let path = FieldPath::environment(&env.name, "/namespace");
        let fix = (moves && free)
            .then(|| {
                set_fix(
                    format!("Deploy `{}` to namespace `{own}`", env.name),
                    path.clone(),
                    json!(own),
                )
            })
            .flatten();
        cx.report(
            &SHARED_NAMESPACE,
            None,
            path,
            format!(
                "namespace `{}` is also environment {}'s: applying one overwrites the other's objects",
                env.namespace,
                sharing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .fix = fix;
    }
    for (k, v) in &env.labels {
        let problem = names::label_key(k)
            .map_err(|e| format!("namespace label key `{k}` {e}"))
            .and_then(|()| {
                names::label_value(v).map_err(|e| format!("namespace label `{k}` value `{v}` {e}"))
            });
        if let Err(m) = problem {
            cx.report(
                &INVALID_LABEL,
                None,
                FieldPath::environment(&env.name, "/labels"),
                m,
            );
        }
    }
    let common = FieldPath::environment(&env.name, "/common_labels/labels");
    for (k, v) in &env.common_labels.labels {
        let problem = names::label_key(k)
            .map_err(|e| format!("label key `{k}` on every object {e}"))
            .and_then(|()| {
                names::label_value(v)
                    .map_err(|e| format!("label `{k}` value `{v}` on every object {e}"))
            });
        if let Err(m) = problem {
            cx.report(&INVALID_LABEL, None, common.clone(), m);
        }
        if crate::render::OWN_LABELS.contains(&k.as_str()) {
            cx.report(
                &COMMON_LABEL_REPLACES_OWN,
                None,
                common.clone(),
                format!("`{k}` is a label Kubeprint sets itself, from the design: on every object it would override that; choose a key of your own"),
            );
        }
    }
    for k in env.annotations.keys() {
        if let Err(e) = names::label_key(k) {
            cx.report(
                &INVALID_LABEL,
                None,
                FieldPath::environment(&env.name, "/annotations"),
                format!("namespace annotation key `{k}` {e}"),
            );
        }
    }
    if let Err(e) = names::label_value(&cx.design.name) {
        cx.report(
            &INVALID_LABEL,
            None,
            FieldPath::design("/name"),
            format!(
                "the design name `{}` becomes app.kubernetes.io/part-of and {e}",
                cx.design.name
            ),
        );
    }
    let config_names = cx
        .design
        .config_maps
        .iter()
        .map(|c| (c.name.as_str(), Target::ConfigMap(c.name.clone())));
    let secret_names = cx
        .design
        .secrets
        .iter()
        .map(|c| (c.name.as_str(), Target::Secret(c.name.clone())));
    let named: Vec<_> = config_names.chain(secret_names).collect();
    for (name, target) in named {
        if let Err(e) = names::dns1123_subdomain(name) {
            cx.report(
                &INVALID_NAME,
                None,
                FieldPath {
                    target,
                    pointer: "/name".into(),
                },
                format!("`{name}` {e}"),
            );
        }
    }
    data_keys(cx);
}

/// KP401 for the keys of ConfigMaps (as this environment has them) and Secrets: the API
/// server's data keys, each once.
fn data_keys(cx: &mut Ctx) {
    let (design, env) = (cx.design, cx.env);
    for cm in &design.config_maps {
        for k in env.config_data(cm).keys() {
            if let Err(e) = names::config_key(k) {
                let at = config_key(env, &cm.name, k);
                cx.report(
                    &INVALID_NAME,
                    None,
                    at,
                    format!("ConfigMap `{}` key `{k}` {e}", cm.name),
                );
            }
        }
    }
    for sec in &design.secrets {
        for (i, k) in sec.keys.iter().enumerate() {
            let problem = match names::config_key(k) {
                Err(e) => e,
                Ok(()) if sec.keys[..i].contains(k) => "is listed twice".into(),
                Ok(()) => continue,
            };
            let at = FieldPath {
                target: Target::Secret(sec.name.clone()),
                pointer: format!("/keys/{i}"),
            };
            cx.report(
                &INVALID_NAME,
                None,
                at,
                format!("Secret `{}` key `{k}` {problem}", sec.name),
            );
        }
    }
}

/// The name checks of one deployed (effective) service that read only the service and
/// its scope: its ports', variables', containers' and volumes' names.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    port_names(cx, s);
    env_names(cx, s);
    pod_names(cx, s);
    ingress_host(cx, s);
    storage_classes(cx, s);
}

/// KP401 for the StorageClass each volume claim names here (the environment's own, when
/// it sets one): a class is an object, named like one.
fn storage_classes(cx: &mut Ctx, s: &Service) {
    for (i, claim) in s.storage.iter().enumerate() {
        // `""` is a class too: none, no dynamic provisioning.
        let Some(class) = claim.storage_class.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let Err(e) = names::dns1123_subdomain(class) else {
            continue;
        };
        let own = (cx.env.overrides.get(&s.id))
            .is_some_and(|o| o.storage_class.contains_key(&claim.name));
        let at = match own {
            true => FieldPath::environment(
                &cx.env.name,
                &format!(
                    "/overrides/{}/storage_class/{}",
                    s.id.0,
                    pointer_token(&claim.name)
                ),
            ),
            false => svc(s, &format!("/storage/{i}/storage_class")),
        };
        cx.report(
            &INVALID_NAME,
            Some(s),
            at,
            format!("volume `{}` StorageClass `{class}` {e}", claim.name),
        );
    }
}

/// KP401 for the host of the service's Ingress here (the environment's own, when it
/// sets one), and for the name of the certificate Secret it was given.
fn ingress_host(cx: &mut Ctx, s: &Service) {
    let Some(route) = s.exposure.ingress.as_ref() else {
        return;
    };
    if let Some(secret) = route.tls_secret.as_deref().filter(|_| route.tls) {
        if let Err(e) = names::dns1123_subdomain(secret) {
            cx.report(
                &INVALID_NAME,
                Some(s),
                svc(s, "/exposure/ingress/tls_secret"),
                format!("TLS Secret `{secret}` {e}"),
            );
        }
    }
    if route.host.is_empty() {
        return;
    }
    let Err(e) = names::ingress_host(&route.host) else {
        return;
    };
    let own = (cx.env.overrides.get(&s.id)).is_some_and(|o| o.ingress_host.is_some());
    let at = if own {
        FieldPath::environment(&cx.env.name, &format!("/overrides/{}/ingress_host", s.id.0))
    } else {
        svc(s, "/exposure/ingress/host")
    };
    cx.report(
        &INVALID_NAME,
        Some(s),
        at,
        format!("Ingress host `{}` {e}", route.host),
    );
}

/// KP401, KP402 and KP404 for the pod's other containers and its volumes: container
/// and volume names are DNS-1123 labels, port names IANA service names, variable names
/// C identifiers.
fn pod_names(cx: &mut Ctx, s: &Service) {
    for (i, c) in s.containers.iter().enumerate() {
        if let Err(e) = names::dns1123_label(&c.name) {
            cx.report(
                &INVALID_NAME,
                Some(s),
                svc(s, &format!("/containers/{i}/name")),
                format!("container name `{}` {e}", c.name),
            );
        }
        for (k, p) in c.ports.iter().enumerate() {
            if p.name.is_empty() {
                continue;
            }
            if let Err(e) = names::iana_svc_name(&p.name) {
                cx.report(
                    &INVALID_PORT_NAME,
                    Some(s),
                    svc(s, &format!("/containers/{i}/ports/{k}/name")),
                    format!("container `{}`: port name `{}` {e}", c.name, p.name),
                );
            }
        }
        for (k, v) in c.config.env.iter().enumerate() {
            if let Err(e) = names::c_identifier(&v.name) {
                cx.report(
                    &INVALID_ENV_NAME,
                    Some(s),
                    svc(s, &format!("/containers/{i}/config/env/{k}/name")),
                    format!("container `{}`: variable name `{}` {e}", c.name, v.name),
                );
            }
        }
    }
    for (i, v) in s.volumes.iter().enumerate() {
        if let Err(e) = names::dns1123_label(&v.name) {
            cx.report(
                &INVALID_NAME,
                Some(s),
                svc(s, &format!("/volumes/{i}/name")),
                format!("volume name `{}` {e}", v.name),
            );
        }
    }
}

/// KP401 and KP403: the service's name, the names derived from it, its container's name
/// and its component label. A fix for an invalid name offers a name no other service
/// has, so this check looks at the others.
pub(super) fn service_names(cx: &mut Ctx, s: &Service) {
    if let Err(e) = names::dns1035_label(&s.name) {
        let cleaned = names::dns1035_like(&s.name);
        let free =
            names::dns1035_label(&cleaned).is_ok() && cx.design.service_named(&cleaned).is_none();
        let f = cx.report(
            &INVALID_NAME,
            Some(s),
            svc(s, "/name"),
            format!("service name `{}` {e}", s.name),
        );
        if free {
            f.fix = set_fix(
                format!("Rename to `{cleaned}`"),
                svc(s, "/name"),
                json!(cleaned),
            );
        }
    } else if s.exposure.load_balancer.is_some()
        && naming::load_balancer(&s.name).len() > MAX_DNS_LABEL_LENGTH
    {
        cx.report(
            &INVALID_NAME,
            Some(s),
            svc(s, "/name"),
            format!(
                "`{}` (the LoadBalancer Service) is longer than {MAX_DNS_LABEL_LENGTH} characters",
                naming::load_balancer(&s.name)
            ),
        );
    }
    if s.container() != s.name {
        if let Err(e) = names::dns1123_label(s.container()) {
            cx.report(
                &INVALID_NAME,
                Some(s),
                svc(s, "/container_name"),
                format!("container name `{}` {e}", s.container()),
            );
        }
    }
    if let Err(e) = names::label_value(&s.component) {
        cx.report(
            &INVALID_LABEL,
            Some(s),
            svc(s, "/component"),
            format!("component `{}` becomes a label value and {e}", s.component),
        );
    }
}

/// KP402: every named port has a valid name: a DNS-1123 label on a Service, an IANA
/// service name on the container.
fn port_names(cx: &mut Ctx, s: &Service) {
    for (base, ports) in service_port_lists(s) {
        for (i, p) in ports.iter().enumerate() {
            if p.name.is_empty() {
                continue;
            }
            if let Err(e) = names::dns1123_label(&p.name) {
                cx.report(
                    &INVALID_PORT_NAME,
                    Some(s),
                    svc(s, &format!("{base}/{i}/name")),
                    format!("Service port name `{}` {e}", p.name),
                );
            }
        }
    }
    for (i, p) in s.ports.iter().enumerate() {
        if p.name.is_empty() {
            continue;
        }
        if let Err(e) = names::iana_svc_name(&p.name) {
            cx.report(
                &INVALID_PORT_NAME,
                Some(s),
                svc(s, &format!("/ports/{i}/name")),
                format!("container port name `{}` {e}", p.name),
            );
        }
    }
}

/// KP404: variable names are C identifiers, those the service sets and the keys of
/// the ConfigMaps it reads whole through `envFrom`.
fn env_names(cx: &mut Ctx, s: &Service) {
    for from in &s.config.env_from {
        let EnvFrom::ConfigMap(n) = from else {
            continue;
        };
        let Some(cm) = cx.design.config_map(n) else {
            continue;
        };
        for k in cx.env.config_data(cm).keys() {
            if let Err(e) = names::c_identifier(k) {
                cx.report(
                    &INVALID_ENV_NAME,
                    Some(s),
                    config_key(cx.env, n, k),
                    format!(
                        "ConfigMap `{n}` key `{k}` {e}: envFrom passes it on as a variable a shell cannot read by name"
                    ),
                );
            }
        }
    }
    for (i, v) in s.config.env.iter().enumerate() {
        if let Err(e) = names::c_identifier(&v.name) {
            cx.report(
                &INVALID_ENV_NAME,
                Some(s),
                svc(s, &format!("/config/env/{i}/name")),
                format!("variable name `{}` {e}", v.name),
            );
        }
    }
}
