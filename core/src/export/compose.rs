//! One environment of a design as a Compose file for development: `compose/compose.yaml`
//! and `compose/.env`, written from typed structs of the Compose Specification (the
//! subset docker-compose 1.29 also validates, so both generations of the tool accept it).
//!
//! What each service becomes, read from the service as the environment runs it
//! ([`crate::model::deployed`], overrides applied):
//! - `image` with tag and digest; the Kubernetes `command` is compose's `entrypoint` and
//!   `args` its `command` (both replace the image's ENTRYPOINT and CMD the same way),
//!   each `$(VAR)` of the container's variables written as that variable's value.
//! - Each Service port is published on the host's loopback address (127.0.0.1: Docker's
//!   own firewall rules would open a port published on every address to the network,
//!   whatever the host's firewall says) at the container port's number when no
//!   earlier service of the file took it (per protocol), else at the next free number
//!   upward (two Postgres give 5432 and 5433); a note names every moved port. A
//!   service that says what it publishes (imported from a compose file: `"8080:3000"`,
//!   `"5432"`, or no `ports`) publishes exactly that, at the host port it names (moved
//!   the same way when taken) or at one the engine picks (`127.0.0.1::5432`). Container
//!   ports not published are `expose`d.
//! - Variables: literals in `environment` as they are (`$` doubled, since compose
//!   interpolates); every ConfigMap or Secret key read as `${VAR}`, with `VAR` set in
//!   `.env` (the ConfigMap's value; for a Secret the placeholder `CHANGE_ME`, as rendered
//!   Secrets carry: a design never holds secret values). A key that several objects
//!   hold gets one variable per object, prefixed by the object's name. A ConfigMap value
//!   `.env` cannot carry to both generations of compose alike (one holding `${`, or `$`
//!   beside a quote or line break) is written in `environment` itself, with a note.
//! - `healthcheck` from the readiness probe: HTTP as `wget -q -O /dev/null URL || curl
//!   -fsS -o /dev/null URL` in a shell (busybox and Alpine images have wget, Debian
//!   based ones usually curl; GET rather than `--spider`'s HEAD, which some frameworks
//!   refuse); TCP as `nc -z` or bash's `/dev/tcp`; gRPC as `grpc_health_probe`; exec as
//!   it is. An image without a shell or those tools (scratch, distroless) stays
//!   unhealthy: give it an exec probe of its own binary. `interval`, `timeout` and
//!   `retries` are the probe's period, timeout and failure threshold; `start_period` the
//!   longest of the service's start-up time, its startup probe's budget less the
//!   healthcheck's own retries (so that both give up at the same time) and the
//!   readiness probe's initial delay (failures do not count during it, as with a
//!   startup probe).
//! - `profiles` as a compose file had them (a service started only with `--profile
//!   debug`; its pod's other containers with it); a service started without them does
//!   not wait for one, with a note.
//! - `stop_grace_period` from terminationGracePeriodSeconds. The stop signal is the
//!   image's own STOPSIGNAL, as in Kubernetes (the model has no signal of its own).
//! - `depends_on` per edge whose callee runs in this environment: `service_healthy`
//!   when the callee has a healthcheck, `service_started` otherwise,
//!   `service_completed_successfully` for a Job. An edge that would close a cycle
//!   (compose refuses those) is left out of `depends_on`, with a note.
//! - Named volumes for a StatefulSet's claims (the claim's name, `<service>-<claim>`
//!   where services share a claim name); Jobs run once
//!   (`restart: "no"`); resource limits as `deploy.resources.limits` (requests are
//!   scheduling hints a single host has no use for). A Deployment's replicas (its HPA's
//!   minimum) as `deploy.replicas`, unless it publishes host ports (which allow one
//!   container) or mounts named volumes (which its containers would share): then one
//!   container, with a note. Every other service is `restart: unless-stopped`: a
//!   container that exits is started again, as Kubernetes restarts a pod's, until the
//!   user stops it.
//!   (`unless-stopped` also starts them again when Docker restarts.)
//! - `.env` names the compose project after the design (`COMPOSE_PROJECT_NAME`, which
//!   both generations read from it; docker-compose 1.x refuses a top-level `name`), so
//!   that named volumes are `<design>_<volume>` whatever the folder the file is run
//!   from: a system imported from a compose file whose `name:` is a DNS name keeps its
//!   data volumes (`my_shop` became the design `my-shop`, and a file without `name:`
//!   was its folder's project: set COMPOSE_PROJECT_NAME in `.env` to the old one).
//! - Every service is reachable under its in-cluster names too (network aliases
//!   `<name>.<namespace>`, `.svc`, `.svc.cluster.local`, by its Service's name, and
//!   that name alone where an import kept one other than the service's; a StatefulSet's container also
//!   as its pod 0, `<name>-0.<governing Service>` and the same three), so configuration written for
//!   Kubernetes resolves.
//! - Pods with several containers: an init container becomes a one-off service the
//!   main one waits for (`service_completed_successfully`, in order, with the main
//!   one's dependencies); a sidecar or other regular container a service that shares the
//!   main one's network (`network_mode: service:<main>`), as containers of a pod share
//!   localhost. Such a service is `<service>-<container>`, and a named volume as above,
//!   with a `-2`, `-3` suffix where that is taken (a service
//!   `web-proxy` beside `web`'s container `proxy`), with a note.
//! - CronJobs have no counterpart (compose has no schedule) and are left out, with a
//!   note.
//!
//! What Kubernetes needs and compose has no field for (port names, the Service's own
//! ports, which port an edge calls, a readiness probe's initial delay, which pod a
//! container belongs to) is carried in each service's `x-kubeprint` extension, which
//! compose ignores and Kubeprint's compose import reads; notes for the reader are in the
//! top-level `x-kubeprint`.

use crate::edges::{edge_target, EdgeTarget};
use crate::export::BundleFile;
use crate::model::*;
use crate::order::Collect;
use crate::yaml::Value;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// The placeholder every Secret key gets in `.env`, as in rendered Secrets.
pub const SECRET_PLACEHOLDER: &str = "CHANGE_ME";

