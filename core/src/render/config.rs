//! The environment's Namespace, the design's ConfigMaps and Secrets, and a service's
//! ServiceAccount.

use super::workload::references;
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

    /// The design's ConfigMaps (with the environment's values) and Secrets: in every
    /// environment that runs services, those that something deployed there reads, and
    /// those nothing in the design reads (an environment that does not host services by
    /// default gets only the former). A ConfigMap read only by a service this
    /// environment does not run is not there (dev's debug tools and their config).
    pub(super) fn config_objects(&self, services: &[Service]) -> Vec<Object> {
        if services.is_empty() && !self.env.hosts_services {
            return Vec::new();
        }
        let (design, env) = (self.design, self.env);
        // (Objects pinned to other namespaces read what is there, not these.)
        let kept_here: Vec<&KeptObject> = design.kept_in(env).collect();
        let kept_anywhere = || design.kept_anywhere();
        // (A generated ConfigMap is read by its rendered name.)
        let wanted = |names: &[&str], secrets: bool| {
            let read = |s: &Service| {
                references(s, secrets).any(|r| names.contains(&r))
                    || (s.residuals_here(env)).any(|r| names.iter().any(|n| r.reads(secrets, n)))
            };
            let kept_reads = |k: &KeptObject| names.iter().any(|n| k.reads(secrets, n));
            let read_here = services.iter().any(read) || kept_here.iter().any(|k| kept_reads(k));
            // (Or by an environment's variable in place of a service's value.)
            let read_here_by = |e: &Environment| {
                (e.overrides.values().flat_map(|o| o.env.values()))
                    .any(|v| names.iter().any(|n| v.reads(secrets, n)))
            };
            let read_at_all = design.services.iter().any(read)
                || kept_anywhere().any(kept_reads)
                || design.environments.iter().any(read_here_by);
            read_here || (env.hosts_services && !read_at_all)
        };
        let mut out = Vec::new();
        for cm in self
            .design
            .config_maps
            .iter()
            .filter(|c| wanted(&[&c.name, &env.config_map_name(c)], false))
        {
            out.push(
                Object::ConfigMap(core::ConfigMap {
                    metadata: self.meta(&self.env.config_map_name(cm), Labels::new()),
                    data: non_empty_map(self.env.config_data(cm).into_owned()),
                    ..Default::default()
                })
                .patched(cm.residual.as_ref())
                .patched(env.own_residuals.config_maps.get(&cm.name)),
            );
        }
        for sec in self
            .design
            .secrets
            .iter()
            .filter(|c| !c.external && wanted(&[&c.name], true))
        {
            let mut meta = self.meta(&sec.name, Labels::new());
            meta.annotations = Some(labels(&[(
                super::PLACEHOLDERS_ANNOTATION,
                super::PLACEHOLDERS_NOTE,
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
                .patched(sec.residual.as_ref())
                .patched(env.own_residuals.secrets.get(&sec.name)),
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
