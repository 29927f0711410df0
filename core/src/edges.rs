//! Where an edge leads in an environment: the one rule that render (NetworkPolicies),
//! the rules (which edges apply, which addresses they allow) and the app (how the
//! canvas draws an edge) all read.
//!
//! Environments are namespaces. An edge `from -> to` applies in an environment `E` that
//! deploys `from`, and there it leads to:
//! 1. `to` in `E` itself, when `E` deploys `to` (the edge stays in `E`'s namespace);
//! 2. otherwise `to` in the environment of tier [`Tier::Shared`] that deploys it (say
//!    `observability` holding the OTel Collector), when exactly one does: the edge
//!    crosses from `E`'s namespace into that one;
//! 3. otherwise nowhere: no shared environment deploys `to` ([`EdgeTarget::Nowhere`]), or
//!    several do and the design does not say which ([`EdgeTarget::Ambiguous`], a finding).
//!
//! So an edge never joins two environments of the same system (dev never calls prod):
//! only shared infrastructure is reached across namespaces. `deploys` is
//! [`Environment::deploys`]: a service's `enabled` override wins over `hosts_services`.

use crate::model::{Design, Edge, Environment, ServiceId, Tier};

/// Where an edge leads in one environment (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EdgeTarget<'d> {
    /// The environment does not deploy the caller: the edge does not apply here.
    NotHere,
    /// The callee runs in the same environment, in the same namespace.
    Local,
    /// The callee runs in this shared environment, in its namespace.
    Shared(&'d Environment),
    /// Several shared environments deploy the callee and this one does not.
    Ambiguous,
    /// Neither this environment nor a shared one deploys the callee.
    Nowhere,
}

impl<'d> EdgeTarget<'d> {
    /// The environment the callee runs in, when the edge leads somewhere: `here` for a
    /// local edge.
    pub fn environment(self, here: &'d Environment) -> Option<&'d Environment> {
        match self {
            EdgeTarget::Local => Some(here),
            EdgeTarget::Shared(e) => Some(e),
            _ => None,
        }
    }
}

/// Where an edge from `from` to `to` leads in environment `env` of `design`.
pub fn target<'d>(
    design: &'d Design,
    env: &Environment,
    from: ServiceId,
    to: ServiceId,
) -> EdgeTarget<'d> {
    if !env.deploys(from) {
        return EdgeTarget::NotHere;
    }
    if env.deploys(to) {
        return EdgeTarget::Local;
    }
    let mut shared = design
        .environments
        .iter()
        .filter(|e| e.tier == Tier::Shared && e.name != env.name && e.deploys(to));
    match (shared.next(), shared.next()) {
        (Some(one), None) => EdgeTarget::Shared(one),
        (Some(_), Some(_)) => EdgeTarget::Ambiguous,
        _ => EdgeTarget::Nowhere,
    }
}

/// Where `edge` leads in environment `env` of `design`.
pub fn edge_target<'d>(design: &'d Design, env: &Environment, edge: &Edge) -> EdgeTarget<'d> {
    target(design, env, edge.from, edge.to)
}

/// The other environments whose copy of `edge` crosses into `shared`: those that
/// deploy the caller and resolve the edge to `shared`, in design order. Their
/// namespaces are the ones `shared`'s ingress must let in.
pub fn callers_into<'d>(
    design: &'d Design,
    shared: &Environment,
    edge: &Edge,
) -> Vec<&'d Environment> {
    design
        .environments
        .iter()
        .filter(|e| e.name != shared.name)
        .filter(|e| matches!(edge_target(design, e, edge), EdgeTarget::Shared(s) if s.name == shared.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Override;

    fn design() -> (Design, ServiceId, ServiceId) {
        let mut d = crate::templates::connectum();
        let order = d.service_named("order-service").unwrap().id;
        let collector = d.service_named("otel-collector").unwrap().id;
        // Keep only the edges this test writes.
        d.edges.clear();
        (d, order, collector)
    }

    #[test]
    fn an_edge_stays_local_when_the_environment_runs_the_callee() {
        let (d, order, collector) = design();
        let obs = d.environment("observability").unwrap();
        // The collector calls itself in observability: local there.
        assert_eq!(target(&d, obs, collector, collector), EdgeTarget::Local);
        let prod = d.environment("prod").unwrap();
        assert_eq!(target(&d, prod, order, order), EdgeTarget::Local);
    }

    #[test]
    fn an_edge_to_a_service_only_a_shared_environment_runs_crosses_into_it() {
        let (d, order, collector) = design();
        for env in ["dev", "staging", "prod"] {
            let e = d.environment(env).unwrap();
            let t = target(&d, e, order, collector);
            assert_eq!(
                t.environment(e).map(|e| e.name.as_str()),
                Some("observability")
            );
        }
        let edge = Edge {
            from: order,
            to: collector,
            port: "otlp-grpc".into(),
        };
        let obs = d.environment("observability").unwrap();
        let names: Vec<_> = callers_into(&d, obs, &edge)
            .iter()
            .map(|e| e.namespace.as_str())
            .collect();
        assert_eq!(names, ["connectum-dev", "connectum-staging", "connectum"]);
    }

    #[test]
    fn an_edge_does_not_apply_where_the_caller_does_not_run() {
        let (d, order, collector) = design();
        let obs = d.environment("observability").unwrap();
        assert_eq!(target(&d, obs, order, collector), EdgeTarget::NotHere);
    }

    #[test]
    fn two_shared_environments_running_the_callee_are_ambiguous_and_none_is_nowhere() {
        let (mut d, order, collector) = design();
        let mut second = d.environment("observability").unwrap().clone();
        second.name = "observability-eu".into();
        second.namespace = "observability-eu".into();
        d.environments.push(second);
        let prod = d.environment("prod").unwrap();
        assert_eq!(target(&d, prod, order, collector), EdgeTarget::Ambiguous);
        for e in &mut d.environments {
            if e.tier == Tier::Shared {
                e.overrides.insert(
                    collector,
                    Override {
                        enabled: Some(false),
                        ..Override::default()
                    },
                );
            }
        }
        let prod = d.environment("prod").unwrap();
        assert_eq!(target(&d, prod, order, collector), EdgeTarget::Nowhere);
    }

    #[test]
    fn a_shared_environment_is_never_reached_from_a_non_shared_one_by_tier_alone() {
        // prod deploys the callee itself: the edge stays in prod even though a shared
        // environment runs it too.
        let (mut d, order, collector) = design();
        let prod = d
            .environments
            .iter_mut()
            .find(|e| e.name == "prod")
            .unwrap();
        prod.overrides.remove(&collector);
        let prod = d.environment("prod").unwrap();
        assert_eq!(target(&d, prod, order, collector), EdgeTarget::Local);
    }
}