/// A map that keeps the order its entries were added in.
#[derive(Debug)]
struct Ordered<T>(Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A compose file.
#[derive(Serialize)]
struct ComposeFile {
    services: Ordered<ComposeService>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    volumes: Ordered<NamedVolume>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    secrets: Ordered<SecretFile>,
    /// The files of ConfigMap keys, written beside it (not a part of it: see
    /// [`ConfigFile`]).
    #[serde(skip)]
    configs: Ordered<ConfigFile>,
    #[serde(rename = "x-kubeprint")]
    about: FileExtension,
}

/// A file beside the compose file (`configs/<name>`) with the text of a key of a
/// ConfigMap, which the services that read it bind-mount read-only. (Not a compose
/// config: docker-compose before v2 ignores those outside a swarm.) Each service's
/// `x-kubeprint` says which key of which ConfigMap it is.
struct ConfigFile {
    file: String,
    text: String,
    kubeprint: ExtensionConfig,
}

/// A top-level secret: a file beside the compose file (`secrets/<name>`, written with
/// the placeholder), which compose mounts read-only into the services that name it.
/// Its `x-kubeprint` says which key of which Secret it is.
#[derive(Serialize)]
struct SecretFile {
    file: String,
    #[serde(rename = "x-kubeprint")]
    kubeprint: ExtensionSecret,
}

/// A service's use of a top-level secret: the name alone where it is mounted at
/// `/run/secrets/<name>`, else with its path.
#[derive(Serialize)]
#[serde(untagged)]
enum SecretUse {
    Named(String),
    At { source: String, target: String },
}

/// A top-level named volume (compose's defaults: a local volume).
#[derive(Serialize)]
struct NamedVolume {}

/// What the file is and what the reader should know, in the top-level `x-kubeprint`.
#[derive(Serialize)]
struct FileExtension {
    design: String,
    environment: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

/// One compose service.
#[derive(Serialize, Default)]
struct ComposeService {
    image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entrypoint: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restart: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    profiles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tmpfs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<PublishedPort>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    expose: Vec<String>,
    /// `KEY=value` items: the list form, whose items no YAML reader takes for anything
    /// but a string.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    environment: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_grace_period: Option<String>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    depends_on: Ordered<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<VolumeMount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<SecretUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_mode: Option<String>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    networks: Ordered<NetworkAttachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deploy: Option<Deploy>,
    #[serde(rename = "x-kubeprint")]
    kubeprint: ServiceExtension,
}

/// A port published on the host, on its loopback address only: written in the short
/// syntax, `127.0.0.1:5432:5432/tcp`, since docker-compose 1.29 refuses the long one's
/// `host_ip`.
struct PublishedPort {
    target: u16,
    /// `None`: a port the engine picks (`127.0.0.1::5432/tcp`).
    published: Option<u16>,
    protocol: &'static str,
    host_ip: &'static str,
}

impl Serialize for PublishedPort {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PublishedPort {
            target,
            published,
            protocol,
            host_ip,
        } = self;
        let published = published.map(|p| p.to_string()).unwrap_or_default();
        s.collect_str(&format_args!("{host_ip}:{published}:{target}/{protocol}"))
    }
}

/// Where published ports listen: the developer's own machine, not its network. Docker
/// writes its own firewall rules for a published port, ahead of the host's (ufw,
/// firewalld), so a database published on every address is open to the network.
const LOOPBACK: &str = "127.0.0.1";

#[derive(Serialize)]
struct Healthcheck {
    test: Vec<String>,
    interval: String,
    timeout: String,
    retries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_period: Option<String>,
}

#[derive(Serialize)]
struct Dependency {
    condition: &'static str,
}

#[derive(Serialize)]
struct VolumeMount {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Empty for an anonymous volume (the container's own, gone with it).
    #[serde(skip_serializing_if = "String::is_empty")]
    source: String,
    target: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    read_only: bool,
}

#[derive(Serialize)]
struct NetworkAttachment {
    aliases: Vec<String>,
}

#[derive(Serialize)]
struct Deploy {
    #[serde(skip_serializing_if = "Option::is_none")]
    replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<DeployResources>,
}

#[derive(Serialize)]
struct DeployResources {
    limits: Limits,
}

#[derive(Serialize)]
struct Limits {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
}

/// A service's `x-kubeprint`: what Kubernetes needs that compose has no field for.
/// Kubeprint's compose import reads it back ([`crate::import::compose`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ServiceExtension {
    /// The workload kind, when it is not what the compose file implies (a Deployment, a
    /// StatefulSet for named volumes, a Job for a one-off task).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkloadKind>,
    /// Every container port, by the name the design gives it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ExtensionPort>,
    /// The Kubernetes Service's ports (`None`: one per container port, as compose's
    /// import would make them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_ports: Option<Vec<ExtensionServicePort>>,
    /// Which Service port of each callee an edge calls.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub calls: BTreeMap<String, String>,
    /// The readiness probe's settings a healthcheck does not have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<ReadinessExtras>,
    /// The pod this compose service is a container of, when it is not the main one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerOf>,
    /// The variables read from a Secret, by name: `.env` holds only a placeholder for
    /// them, which the import must not take for a plain value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, ExtensionSecret>,
    /// The replicas the design runs, where compose runs one container (see
    /// [`replicas`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// The volume claim each named volume is, where the volume is named otherwise (two
    /// services' claims `data`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub claims: BTreeMap<String, String>,
    /// The named volumes that are a PersistentVolumeClaim made outside the design (which
    /// services may share), not a StatefulSet's own claim.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub existing_claims: Vec<String>,
    /// The directories a Secret is mounted at whole (each key a file, new keys too),
    /// which compose mounts file by file: directory -> Secret.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_dirs: BTreeMap<String, String>,
    /// The directories a ConfigMap is mounted at whole, as [`Self::secret_dirs`]:
    /// directory -> ConfigMap.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config_dirs: BTreeMap<String, String>,
    /// The files bind-mounted from the compose project that are keys of ConfigMaps:
    /// path in the container -> which key of which ConfigMap.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config_files: BTreeMap<String, ExtensionConfig>,
    /// Where the pods connect outside the cluster, which compose does not restrict but
    /// a default-deny environment does ([`crate::model::Service::egress`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<ExternalEgress>,
}

/// The Secret key a variable is read from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExtensionSecret {
    /// The Secret's name.
    pub secret: String,
    /// The one key the variable reads (`secretKeyRef`); `None` where the pod reads every
    /// key of the Secret as a variable of its name (`envFrom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The Secret is made outside Kubeprint ([`crate::model::SecretDef::external`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
}

/// Which key of which ConfigMap a top-level config is (the file a pod reads from it),
/// as the compose export writes it and the import reads it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ExtensionConfig {
    /// The ConfigMap's name.
    pub config_map: String,
    /// The key.
    pub key: String,
}

/// A named container port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExtensionPort {
    pub name: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "is_tcp")]
    pub protocol: Protocol,
}

/// A port of the Kubernetes Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ExtensionServicePort {
    pub name: String,
    pub port: u16,
    pub target: PortRef,
    #[serde(default, skip_serializing_if = "is_tcp")]
    pub protocol: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// What a healthcheck cannot say about a readiness probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReadinessExtras {
    #[serde(skip_serializing_if = "is_zero")]
    pub initial_delay_seconds: u32,
    #[serde(skip_serializing_if = "is_one")]
    pub success_threshold: u32,
}

/// A container of another service's pod.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ContainerOf {
    /// The compose service of the pod's main container.
    pub pod: String,
    /// The container's name in the pod.
    pub name: String,
    /// Init container, native sidecar or regular container.
    pub role: ContainerRole,
    /// Its place among the pod's other containers.
    pub index: usize,
}

