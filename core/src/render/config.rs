//! The environment's Namespace, the design's ConfigMaps and Secrets, and a service's
//! ServiceAccount.

use super::{labels, non_empty_map, some_if, Labels, Object, Renderer, SECRET_PLACEHOLDER};
use crate::model::*;
use crate::naming;
use crate::order::Collect;
use k8s_openapi::api::core::v1 as core;

impl Renderer<'_> {
    pub(super) fn namespace(&self) -> core::Namespace {
        let mut meta = self.meta(&self.env.namespace, self.env.labels.clone());
        meta.namespace = None;
        meta.annotations = non_empty_map(self.env.annotations.clone());
        core::Namespace {
            metadata: meta,
            ..Default::default()
        }
    }

    /// The design's ConfigMaps (with the environment's values) and Secrets, in every
    /// environment that runs services (in one that does not host services by default,
    /// those its services read).
    pub(super) fn config_objects(&self, services: &[Service]) -> Vec<Object> {
        if services.is_empty() && !self.env.hosts_services {
            return Vec::new();
        }
        // An environment that runs only the services enabled in it (a shared one, such
        // as observability) gets only the ConfigMaps and Secrets those read.
        let wanted = |name: &str, secrets: bool| {
            self.env.hosts_services || services.iter().any(|s| reads(s, name, secrets))
        };
        let mut out = Vec::new();
        for cm in self
            .design
            .config_maps
            .iter()
            .filter(|c| wanted(&c.name, false))
        {
            out.push(
                Object::ConfigMap(core::ConfigMap {
                    metadata: self.meta(&self.env.config_map_name(cm), Labels::new()),
                    data: non_empty_map(self.env.config_data(cm).into_owned()),
                    ..Default::default()
                })
                .patched(cm.residual.as_ref()),
            );
        }
        for sec in self.design.secrets.iter().filter(|c| wanted(&c.name, true)) {
            let mut meta = self.meta(&sec.name, Labels::new());
            meta.annotations = Some(labels(&[(
                super::PLACEHOLDERS_ANNOTATION,
                "every value is a placeholder: set real values outside Kubeprint",
            )]));
            let data: Labels = sec
                .keys
                .iter()
                .map(|k| (k.clone(), SECRET_PLACEHOLDER.to_string()))
                .to_map();
            out.push(
                Object::Secret(core::Secret {
                    metadata: meta,
                    type_: some_if(!sec.kind.is_empty(), sec.kind.clone()),
                    string_data: non_empty_map(data),
                    ..Default::default()
                })
                .patched(sec.residual.as_ref()),
            );
        }
        out
    }

    pub(super) fn service_account(&self, s: &Service) -> core::ServiceAccount {
        core::ServiceAccount {
            metadata: self.service_meta(s, naming::own(&s.name)),
            automount_service_account_token: s.security.automount_token,
            ..Default::default()
        }
    }
}

/// Whether `s` reads ConfigMap (or, with `secrets`, Secret) `name`: through any
/// container's env or envFrom, or as a volume.
fn reads(s: &Service, name: &str, secrets: bool) -> bool {
    let config = |c: &Config| {
        c.env_from.iter().any(|f| match f {
            EnvFrom::ConfigMap(n) => !secrets && n == name,
            EnvFrom::Secret(n) => secrets && n == name,
        }) || c.env.iter().any(|v| match &v.value {
            EnvValue::ConfigMapKey { name: n, .. } => !secrets && n == name,
            EnvValue::SecretKey { name: n, .. } => secrets && n == name,
            EnvValue::Literal(_) => false,
        })
    };
    config(&s.config)
        || s.containers.iter().any(|c| config(&c.config))
        || s.volumes.iter().any(|v| match &v.source {
            VolumeSource::ConfigMap { name: n } => !secrets && n == name,
            VolumeSource::Secret { name: n } => secrets && n == name,
            _ => false,
        })
}
