//! Fixtures of the scaling rules (KP2xx): replicas, HPA, PDB, spreading and protection in production.
//! The checks are in `core/src/rules/scaling.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP201",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 7,
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 6,
        ),
        fx(
            "KP201",
            |d| {
                // An environment override can break what the base design had right.
                env(d, "prod").overrides.insert(
                    ServiceId(1),
                    Override {
                        hpa_max: Some(1),
                        ..Override::default()
                    },
                );
            },
            |d| {
                env(d, "prod").overrides.insert(
                    ServiceId(1),
                    Override {
                        hpa_max: Some(2),
                        ..Override::default()
                    },
                );
            },
        ),
        fx(
            "KP202",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 0,
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 1,
        ),
        fx_in(
            "KP203",
            "prod",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 1,
            no_change,
        ),
        fx(
            "KP204",
            |d| api(d).resources.cpu_request = None,
            |d| api(d).scaling.hpa.as_mut().unwrap().memory_percent = Some(80),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Count(2))),
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Count(1))),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Percent(0))),
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Percent(10))),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Percent(100))),
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Percent(50))),
        ),
        fx(
            "KP206",
            |d| api(d).scaling.spread = Spread::None,
            |d| {
                api(d).scaling.spread = Spread::AntiAffinity {
                    topology_key: "kubernetes.io/hostname".into(),
                    required: false,
                };
            },
        ),
        fx(
            "KP207",
            |d| api(d).scaling.pdb = None,
            |d| {
                api(d).scaling.pdb = None;
                api(d).scaling.hpa = None;
                api(d).scaling.replicas = 1;
                api(d).critical = false;
            },
        ),
        fx_in("KP208", "prod", |d| api(d).scaling.hpa = None, no_change),
    ]
}