fn is_tcp(p: &Protocol) -> bool {
    *p == Protocol::TCP
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_one(n: &u32) -> bool {
    *n <= 1
}

/// `compose/compose.yaml` and `compose/.env` for environment `env` of `design`.
pub fn compose(design: &Design, env: &str) -> Vec<BundleFile> {
    // The ConfigMaps as the environment has them, its own values included.
    let design = &*design.with_config_of(env);
    let (file, dotenv) = build(design, env);
    let mut value = crate::yaml::to_value(&file);
    // Compose interpolates every string value: each `$` the design wrote is doubled.
    // Variables, the command and its arguments are the exception: they were written
    // with references on purpose and their literal parts escaped already.
    if let Some(services) = value.get_mut("services").and_then(Value::as_mapping_mut) {
        for (_, service) in services.iter_mut() {
            if let Some(fields) = service.as_mapping_mut() {
                for (key, v) in fields.iter_mut() {
                    let written = ["environment", "entrypoint", "command"];
                    if !key.as_str().is_some_and(|k| written.contains(&k)) {
                        escape_all(v);
                    }
                }
            }
        }
    }
    if let Some(about) = value.get_mut("x-kubeprint") {
        escape_all(about);
    }
    let mut files = vec![
        BundleFile {
            path: "compose/compose.yaml".into(),
            contents: crate::yaml::to_doc(&value),
        },
        BundleFile {
            path: "compose/.env".into(),
            contents: dotenv.text(env),
        },
    ];
    // Each config's file, with its text.
    files.extend(file.configs.0.iter().map(|(_, config)| BundleFile {
        path: format!("compose/{}", config.file.trim_start_matches("./")),
        contents: config.text.clone(),
    }));
    // Each secret's file, with the placeholder (and no line break, which the file's
    // reader would take for part of the value).
    files.extend(file.secrets.0.iter().map(|(_, secret)| BundleFile {
        path: format!("compose/{}", secret.file.trim_start_matches("./")),
        contents: SECRET_PLACEHOLDER.into(),
    }));
    files
}

fn build<'d>(design: &'d Design, env_name: &str) -> (ComposeFile, DotEnv<'d>) {
    let mut file = ComposeFile {
        services: Ordered::default(),
        volumes: Ordered::default(),
        secrets: Ordered::default(),
        configs: Ordered::default(),
        about: FileExtension {
            design: design.name.clone(),
            environment: env_name.to_string(),
            notes: Vec::new(),
        },
    };
    let mut dotenv = DotEnv::new(design);
    let Some(env) = design.environment(env_name) else {
        let names: Vec<&str> = design
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        file.about.notes.push(format!(
            "the design has no environment `{env_name}` (it has {}): no services",
            names.join(", ")
        ));
        return (file, dotenv);
    };
    let notes = &mut file.about.notes;
    let all = deployed(design, env);
    let (services, cron): (Vec<Service>, Vec<Service>) = all
        .into_iter()
        .partition(|s| s.kind != WorkloadKind::CronJob);
    for s in &cron {
        notes.push(format!(
            "{} is a CronJob ({}): compose has no schedule, so it is not in this file",
            s.name, s.cron.schedule
        ));
    }
    let healthy: BTreeSet<ServiceId> = services
        .iter()
        .filter(|s| s.probes.readiness.is_some() && !s.kind.runs_to_completion())
        .map(|s| s.id)
        .to_set();
    let here: BTreeMap<ServiceId, &Service> = services.iter().map(|s| (s.id, s)).to_map();
    let waits = dependencies(design, env, &here, notes);
    let mut host = HostPorts::default();
    // Compose service and volume names in use: a pod's container `web` + `proxy` must not
    // take the name of a service `web-proxy` (the later one would replace the earlier).
    let mut taken: BTreeSet<String> = services.iter().map(|s| s.name.clone()).to_set();
    let mut volumes_taken: BTreeSet<String> = BTreeSet::new();
    let mut claims_named: BTreeMap<&str, usize> = BTreeMap::new();
    for claim in services.iter().flat_map(|s| &s.storage) {
        *claims_named.entry(claim.name.as_str()).or_default() += 1;
    }
    for s in &services {
        let (environment, secrets) = dotenv.environment(&s.name, &s.config, notes);
        let mut main = ComposeService {
            image: s.image_ref(),
            entrypoint: expand_all(&s.command, &environment),
            command: expand_all(&s.args, &environment),
            environment,
            ..ComposeService::default()
        };
        main.kubeprint.secrets = secrets;
        main.profiles.clone_from(&s.local.profiles);
        // A pod of a Deployment, StatefulSet or DaemonSet is restarted whenever its
        // container exits; a Job's runs once.
        main.restart = Some(match s.kind.runs_to_completion() {
            true => "no",
            false => "unless-stopped",
        });
        ports(s, &mut main, &mut host, notes);
        if !s.kind.runs_to_completion() {
            if let Some(p) = &s.probes.readiness {
                main.healthcheck = Some(healthcheck(s, p, &s.ports, notes));
                let extras = ReadinessExtras {
                    initial_delay_seconds: p.initial_delay_seconds,
                    success_threshold: p.effective_successes(),
                };
                if extras.initial_delay_seconds > 0 || extras.success_threshold > 1 {
                    main.kubeprint.readiness = Some(extras);
                }
            }
        }
        main.stop_grace_period = Some(seconds(s.timing.grace_period_seconds));
        let mut deps: Ordered<Dependency> = Ordered::default();
        for call in waits.get(&s.id).into_iter().flatten() {
            let to = here[&call.callee];
            main.kubeprint
                .calls
                .insert(to.name.clone(), call.port.clone());
            if !call.waits {
                continue;
            }
            deps.0.push((
                to.name.clone(),
                Dependency {
                    condition: if to.kind.runs_to_completion() {
                        "service_completed_successfully"
                    } else if healthy.contains(&to.id) {
                        "service_healthy"
                    } else {
                        "service_started"
                    },
                },
            ));
        }
        for claim in &s.storage {
            // A claim's own name where no other service has a claim of that name (a
            // compose file's `dbdata` comes back as it was, and finds its data), else
            // the service's name before it.
            let wanted = match claims_named[claim.name.as_str()] {
                1 => claim.name.clone(),
                _ => format!("{}-{}", s.name, claim.name),
            };
            let volume = unique(wanted, &mut volumes_taken);
            if volume != claim.name {
                (main.kubeprint.claims).insert(volume.clone(), claim.name.clone());
            }
            main.volumes.push(VolumeMount {
                kind: "volume",
                source: volume.clone(),
                target: claim.mount_path.clone(),
                read_only: false,
            });
            file.volumes.0.push((volume, NamedVolume {}));
        }
        if s.kind == WorkloadKind::StatefulSet && s.storage.is_empty() {
            main.kubeprint.kind = Some(WorkloadKind::StatefulSet);
        }
        if matches!(s.kind, WorkloadKind::DaemonSet) {
            main.kubeprint.kind = Some(s.kind);
        }
        main.kubeprint.egress = s.egress.clone();
        main.user = user(&s.security);
        for v in &s.volumes {
            let mounted: Vec<&Mount> = (s.mounts.iter()).filter(|m| m.volume == v.name).collect();
            // A claim several services may share (one compose shared as a named volume):
            // a named volume of that name.
            if let VolumeSource::Claim { claim, read_only } = &v.source {
                if !mounted.is_empty() {
                    for m in &mounted {
                        main.volumes.push(VolumeMount {
                            kind: "volume",
                            source: claim.clone(),
                            target: m.path.clone(),
                            read_only: *read_only || m.read_only,
                        });
                    }
                    if !main.kubeprint.existing_claims.contains(claim) {
                        main.kubeprint.existing_claims.push(claim.clone());
                    }
                    if !file.volumes.0.iter().any(|(n, _)| n == claim) {
                        volumes_taken.insert(claim.clone());
                        file.volumes.0.push((claim.clone(), NamedVolume {}));
                    }
                    continue;
                }
            }
            if let VolumeSource::Secret { name } = &v.source {
                if !mounted.is_empty() {
                    for m in &mounted {
                        secret_files(design, s, name, m, &mut main, &mut file.secrets, notes);
                    }
                    continue;
                }
            }
            if let VolumeSource::ConfigMap { name } = &v.source {
                if !mounted.is_empty() {
                    for m in &mounted {
                        config_files(design, s, name, m, &mut main, &mut file.configs, notes);
                    }
                    continue;
                }
            }
            // A directory that lives as long as the container: a tmpfs, or an
            // anonymous volume, where the main container mounts it.
            if let VolumeSource::EmptyDir { memory, .. } = v.source {
                let paths: Vec<String> = (mounted.iter())
                    .filter(|m| m.sub_path.is_empty())
                    .map(|m| m.path.clone())
                    .collect();
                if !paths.is_empty() {
                    for path in paths {
                        match memory {
                            true => main.tmpfs.push(path),
                            false => main.volumes.push(VolumeMount {
                                kind: "volume",
                                source: String::new(),
                                target: path,
                                read_only: false,
                            }),
                        }
                    }
                    continue;
                }
            }
            notes.push(format!(
                "{}: volume `{}` ({}) is not in this file: compose gives each container its own writable filesystem",
                s.name,
                v.name,
                volume_kind(&v.source)
            ));
        }
        main.deploy = limits(&s.resources);
        const SUFFIXES: [&str; 3] = ["", ".svc", ".svc.cluster.local"];
        // Its Service's name, when an import kept another than the service's (a
        // Service `catalog` of the workload `catalog-v1`), is the name callers dial.
        let dialed = s.service_name();
        let mut aliases: Vec<String> = (dialed != s.name)
            .then(|| dialed.to_string())
            .into_iter()
            .chain((SUFFIXES.iter()).map(|suffix| format!("{dialed}.{}{suffix}", env.namespace)))
            .collect();
        if s.kind == WorkloadKind::StatefulSet {
            // The one container stands for pod 0, which callers reach by its own name.
            let pod = format!("{}-0.{}", s.name, s.governing_service());
            aliases.push(pod.clone());
            for suffix in SUFFIXES {
                aliases.push(format!("{pod}.{}{suffix}", env.namespace));
            }
        }
        main.networks
            .0
            .push(("default".into(), NetworkAttachment { aliases }));
        // The pod's other containers.
        let mut previous_init: Option<String> = None;
        let mut sidecars = Vec::new();
        for (index, c) in s.containers.iter().enumerate() {
            let wanted = format!("{}-{}", s.name, c.name);
            let name = unique(wanted.clone(), &mut taken);
            if name != wanted {
                notes.push(format!(
                    "{}: container `{}` is compose service {name}, since {wanted} is another service",
                    s.name, c.name
                ));
            }
            let (environment, secrets) = dotenv.environment(&name, &c.config, notes);
            let mut cs = ComposeService {
                image: c.image_ref(),
                entrypoint: expand_all(&c.command, &environment),
                command: expand_all(&c.args, &environment),
                environment,
                deploy: limits(&c.resources),
                // Started with the pod's main container.
                profiles: s.local.profiles.clone(),
                ..ComposeService::default()
            };
            cs.kubeprint.secrets = secrets;
            cs.kubeprint.container = Some(ContainerOf {
                pod: s.name.clone(),
                name: c.name.clone(),
                role: c.role,
                index,
            });
            cs.kubeprint.ports = c
                .ports
                .iter()
                .map(|p| ExtensionPort {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol,
                })
                .collect();
            if c.role == ContainerRole::Init {
                cs.restart = Some("no");
                // It needs what the pod calls (a migration needs its database), and
                // runs after the init container before it.
                for (k, d) in &deps.0 {
                    cs.depends_on.0.push((
                        k.clone(),
                        Dependency {
                            condition: d.condition,
                        },
                    ));
                }
                if let Some(prev) = previous_init.replace(name.clone()) {
                    cs.depends_on.0.push((
                        prev,
                        Dependency {
                            condition: "service_completed_successfully",
                        },
                    ));
                }
                cs.expose = c.ports.iter().map(expose).collect();
            } else {
                // Restarted as the pod's main container is.
                cs.restart = main.restart;
                // Containers of a pod share its network: this one joins the main one's.
                cs.network_mode = Some(format!("service:{}", s.name));
                if let Some(p) = &c.probes.readiness {
                    cs.healthcheck = Some(healthcheck(s, p, &c.ports, notes));
                }
                cs.stop_grace_period = Some(seconds(s.timing.grace_period_seconds));
                // Its ports are the pod's: published (or exposed) by the main service.
                for p in &c.ports {
                    if !s.ports.iter().any(|m| m.port == p.port) {
                        publish_extra(s, p, &mut main, &mut host, notes);
                    }
                }
            }
            if !c.mounts.is_empty() {
                notes.push(format!(
                    "{name}: its mounts are not in this file (compose does not share a pod's volumes)"
                ));
            }
            sidecars.push((name, cs));
        }
        if let Some(last) = previous_init {
            deps.0.push((
                last,
                Dependency {
                    condition: "service_completed_successfully",
                },
            ));
        }
        main.depends_on = deps;
        // (After the sidecars, whose ports the main service publishes.)
        replicas(s, &mut main, notes);
        file.services.0.push((s.name.clone(), main));
        file.services.0.extend(sidecars);
    }
    (file, dotenv)
}

