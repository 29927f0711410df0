//! Namespaces, ConfigMaps, Secrets and ServiceAccounts in: the environment's namespace,
//! the design's ConfigMaps and Secrets (keys only: a design never holds secret values),
//! and a workload's dedicated service account.

use super::Workload;
use crate::model::*;
use k8s_openapi::api::core::v1 as core;

/// The namespace becomes the environment's, with its labels and annotations.
pub(super) fn namespace(d: &mut Design, ns: &core::Namespace) -> bool {
    let env = &mut d.environments[0];
    env.create_namespace = true;
    let mut labels = ns.metadata.labels.clone().unwrap_or_default();
    labels.remove("app.kubernetes.io/part-of");
    labels.remove("app.kubernetes.io/managed-by");
    env.labels = labels;
    env.annotations = ns.metadata.annotations.clone().unwrap_or_default();
    true
}

/// A ConfigMap becomes one of the design's, data and all. One named as Kustomize's
/// `configMapGenerator` names it (`<name>-<hash of its data>`, the hash checked) becomes
/// `<name>` with [`ConfigMapDef::hash_suffix`], and the pods that read it read `<name>`.
pub(super) fn config_map(d: &mut Design, name: &str, cm: &core::ConfigMap) -> bool {
    let data = cm.data.clone().unwrap_or_default();
    let stem = (name.len().checked_sub(11))
        .and_then(|n| name.get(..n).filter(|stem| !stem.is_empty()))
        .filter(|stem| crate::naming::generated_config_map(stem, &data) == name)
        .filter(|stem| d.config_map(stem).is_none() && cm.binary_data.is_none());
    if let Some(stem) = stem {
        for s in &mut d.services {
            s.rename_reads(false, name, stem);
        }
    }
    d.config_maps.push(ConfigMapDef {
        name: stem.unwrap_or(name).into(),
        data,
        residual: None,
        hash_suffix: stem.is_some(),
    });
    true
}

/// A Secret becomes one of the design's by its type and key names; its values stay out.
pub(super) fn secret(d: &mut Design, name: &str, sec: &core::Secret) -> bool {
    let mut keys: Vec<String> = sec.data.iter().flat_map(|m| m.keys().cloned()).collect();
    keys.extend(sec.string_data.iter().flat_map(|m| m.keys().cloned()));
    crate::order::sort(&mut keys);
    keys.dedup();
    d.secrets.push(SecretDef {
        name: name.into(),
        kind: sec.type_.clone().unwrap_or_default(),
        keys,
        residual: None,
        external: false,
    });
    true
}

/// A ServiceAccount named like a workload whose pods run as it becomes that workload's
/// dedicated account, unless another workload's pods run as it too: a shared account
/// is kept whole, since
/// the dedicated one follows its service's name (a rename would leave the others
/// running as an account that is gone).
pub(super) fn service_account(
    d: &mut Design,
    workloads: &[Workload],
    name: &str,
    sa: &core::ServiceAccount,
) -> bool {
    let Some(w) = workloads.iter().find(|w| w.name == name) else {
        return false;
    };
    // Its pods must run as it (one that does not would be given it), and no other's.
    let shared =
        (workloads.iter()).any(|o| o.id != w.id && o.service_account.as_deref() == Some(name));
    if shared || w.service_account.as_deref() != Some(name) {
        return false;
    }
    let s = d.service_mut(w.id).expect("imported workload");
    s.security.dedicated_service_account = true;
    if s.security.automount_token.is_none() {
        s.security.automount_token = sa.automount_service_account_token;
    }
    true
}
