//! The benchmark design with two containers per pod: each service of
//! `templates::scaled(n)` gets a native log-shipper sidecar (its own port, a startup
//! probe, a shutdown time, requests and limits) sharing an emptyDir with the main
//! container, as real pods often do.

use kubeprint_core::model::*;

/// `design` with a log-shipper sidecar and a shared log volume in every pod.
pub fn with_sidecars(mut design: Design) -> Design {
    for s in &mut design.services {
        s.volumes.push(Volume {
            name: "logs".into(),
            source: VolumeSource::EmptyDir {
                memory: false,
                size_limit: Some("1Gi".into()),
            },
        });
        let logs = |read_only| Mount {
            volume: "logs".into(),
            path: "/var/log/app".into(),
            read_only,
            sub_path: String::new(),
        };
        s.mounts.push(logs(false));
        s.containers.push(Container {
            name: "log-shipper".into(),
            role: ContainerRole::Sidecar,
            image: "cr.fluentbit.io/fluent/fluent-bit".into(),
            tag: "3.1.9".into(),
            ports: vec![ContainerPort {
                name: "shipper".into(),
                port: 2020,
                protocol: Protocol::TCP,
            }],
            probes: Probes {
                startup: Some(
                    Probe::http("/api/v1/health", PortRef::Name("shipper".into())).timed(0, 2, 30),
                ),
                ..Probes::default()
            },
            resources: Resources::new("20m", "32Mi", "", "64Mi"),
            mounts: vec![logs(true)],
            shutdown_seconds: 5,
            needed_at_start: true,
            ..Container::default()
        });
    }
    design
}