/// `wanted`, or with the first free `-2`, `-3`, ... suffix; taken from now on.
fn unique(wanted: String, taken: &mut BTreeSet<String>) -> String {
    let name = crate::naming::free(&wanted, |n| taken.contains(n));
    taken.insert(name.clone());
    name
}

/// One edge of a caller whose callee runs in this file.
struct Call {
    callee: ServiceId,
    /// The callee's Service port.
    port: String,
    /// Whether the caller waits for the callee (`depends_on`): not when that would close
    /// a cycle.
    waits: bool,
}

/// Per caller, its edges to services of this file, in design edge order. Edges leading
/// out of the environment, or closing a cycle of waits, are noted.
fn dependencies(
    design: &Design,
    env: &Environment,
    here: &BTreeMap<ServiceId, &Service>,
    notes: &mut Vec<String>,
) -> BTreeMap<ServiceId, Vec<Call>> {
    let mut out: BTreeMap<ServiceId, Vec<Call>> = BTreeMap::new();
    for e in &design.edges {
        let (Some(from), to) = (here.get(&e.from), design.service(e.to)) else {
            continue;
        };
        let Some(to) = to else { continue };
        match edge_target(design, env, e) {
            EdgeTarget::Local if here.contains_key(&e.to) => {
                // Compose starts a service of a profile only with it: one started
                // without it cannot wait for it.
                // (Whichever of its own profiles starts the caller must start it.)
                let profiled = !to.local.profiles.is_empty()
                    && (from.local.profiles.is_empty()
                        || !(from.local.profiles.iter()).all(|p| to.local.profiles.contains(p)));
                if profiled {
                    notes.push(format!(
                        "{} calls {} on `{}`, which compose starts only with --profile {}: {} does not wait for it",
                        from.name,
                        to.name,
                        e.port,
                        to.local.profiles.join(" or --profile "),
                        from.name
                    ));
                }
                let waits = !profiled && !reaches(&out, e.to, e.from);
                if !waits && !profiled {
                    notes.push(format!(
                        "{} calls {} on `{}`, which waits for {} already: compose refuses a cycle, so {} does not wait for {}",
                        from.name, to.name, e.port, from.name, from.name, to.name
                    ));
                }
                out.entry(e.from).or_default().push(Call {
                    callee: e.to,
                    port: e.port.clone(),
                    waits,
                });
            }
            EdgeTarget::Shared(other) => notes.push(format!(
                "{} calls {} on `{}`, which runs in environment {} (namespace {}), not in this file",
                from.name, to.name, e.port, other.name, other.namespace
            )),
            _ => notes.push(format!(
                "{} calls {} on `{}`, which environment {} does not run",
                from.name, to.name, e.port, env.name
            )),
        }
    }
    out
}

/// Whether `from` already waits, directly or not, for `to`.
fn reaches(waits: &BTreeMap<ServiceId, Vec<Call>>, from: ServiceId, to: ServiceId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if seen.insert(n) {
            stack.extend(
                waits
                    .get(&n)
                    .into_iter()
                    .flatten()
                    .filter(|c| c.waits)
                    .map(|c| c.callee),
            );
        }
    }
    false
}

/// Host ports taken so far, per protocol.
#[derive(Default)]
struct HostPorts(BTreeSet<(&'static str, u16)>);

impl HostPorts {
    /// `wanted` if it is free, else the next free number above it (wrapping to 1024).
    fn take(&mut self, protocol: &'static str, wanted: u16) -> u16 {
        let mut p = wanted.max(1);
        while self.0.contains(&(protocol, p)) {
            p = if p == u16::MAX { 1024 } else { p + 1 };
        }
        self.0.insert((protocol, p));
        p
    }
}

fn protocol(p: Protocol) -> &'static str {
    match p {
        Protocol::TCP => "tcp",
        Protocol::UDP => "udp",
        Protocol::SCTP => "sctp",
    }
}

fn expose(p: &ContainerPort) -> String {
    match p.protocol {
        Protocol::TCP => p.port.to_string(),
        other => format!("{}/{}", p.port, protocol(other)),
    }
}

/// Publish the Service's ports, expose the other container ports, and name them all in
/// the extension.
fn ports(s: &Service, out: &mut ComposeService, host: &mut HostPorts, notes: &mut Vec<String>) {
    let service_ports: &[ServicePort] = if s.exposure.service == ServiceKind::None {
        &[]
    } else {
        &s.exposure.ports
    };
    for sp in service_ports {
        let Some(target) = s
            .resolve_port(&sp.target)
            .map(|c| c.port)
            .or(match &sp.target {
                PortRef::Number(n) => Some(*n),
                PortRef::Name(_) => None,
            })
        else {
            notes.push(format!(
                "{}: Service port `{}` targets `{}`, which no container port is: not published",
                s.name, sp.name, sp.target
            ));
            continue;
        };
        if sp.port != target {
            notes.push(format!(
                "{}: callers reach port `{}` at {target} here, not at the Service's {} (compose has no Service in front of a container)",
                s.name, sp.name, sp.port
            ));
        }
    }
    // What is published: the design's own list (a compose file's, imported), else what
    // it publishes unsaid (the container port of each Service port, at its number).
    let said = s.local.published.is_some();
    let list = (s.local.published.clone()).unwrap_or_else(|| crate::presets::published(s));
    let mut wanted: Vec<(u16, Protocol, Option<u16>)> = Vec::new();
    for h in &list {
        match (s.resolve_port(&h.port), &h.port) {
            (Some(c), _) => wanted.push((c.port, c.protocol, h.host)),
            // A Service port's target no container declares: published as the Service
            // port says.
            (None, PortRef::Number(n)) if !said => {
                let sp = service_ports.iter().find(|sp| sp.target == h.port);
                wanted.push((*n, sp.map_or(Protocol::TCP, |sp| sp.protocol), h.host));
            }
            // Another container's: published with it (`publish_extra`).
            _ if s.containers.iter().flat_map(|c| &c.ports).any(|c| refers(&h.port, c)) => {}
            _ => notes.push(format!(
                "{}: port `{}` is published on the host, but no container of the pod has such a port: not published",
                s.name, h.port
            )),
        }
    }
    let mut published: BTreeSet<(u16, Protocol)> = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (target, proto_of, wanted_host) in wanted {
        if !seen.insert((target, proto_of, wanted_host)) {
            continue;
        }
        published.insert((target, proto_of));
        out.ports
            .push(publish(s, target, proto_of, wanted_host, host, notes));
    }
    for p in &s.ports {
        if !published.contains(&(p.port, p.protocol)) {
            out.expose.push(expose(p));
        }
    }
    out.kubeprint.ports = s
        .ports
        .iter()
        .map(|p| ExtensionPort {
            name: p.name.clone(),
            port: p.port,
            protocol: p.protocol,
        })
        .collect();
    out.kubeprint.service_ports = Some(
        service_ports
            .iter()
            .map(|p| ExtensionServicePort {
                name: p.name.clone(),
                port: p.port,
                target: p.target.clone(),
                protocol: p.protocol,
                app_protocol: p.app_protocol.clone(),
            })
            .collect(),
    );
}

/// The container's user as compose writes it (`1000`, `1000:1000`), from its own
/// runAsUser or the pod's, and the pod's runAsGroup.
fn user(security: &Security) -> Option<String> {
    let uid = security.container_run_as_user.or(security.run_as_user)?;
    Some(match security.run_as_group {
        Some(gid) => format!("{uid}:{gid}"),
        None => uid.to_string(),
    })
}

/// A sidecar's port, which the main service publishes for the pod.
fn publish_extra(
    s: &Service,
    p: &ContainerPort,
    main: &mut ComposeService,
    host: &mut HostPorts,
    notes: &mut Vec<String>,
) {
    // As the design says (an entry of its list that the main container has no port
    // for), else when its Service targets it, at its own number.
    let wanted: Option<Option<u16>> = match &s.local.published {
        Some(list) => (list.iter())
            .find(|h| s.resolve_port(&h.port).is_none() && refers(&h.port, p))
            .map(|h| h.host),
        None => s
            .callable_ports()
            .iter()
            .any(|sp| refers(&sp.target, p))
            .then_some(Some(p.port)),
    };
    let Some(wanted) = wanted else {
        return;
    };
    main.ports
        .push(publish(s, p.port, p.protocol, wanted, host, notes));
}

/// Container port `target` of service `s` published on the host's loopback address at
/// host port `wanted` (the next free one when a service before it took that, with a
/// note), or at one Docker picks (`None`).
fn publish(
    s: &Service,
    target: u16,
    proto: Protocol,
    wanted: Option<u16>,
    host: &mut HostPorts,
    notes: &mut Vec<String>,
) -> PublishedPort {
    let proto = protocol(proto);
    let on = wanted.map(|w| {
        let on = host.take(proto, w);
        if on != w {
            notes.push(format!(
                "{}: port {target}/{proto} is published on host port {on} ({w} is taken by a service before it)",
                s.name
            ));
        }
        on
    });
    PublishedPort {
        target,
        published: on,
        protocol: proto,
        host_ip: LOOPBACK,
    }
}

/// Whether `port` refers to container port `c`: by its name, or by its number.
fn refers(port: &PortRef, c: &ContainerPort) -> bool {
    match port {
        PortRef::Name(n) => !n.is_empty() && *n == c.name,
        PortRef::Number(n) => *n == c.port,
    }
}

/// Seconds as a compose duration.
fn seconds(n: u32) -> String {
    format!("{n}s")
}

/// Every string value inside `v` with `$` doubled (mapping keys are not interpolated).
fn escape_all(v: &mut Value) {
    match v {
        Value::String(s) if s.contains('$') => *s = escape(s),
        Value::Sequence(items) => items.iter_mut().for_each(escape_all),
        Value::Mapping(m) => m.iter_mut().for_each(|(_, v)| escape_all(v)),
        _ => {}
    }
}

/// A Kubernetes command or its arguments as compose writes them ([`expand`]).
fn expand_all(args: &[String], environment: &[String]) -> Vec<String> {
    args.iter().map(|a| expand(a, environment)).collect()
}

/// One Kubernetes command word or argument as compose writes it. Kubernetes expands
/// `$(VAR)` with the container's variable `VAR` (and leaves it as it is when the
/// container has none), and reads `$$` as one `$`; compose has no such expansion, so a
/// variable's reference becomes what its `environment` item holds (a literal, escaped,
/// or `${VAR}` of `.env`) and every other `$` is escaped from compose's interpolation.
fn expand(arg: &str, environment: &[String]) -> String {
    use crate::expansion::{pieces, Piece};
    let value = |name: &str| {
        (environment.iter().rev())
            .find_map(|item| item.split_once('=').filter(|(k, _)| *k == name))
            .map(|(_, v)| v.to_string())
    };
    let mut out = String::new();
    for piece in pieces(arg) {
        match piece {
            Piece::Text(text) => out.push_str(&escape(text)),
            Piece::Dollar => out.push_str("$$"),
            Piece::Reference(name) => match value(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&escape(&format!("$({name})"))),
            },
        }
    }
    out
}

/// A string with compose's interpolation escaped (`$` -> `$$`).
fn escape(s: &str) -> String {
    s.replace('$', "$$")
}

/// A readiness probe as a healthcheck test and timings.
fn healthcheck(
    s: &Service,
    p: &Probe,
    ports: &[ContainerPort],
    notes: &mut Vec<String>,
) -> Healthcheck {
    let number = |r: &PortRef| -> u16 {
        match r {
            PortRef::Number(n) => *n,
            PortRef::Name(n) => ports
                .iter()
                .chain(&s.ports)
                .find(|c| c.name == *n)
                .map_or(0, |c| c.port),
        }
    };
    let test = match &p.action {
        ProbeAction::Http { path, port } => {
            let path = if path.starts_with('/') {
                path.clone()
            } else {
                format!("/{path}")
            };
            let url = format!(
                "'http://127.0.0.1:{}{}'",
                number(port),
                path.replace('\'', "%27")
            );
            vec![
                "CMD-SHELL".into(),
                format!("wget -q -O /dev/null {url} || curl -fsS -o /dev/null {url}"),
            ]
        }
        ProbeAction::Tcp { port } => {
            let n = number(port);
            vec![
                "CMD-SHELL".into(),
                format!("nc -z 127.0.0.1 {n} || bash -c 'echo > /dev/tcp/127.0.0.1/{n}'"),
            ]
        }
        ProbeAction::Grpc { port, service } => {
            let mut t = vec![
                "CMD".to_string(),
                "grpc_health_probe".into(),
                format!("-addr=127.0.0.1:{port}"),
            ];
            if let Some(svc) = service {
                t.push(format!("-service={svc}"));
            }
            t
        }
        ProbeAction::Exec { command } => {
            let mut t = vec!["CMD".to_string()];
            t.extend(command.iter().cloned());
            t
        }
    };
    if p.effective_successes() > 1 {
        notes.push(format!(
            "{}: its readiness probe needs {} successes in a row; a healthcheck is healthy after one",
            s.name,
            p.effective_successes()
        ));
    }
    // Compose gives up `retries` checks after `start_period`, a startup probe after its
    // budget: the start period is what of the budget those checks do not take, so that
    // both give up at the same time (and a compose file's own period comes back as it
    // was imported).
    let period = u64::from(p.effective_period());
    let checks = u64::from(p.effective_failures()) * period;
    let startup = s.probes.startup.as_ref().map_or(0, |startup| {
        let left = startup.budget_seconds().saturating_sub(checks);
        // Less than a period past the service's start-up time is that time rounded up
        // to whole periods (as the import makes a start period of 45 s with checks
        // every 10 s): the start-up time is the start period.
        let own = u64::from(s.timing.startup_seconds);
        let rounded = own > 0 && left > own && left - own < period;
        u32::try_from(if rounded { own } else { left }).unwrap_or(u32::MAX)
    });
    let start = s
        .timing
        .startup_seconds
        .max(startup)
        .max(p.initial_delay_seconds);
    Healthcheck {
        test,
        interval: seconds(p.effective_period()),
        timeout: seconds(p.effective_timeout()),
        retries: p.effective_failures(),
        start_period: (start > 0).then(|| seconds(start)),
    }
}

/// A ConfigMap volume's mount as files of the project bind-mounted read-only: the key a
/// `subPath` names, or every key of the ConfigMap as a file in the mount's directory
/// (as the environment has its values). One file per key of a ConfigMap, named after
/// the key where no other ConfigMap's key has that name.
fn config_files(
    design: &Design,
    s: &Service,
    config_map: &str,
    m: &Mount,
    main: &mut ComposeService,
    top: &mut Ordered<ConfigFile>,
    notes: &mut Vec<String>,
) {
    let Some(cm) = design.config_map(config_map) else {
        notes.push(format!(
            "{}: ConfigMap {config_map}, mounted at {}, is not in the design: not in this file",
            s.name, m.path
        ));
        return;
    };
    let keys: Vec<(&str, String)> = match m.sub_path.as_str() {
        "" => {
            let dir = m.path.trim_end_matches('/');
            (main.kubeprint.config_dirs).insert(dir.to_string(), config_map.to_string());
            (cm.data.keys())
                .map(|k| (k.as_str(), format!("{dir}/{k}")))
                .collect()
        }
        key => vec![(key, m.path.clone())],
    };
    for (key, path) in keys {
        // The key names the file written beside compose.yaml: one that is no key
        // (`../x`, which the names rule reports) or that the ConfigMap lacks is not
        // written.
        if crate::names::config_key(key).is_err() || !cm.data.contains_key(key) {
            notes.push(format!(
                "{}: `{key}` of ConfigMap {config_map}, mounted at {path}, is no key it has: not in this file",
                s.name
            ));
            continue;
        }
        let holds = |f: &ConfigFile| f.kubeprint.config_map == config_map && f.kubeprint.key == key;
        let name = match top.0.iter().find(|(_, f)| holds(f)) {
            Some((name, _)) => name.clone(),
            None => {
                let taken = |n: &str| top.0.iter().any(|(t, _)| t == n);
                let name = match taken(key) {
                    false => key.to_string(),
                    true => crate::naming::free(&format!("{config_map}_{key}"), taken),
                };
                top.0.push((
                    name.clone(),
                    ConfigFile {
                        file: format!("./configs/{name}"),
                        text: cm.data.get(key).cloned().unwrap_or_default(),
                        kubeprint: ExtensionConfig {
                            config_map: config_map.to_string(),
                            key: key.to_string(),
                        },
                    },
                ));
                name
            }
        };
        let file = &top
            .0
            .iter()
            .find(|(n, _)| *n == name)
            .expect("just listed")
            .1;
        main.volumes.push(VolumeMount {
            kind: "bind",
            source: file.file.clone(),
            target: path.clone(),
            read_only: true,
        });
        (main.kubeprint.config_files).insert(path, file.kubeprint.clone());
    }
}

/// A Secret volume's mount as compose secrets: the key a `subPath` names, or every key
/// of the Secret as a file in the mount's directory. One top-level secret per key of a
/// Secret, named after the key where no other Secret's key has that name.
fn secret_files(
    design: &Design,
    s: &Service,
    secret: &str,
    m: &Mount,
    main: &mut ComposeService,
    top: &mut Ordered<SecretFile>,
    notes: &mut Vec<String>,
) {
    if m.sub_path.is_empty() {
        let dir = m.path.trim_end_matches('/').to_string();
        main.kubeprint.secret_dirs.insert(dir, secret.to_string());
    }
    let keys: Vec<(&str, String)> = match m.sub_path.as_str() {
        "" => match design.secret(secret) {
            Some(d) => (d.keys.iter())
                .map(|k| (k.as_str(), format!("{}/{k}", m.path.trim_end_matches('/'))))
                .collect(),
            None => {
                notes.push(format!(
                    "{}: Secret {secret}, mounted at {}, is not in the design: not in this file",
                    s.name, m.path
                ));
                return;
            }
        },
        key => vec![(key, m.path.clone())],
    };
    for (key, path) in keys {
        let holds = |f: &SecretFile| {
            f.kubeprint.secret == secret && f.kubeprint.key.as_deref() == Some(key)
        };
        let name = match top.0.iter().find(|(_, f)| holds(f)) {
            Some((name, _)) => name.clone(),
            None => {
                let name = match top.0.iter().any(|(n, _)| n == key) {
                    false => key.to_string(),
                    true => format!("{secret}_{key}"),
                };
                top.0.push((
                    name.clone(),
                    SecretFile {
                        file: format!("./secrets/{name}"),
                        kubeprint: ExtensionSecret {
                            secret: secret.to_string(),
                            key: Some(key.to_string()),
                            external: design.secret(secret).is_some_and(|d| d.external),
                        },
                    },
                ));
                name
            }
        };
        main.secrets
            .push(match path == format!("/run/secrets/{name}") {
                true => SecretUse::Named(name),
                false => SecretUse::At {
                    source: name,
                    target: path,
                },
            });
    }
}

fn volume_kind(v: &VolumeSource) -> String {
    match v {
        VolumeSource::EmptyDir { .. } => "emptyDir".into(),
        VolumeSource::ConfigMap { name } => format!("ConfigMap {name}"),
        VolumeSource::Secret { name } => format!("Secret {name}"),
        VolumeSource::Claim { claim, .. } => format!("claim {claim}"),
    }
}

/// A Deployment's replicas as `deploy.replicas` (the HPA's minimum under an HPA), where
/// compose can run them: several containers cannot publish one host port, and would
/// share one named volume, so such a service runs one container, with a note.
fn replicas(s: &Service, out: &mut ComposeService, notes: &mut Vec<String>) {
    let n = s.scaling.hpa.as_ref().map_or(s.scaling.replicas, |h| h.min);
    if n < 2 || !s.kind.has_replicas() {
        return;
    }
    let sidecars = s.containers.iter().any(|c| c.role != ContainerRole::Init);
    let why = if out.ports.iter().any(|p| p.published.is_some()) {
        Some("its published host ports allow one")
    } else if out.volumes.iter().any(|v| !v.source.is_empty()) {
        Some("they would share its named volumes")
    } else if sidecars {
        Some("its other containers, services of their own, run once")
    } else if s.kind != WorkloadKind::Deployment {
        Some("a StatefulSet's pods each have a name of their own")
    } else {
        None
    };
    if let Some(why) = why {
        notes.push(format!("{}: one container here, not {n}: {why}", s.name));
        out.kubeprint.replicas = Some(n);
        return;
    }
    out.deploy
        .get_or_insert(Deploy {
            replicas: None,
            resources: None,
        })
        .replicas = Some(n);
}

/// Resource limits as compose's `deploy.resources.limits`.
fn limits(r: &Resources) -> Option<Deploy> {
    let cpus = r.cpu_limit.as_deref().and_then(cpus);
    let memory = r.memory_limit.as_deref().and_then(memory);
    (cpus.is_some() || memory.is_some()).then_some(Deploy {
        replicas: None,
        resources: Some(DeployResources {
            limits: Limits { cpus, memory },
        }),
    })
}

/// A Kubernetes CPU quantity (`500m`, `2`) as compose's cpus (`0.5`, `2`).
fn cpus(q: &str) -> Option<String> {
    let cores = crate::quantity::parse(q).filter(|c| *c > 0.0)?;
    // Millicores are Kubernetes' precision.
    let milli = (cores * 1000.0).round() as u64;
    Some(if milli.is_multiple_of(1000) {
        (milli / 1000).to_string()
    } else {
        let frac = format!("{:03}", milli % 1000);
        format!("{}.{}", milli / 1000, frac.trim_end_matches('0'))
    })
}

/// A Kubernetes memory quantity as compose's (binary units: `512Mi` -> `512m`, `1Gi` ->
/// `1g`; anything else in bytes).
fn memory(q: &str) -> Option<String> {
    for (suffix, unit) in [("Ki", "k"), ("Mi", "m"), ("Gi", "g")] {
        if let Some(n) = q.strip_suffix(suffix) {
            if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() {
                return Some(format!("{n}{unit}"));
            }
        }
    }
    let bytes = crate::quantity::parse(q).filter(|b| *b >= 1.0)?;
    Some(format!("{}", bytes.round() as u64))
}

/// The `.env` file: one variable per ConfigMap or Secret key read by the file's
/// services.
struct DotEnv<'d> {
    design: &'d Design,
    /// (is secret, object, key) -> variable name, in the order first read.
    vars: Vec<((bool, String, String), String)>,
    /// Keys that several objects hold.
    shared_keys: BTreeSet<String>,
}

impl<'d> DotEnv<'d> {
    fn new(design: &'d Design) -> Self {
        let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
        for cm in &design.config_maps {
            for k in cm.data.keys() {
                *holders.entry(k).or_default() += 1;
            }
        }
        for s in &design.secrets {
            for k in &s.keys {
                *holders.entry(k).or_default() += 1;
            }
        }
        DotEnv {
            design,
            vars: Vec::new(),
            shared_keys: holders
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(k, _)| k.to_string())
                .to_set(),
        }
    }

    /// The variable for one key of one object.
    fn var(&mut self, secret: bool, object: &str, key: &str) -> String {
        let id = (secret, object.to_string(), key.to_string());
        if let Some((_, v)) = self.vars.iter().find(|(k, _)| *k == id) {
            return v.clone();
        }
        let name = if self.shared_keys.contains(key) {
            env_name(&format!("{object}_{key}"))
        } else {
            env_name(key)
        };
        // Two different keys may still sanitize to one name (`a.b`, `a-b`).
        let name = (1..)
            .map(|i| {
                if i == 1 {
                    name.clone()
                } else {
                    format!("{name}_{i}")
                }
            })
            .find(|n| n != PROJECT_VARIABLE && !self.vars.iter().any(|(_, v)| v == n))
            .unwrap_or_default();
        self.vars.push((id, name.clone()));
        name
    }

    /// A ConfigMap key's value in an `environment` item: `${VAR}` with `VAR` in `.env`,
    /// or the value itself (escaped) when `.env` cannot carry it ([`dotenv_safe`]).
    fn config_value(
        &mut self,
        service: &str,
        object: &str,
        key: &str,
        notes: &mut Vec<String>,
    ) -> String {
        let design = self.design;
        match design.config_map(object).and_then(|c| c.data.get(key)) {
            Some(v) if !dotenv_safe(v) => {
                let note = format!(
                    "{service}: ConfigMap {object}'s `{key}` is written in compose.yaml, not .env: \
                     its value holds `${{` or a `$` beside a quote or line break, which the \
                     generations of compose read differently from .env"
                );
                if !notes.contains(&note) {
                    notes.push(note);
                }
                escape(v)
            }
            _ => format!("${{{}}}", self.var(false, object, key)),
        }
    }

    /// A container's variables as compose `environment` items, in Kubernetes'
    /// precedence (envFrom in order, then env, each later one winning), and the Secret
    /// key each one read from a Secret holds (for the service's `x-kubeprint`).
    fn environment(
        &mut self,
        service: &str,
        config: &Config,
        notes: &mut Vec<String>,
    ) -> (Vec<String>, BTreeMap<String, ExtensionSecret>) {
        let mut vars: Vec<(String, String, Option<ExtensionSecret>)> = Vec::new();
        let set = |vars: &mut Vec<(String, String, Option<ExtensionSecret>)>,
                   name: &str,
                   value: String| {
            vars.retain(|(n, _, _)| n != name);
            vars.push((name.to_string(), value, None));
        };
        // `key`: the one key a variable reads (`secretKeyRef`), `None` for every key of
        // the Secret under its own name (`envFrom`).
        let secret = |vars: &mut Vec<(String, String, Option<ExtensionSecret>)>,
                      name: &str,
                      value: String,
                      (sec, key): (&str, Option<&str>)| {
            vars.retain(|(n, _, _)| n != name);
            let from = ExtensionSecret {
                secret: sec.to_string(),
                key: key.map(str::to_string),
                external: (self.design.secret(sec)).is_some_and(|d| d.external),
            };
            vars.push((name.to_string(), value, Some(from)));
        };
        for from in &config.env_from {
            match from {
                EnvFrom::ConfigMap(cm) => {
                    let design = self.design;
                    let keys: Vec<String> = design
                        .config_map(cm)
                        .map(|c| c.data.keys().cloned().collect())
                        .unwrap_or_else(|| {
                            notes.push(format!(
                                "{service}: reads ConfigMap {cm}, which the design does not have"
                            ));
                            Vec::new()
                        });
                    for k in keys {
                        let value = self.config_value(service, cm, &k, notes);
                        set(&mut vars, &k, value);
                    }
                }
                EnvFrom::Secret(sec) => {
                    let design = self.design;
                    let keys: Vec<String> = design
                        .secret(sec)
                        .map(|s| s.keys.clone())
                        .unwrap_or_else(|| {
                            notes.push(format!(
                                "{service}: reads Secret {sec}, which the design does not have"
                            ));
                            Vec::new()
                        });
                    for k in keys {
                        let v = self.var(true, sec, &k);
                        secret(&mut vars, &k, format!("${{{v}}}"), (sec, None));
                    }
                }
            }
        }
        for e in &config.env {
            let value = match &e.value {
                // Kubernetes expands `$(VAR)` in a value from the variables before it.
                EnvValue::Literal(v) => {
                    let before: Vec<String> =
                        (vars.iter()).map(|(k, v, _)| format!("{k}={v}")).collect();
                    expand(v, &before)
                }
                EnvValue::ConfigMapKey { name, key } => {
                    self.config_value(service, name, key, notes)
                }
                EnvValue::SecretKey { name, key } => {
                    let value = format!("${{{}}}", self.var(true, name, key));
                    secret(&mut vars, &e.name, value, (name, Some(key)));
                    continue;
                }
            };
            set(&mut vars, &e.name, value);
        }
        let secrets = (vars.iter())
            .filter_map(|(k, _, from)| Some((k.clone(), from.clone()?)))
            .collect();
        let items = vars
            .into_iter()
            .map(|(k, v, _)| format!("{k}={v}"))
            .collect();
        (items, secrets)
    }

    /// The file's text: ConfigMap values, then Secret placeholders.
    fn text(&self, env: &str) -> String {
        let design = self.design;
        let mut out = format!(
            "# Variables of {}'s {env} environment, read by compose.yaml beside this file.\n\
             # ConfigMap values as the design has them; Secrets as the placeholder {SECRET_PLACEHOLDER}:\n\
             # set real values here, and keep this file out of version control.\n",
            design.name
        );
        out.push_str(&format!(
            "{PROJECT_VARIABLE}={}\n",
            dotenv_value(&project_name(&design.name))
        ));
        for secret in [false, true] {
            for ((is_secret, object, key), var) in &self.vars {
                if *is_secret != secret {
                    continue;
                }
                let value = if secret {
                    SECRET_PLACEHOLDER.to_string()
                } else {
                    design
                        .config_map(object)
                        .and_then(|c| c.data.get(key))
                        .cloned()
                        .unwrap_or_default()
                };
                out.push_str(&format!("{var}={}\n", dotenv_value(&value)));
            }
        }
        out
    }
}

/// The variable compose takes its project's name from (`.env` names it for both
/// generations of compose; a key of a ConfigMap so named gets another variable).
const PROJECT_VARIABLE: &str = "COMPOSE_PROJECT_NAME";

/// A compose project name for a design's: lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit (`kubeprint` when nothing of it is left).
fn project_name(design: &str) -> String {
    let name: String = design
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let name = name.trim_start_matches(['-', '_']);
    match name.is_empty() {
        true => "kubeprint".to_string(),
        false => name.to_string(),
    }
}

/// A variable name compose's `${VAR}` accepts: letters, digits and `_`, upper-cased.
fn env_name(text: &str) -> String {
    let mut n: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    n
}

/// Whether `.env` carries the value to both generations of compose unchanged:
/// docker-compose 1.x (python-dotenv) expands `${...}` even in single quotes and keeps
/// the backslash of `\$` in double quotes, where compose v2 expands `$NAME`; so no `${`
/// anywhere, and no `$` in a value that needs double quotes (a single quote or a line
/// break).
fn dotenv_safe(v: &str) -> bool {
    let needs_double_quotes = v.contains(['\'', '\n', '\r']);
    !(v.contains("${") || (v.contains('$') && needs_double_quotes))
}

/// A `.env` value ([`dotenv_safe`]): as it is when plain, else single-quoted (literal),
/// else (with a single quote or a line break, and no `$`) double-quoted with `\\`,
/// `\"`, `\n` and `\r` escaped.
fn dotenv_value(v: &str) -> String {
    let plain = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-./:@,+=%".contains(c));
    if plain {
        v.to_string()
    } else if !v.contains(['\'', '\n', '\r']) {
        format!("'{v}'")
    } else {
        let mut out = String::from("\"");
        for c in v.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}
