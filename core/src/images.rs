//! What Kubeprint knows about widely used images, as their publishers build them: the
//! ports they listen on, the user they run as, the paths they write (which need a
//! volume under a read-only root filesystem), how to probe them and how they stop.
//!
//! The inspector offers an entry's settings when its image is typed
//! ([`settings`], one `Edit`), the rules of the `images` family (KP902 to KP907) warn
//! where a design contradicts what its image needs, and a new probe of a known image
//! checks what the image's own documentation says to check
//! ([`crate::presets::probe`]).
//!
//! Each fact comes from the image's Dockerfile or documentation, named in the entry's
//! `source`. Tags change little of it; where a variant differs (Alpine builds of the
//! Docker library images run as another uid), the `note` says so.

use crate::domain::MIN_SHUTDOWN_SLACK_SECONDS;
use crate::edit::{Edit, FieldPath};
use crate::image::Reference;
use crate::model::*;
use serde_json::{json, Value};

/// What an image's health check does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// HTTP GET of a path on one of the image's ports (by its name).
    Http(&'static str, &'static str),
    /// A TCP connection to one of the image's ports (by its name).
    Tcp(&'static str),
    /// A command run in the container.
    Exec(&'static [&'static str]),
}

/// One image the catalogue knows.
#[derive(Debug)]
pub struct KnownImage {
    /// Short name, as the inspector shows it.
    pub name: &'static str,
    /// What it is.
    pub title: &'static str,
    /// Fully qualified repositories (as [`Reference::normalized`] gives them) that are
    /// this image.
    pub repositories: &'static [&'static str],
    /// The ports it listens on by default, with the names Kubeprint gives them.
    pub ports: &'static [(&'static str, u16)],
    /// The uid its process runs as.
    pub uid: i64,
    /// The gid its process runs as.
    pub gid: i64,
    /// The uid and gid its Alpine tags (`16-alpine`, `alpine3.20`) run as, where the
    /// Alpine build's user differs (postgres: 70, Alpine's own postgres user). Read
    /// both through [`KnownImage::user`].
    pub alpine_user: Option<(i64, i64)>,
    /// The image's `USER` is root: its entrypoint starts as root (to own its data
    /// directory) and steps down to `uid` itself. Under `runAsNonRoot` it must be
    /// given `uid` explicitly, or the kubelet refuses to start it.
    pub starts_as_root: bool,
    /// It cannot start without root at all.
    pub needs_root: bool,
    /// It works only as `uid`: files it writes at start-up belong to that user.
    pub fixed_uid: bool,
    /// An image of the same software that runs without root, when `needs_root`.
    pub non_root_alternative: Option<&'static str>,
    /// The directory of the configuration it reads without being told (nginx:
    /// `/etc/nginx`, grafana: `/etc/grafana`), where a file the design mounts may say
    /// which ports it listens on instead of the image's defaults.
    pub config_dir: Option<&'static str>,
    /// Paths it writes to (each needs a volume under a read-only root filesystem).
    pub writable: &'static [&'static str],
    /// The path that holds its data (one of `writable`), which wants a persistent
    /// volume rather than an emptyDir.
    pub data: Option<&'static str>,
    /// From a major version on, the path the volume for its data goes on instead of
    /// `data`, the image keeping its data in a subdirectory of its own there (postgres
    /// 18: `/var/lib/postgresql`, data in `18/docker`), and refusing to start with a
    /// volume on `data`. A tag that names no version is the newest.
    pub data_moved: Option<(u32, &'static str)>,
    /// The variable that sets its data directory (postgres: `PGDATA`), which must be
    /// empty at the first start: set, it wins over `data` and `data_moved`.
    pub data_variable: Option<&'static str>,
    /// Whether the process is alive.
    pub liveness: Check,
    /// Whether it takes traffic.
    pub readiness: Check,
    /// The signal it stops on (the image's `STOPSIGNAL`, which the runtime sends
    /// instead of SIGTERM).
    pub stop_signal: &'static str,
    /// Seconds it needs to stop cleanly after that signal (A).
    pub shutdown_seconds: u32,
    /// Worst-case seconds from start to ready on a first start.
    pub startup_seconds: u32,
    /// The variables its entrypoint cannot initialize its data without (on a first
    /// start, an empty data directory), if any.
    pub needs: Option<Needs>,
    /// The program its entrypoint runs as its server when named first in the arguments
    /// (redis: `redis-server`); flags alone run it too, any other program runs instead.
    pub server: &'static str,
    /// What else to know.
    pub note: &'static str,
    /// Where these facts come from.
    pub source: &'static str,
}

/// Variables an image's entrypoint refuses to initialize without: one of `any_of` set
/// and not empty (to the value given, where one is).
#[derive(Debug)]
pub struct Needs {
    /// What they give it (`a superuser password`).
    pub what: &'static str,
    /// The variables, the first the one a fix sets (read from a Secret).
    pub any_of: &'static [(&'static str, Option<&'static str>)],
    /// What the entrypoint says when none is set, before it exits. It checks them when
    /// it runs the image's server ([`runs_its_server`]), and runs any other program as
    /// it is.
    pub error: &'static str,
}

/// The catalogue.
pub static IMAGES: &[KnownImage] = &[
    KnownImage {
        name: "postgres",
        title: "PostgreSQL (Docker official image)",
        repositories: &["docker.io/library/postgres"],
        ports: &[("postgres", 5432)],
        uid: 999,
        gid: 999,
        alpine_user: Some((70, 70)),
        starts_as_root: true,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: None,
        writable: &["/var/lib/postgresql/data", "/var/run/postgresql"],
        data: Some("/var/lib/postgresql/data"),
        data_moved: Some((18, "/var/lib/postgresql")),
        data_variable: Some("PGDATA"),
        liveness: Check::Exec(&["pg_isready", "-U", "postgres"]),
        readiness: Check::Exec(&["pg_isready", "-U", "postgres", "-h", "127.0.0.1"]),
        stop_signal: "SIGINT",
        shutdown_seconds: 20,
        startup_seconds: 30,
        needs: Some(Needs {
            what: "a superuser password",
            any_of: &[
                ("POSTGRES_PASSWORD", None),
                ("POSTGRES_PASSWORD_FILE", None),
                ("POSTGRES_HOST_AUTH_METHOD", Some("trust")),
            ],
            error: "Database is uninitialized and superuser password is not specified.",
        }),
        server: "postgres",
        note: "Alpine tags run as uid 70 (gid 70), Alpine's own postgres user. Up to 17, mount the volume one level up or set PGDATA to a subdirectory: initdb refuses a non-empty directory (lost+found). From 18 the data is in /var/lib/postgresql/18/docker: mount /var/lib/postgresql, never /var/lib/postgresql/data.",
        source: "docker-library/postgres Dockerfile (useradd --uid=999; Alpine: adduser -u 70, STOPSIGNAL SIGINT = fast shutdown, EXPOSE 5432, VOLUME /var/lib/postgresql/data, /var/run/postgresql 3777; from 18 PGDATA /var/lib/postgresql/18/docker, VOLUME /var/lib/postgresql, pull request 1259); docker-entrypoint.sh docker_verify_minimum_env (POSTGRES_PASSWORD, read from POSTGRES_PASSWORD_FILE by file_env, or POSTGRES_HOST_AUTH_METHOD=trust, on an uninitialized data directory); hub.docker.com/_/postgres \"Arbitrary --user Notes\"",
    },
    KnownImage {
        name: "mysql",
        title: "MySQL (Docker official image)",
        repositories: &["docker.io/library/mysql"],
        ports: &[("mysql", 3306), ("mysqlx", 33060)],
        uid: 999,
        gid: 999,
        alpine_user: None,
        starts_as_root: true,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: Some("/etc/mysql"),
        writable: &["/var/lib/mysql", "/var/run/mysqld", "/tmp"],
        data: Some("/var/lib/mysql"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Exec(&["mysqladmin", "ping"]),
        readiness: Check::Tcp("mysql"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 30,
        startup_seconds: 60,
        needs: Some(Needs {
            what: "a root password, or leave to have none or a random one",
            any_of: &[
                ("MYSQL_ROOT_PASSWORD", None),
                ("MYSQL_ROOT_PASSWORD_FILE", None),
                ("MYSQL_ALLOW_EMPTY_PASSWORD", None),
                ("MYSQL_RANDOM_ROOT_PASSWORD", None),
            ],
            error: "Database is uninitialized and password option is not specified",
        }),
        server: "mysqld",
        note: "InnoDB flushes its buffer pool on shutdown: a large pool needs a longer grace period.",
        source: "docker-library/mysql Dockerfile (useradd --uid 999, EXPOSE 3306 33060, VOLUME /var/lib/mysql, /var/run/mysqld); docker-entrypoint.sh docker_verify_minimum_env (MYSQL_ROOT_PASSWORD or its _FILE, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD, on an uninitialized data directory); hub.docker.com/_/mysql",
    },
    KnownImage {
        name: "redis",
        title: "Redis (Docker official image)",
        repositories: &["docker.io/library/redis"],
        ports: &[("redis", 6379)],
        uid: 999,
        gid: 999,
        alpine_user: Some((999, 1000)),
        starts_as_root: true,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: None,
        writable: &["/data"],
        data: Some("/data"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Exec(&["redis-cli", "ping"]),
        readiness: Check::Tcp("redis"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 10,
        startup_seconds: 10,
        needs: None,
        server: "redis-server",
        note: "On SIGTERM Redis saves an RDB snapshot when persistence is on: a large dataset needs longer. Alpine tags run as uid 999 with gid 1000.",
        source: "docker-library/redis Dockerfile (useradd -u 999 redis; Alpine: addgroup -g 1000 redis, adduser -u 999, EXPOSE 6379, VOLUME /data, WORKDIR /data); redis.io/docs signals (SIGTERM: save and exit)",
    },
    KnownImage {
        name: "nginx",
        title: "nginx (Docker official image)",
        repositories: &["docker.io/library/nginx"],
        ports: &[("http", 80)],
        uid: 0,
        gid: 0,
        alpine_user: None,
        starts_as_root: true,
        needs_root: true,
        fixed_uid: false,
        non_root_alternative: Some("nginxinc/nginx-unprivileged"),
        config_dir: Some("/etc/nginx"),
        writable: &["/var/cache/nginx", "/var/run"],
        data: None,
        data_moved: None,
        data_variable: None,
        liveness: Check::Tcp("http"),
        readiness: Check::Http("/", "http"),
        stop_signal: "SIGQUIT",
        shutdown_seconds: 10,
        startup_seconds: 5,
        needs: None,
        server: "nginx",
        note: "The master process runs as root to bind port 80 and create /var/cache/nginx; workers run as uid 101. nginxinc/nginx-unprivileged runs as uid 101 on port 8080.",
        source: "nginxinc/docker-nginx Dockerfile (useradd --uid 101, EXPOSE 80, STOPSIGNAL SIGQUIT = graceful shutdown); hub.docker.com/_/nginx \"Running nginx as a non-root user\"",
    },
    KnownImage {
        name: "nginx-unprivileged",
        title: "nginx without root (NGINX Inc.)",
        repositories: &[
            "docker.io/nginxinc/nginx-unprivileged",
            "ghcr.io/nginx/nginx-unprivileged",
        ],
        ports: &[("http", 8080)],
        uid: 101,
        gid: 101,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: false,
        non_root_alternative: None,
        config_dir: Some("/etc/nginx"),
        writable: &["/tmp"],
        data: None,
        data_moved: None,
        data_variable: None,
        liveness: Check::Tcp("http"),
        readiness: Check::Http("/", "http"),
        stop_signal: "SIGQUIT",
        shutdown_seconds: 10,
        startup_seconds: 5,
        needs: None,
        server: "nginx",
        note: "The pid file and temporary files are under /tmp.",
        source: "nginxinc/docker-nginx-unprivileged README and Dockerfile (USER 101, EXPOSE 8080, pid /tmp/nginx.pid, STOPSIGNAL SIGQUIT)",
    },
    KnownImage {
        name: "rabbitmq",
        title: "RabbitMQ (Docker official image)",
        repositories: &["docker.io/library/rabbitmq"],
        ports: &[("amqp", 5672), ("management", 15672), ("prometheus", 15692)],
        uid: 999,
        gid: 999,
        alpine_user: Some((100, 101)),
        starts_as_root: true,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: Some("/etc/rabbitmq"),
        writable: &["/var/lib/rabbitmq"],
        data: Some("/var/lib/rabbitmq"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Exec(&["rabbitmq-diagnostics", "-q", "ping"]),
        readiness: Check::Exec(&["rabbitmq-diagnostics", "-q", "check_port_connectivity"]),
        stop_signal: "SIGTERM",
        shutdown_seconds: 60,
        startup_seconds: 60,
        needs: None,
        server: "rabbitmq-server",
        note: "Alpine tags run as uid 100 with gid 101. The management port 15672 is in the `-management` tags only. Quorum queues want a long grace period: the RabbitMQ cluster operator gives nodes far longer than a minute.",
        source: "docker-library/rabbitmq Dockerfile (useradd --uid 999; Alpine: adduser -u 100, addgroup -g 101, EXPOSE 4369 5671 5672 15691 15692 25672, VOLUME /var/lib/rabbitmq); rabbitmq.com/docs/monitoring (health checks)",
    },
    KnownImage {
        name: "kafka",
        title: "Apache Kafka (apache/kafka)",
        repositories: &["docker.io/apache/kafka"],
        ports: &[("kafka", 9092), ("controller", 9093)],
        uid: 1000,
        gid: 1000,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: None,
        writable: &["/var/lib/kafka/data", "/opt/kafka/config", "/tmp"],
        data: Some("/var/lib/kafka/data"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Tcp("kafka"),
        readiness: Check::Tcp("kafka"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 60,
        startup_seconds: 60,
        needs: None,
        server: "/etc/kafka/docker/run",
        note: "Its start script writes server.properties under /opt/kafka/config. A controlled shutdown moves partition leadership away first, which takes longer with many partitions.",
        source: "apache/kafka docker/jvm/Dockerfile (adduser appuser = uid 1000, /var/lib/kafka/data, EXPOSE 9092); kafka.apache.org/documentation (controlled shutdown)",
    },
    KnownImage {
        name: "mongodb",
        title: "MongoDB (Docker official image)",
        repositories: &["docker.io/library/mongo", "docker.io/mongodb/mongodb-community-server"],
        ports: &[("mongodb", 27017)],
        uid: 999,
        gid: 999,
        alpine_user: None,
        starts_as_root: true,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: None,
        writable: &["/data/db", "/data/configdb", "/tmp"],
        data: Some("/data/db"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Exec(&["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]),
        readiness: Check::Tcp("mongodb"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 30,
        startup_seconds: 30,
        needs: None,
        server: "mongod",
        note: "mongod keeps its socket in /tmp. A primary waits for a secondary to catch up before it steps down on shutdown.",
        source: "docker-library/mongo Dockerfile (useradd --uid 999 mongodb, EXPOSE 27017, VOLUME /data/db /data/configdb); mongodb.com/docs shutdown",
    },
    KnownImage {
        name: "elasticsearch",
        title: "Elasticsearch (Elastic)",
        repositories: &[
            "docker.elastic.co/elasticsearch/elasticsearch",
            "docker.io/library/elasticsearch",
        ],
        ports: &[("http", 9200), ("transport", 9300)],
        uid: 1000,
        gid: 0,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: true,
        non_root_alternative: None,
        config_dir: Some("/usr/share/elasticsearch/config"),
        writable: &[
            "/usr/share/elasticsearch/data",
            "/usr/share/elasticsearch/logs",
            "/usr/share/elasticsearch/config",
            "/tmp",
        ],
        data: Some("/usr/share/elasticsearch/data"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Tcp("transport"),
        readiness: Check::Tcp("http"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 120,
        startup_seconds: 120,
        needs: None,
        server: "eswrapper",
        note: "Runs as uid 1000 with gid 0 (any uid works with gid 0). It writes its keystore and certificates into config/ on first start. Security is on by default, so an HTTP probe without credentials gets 401.",
        source: "elastic.co/guide/en/elasticsearch/reference/current/docker.html (uid:gid 1000:0, ports 9200 9300, data and logs paths); ECK default grace period",
    },
    KnownImage {
        name: "otel-collector",
        title: "OpenTelemetry Collector",
        repositories: &[
            "docker.io/otel/opentelemetry-collector",
            "docker.io/otel/opentelemetry-collector-contrib",
            "docker.io/otel/opentelemetry-collector-k8s",
            "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector",
            "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib",
            "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s",
        ],
        ports: &[("otlp-grpc", 4317), ("otlp-http", 4318), ("health", 13133), ("metrics", 8888)],
        uid: 10001,
        gid: 10001,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: false,
        non_root_alternative: None,
        config_dir: None,
        writable: &[],
        data: None,
        data_moved: None,
        data_variable: None,
        liveness: Check::Http("/", "health"),
        readiness: Check::Http("/", "health"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 10,
        startup_seconds: 10,
        needs: None,
        server: "otelcol-contrib",
        note: "The health port answers only with the health_check extension enabled in the collector's config. The file_storage extension needs a writable directory.",
        source: "open-telemetry/opentelemetry-collector-releases Dockerfile (USER 10001, scratch image); health_check extension README (port 13133, path /)",
    },
    KnownImage {
        name: "prometheus",
        title: "Prometheus",
        repositories: &["docker.io/prom/prometheus", "quay.io/prometheus/prometheus"],
        ports: &[("web", 9090)],
        uid: 65534,
        gid: 65534,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: false,
        non_root_alternative: None,
        config_dir: None,
        writable: &["/prometheus"],
        data: Some("/prometheus"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Http("/-/healthy", "web"),
        readiness: Check::Http("/-/ready", "web"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 30,
        startup_seconds: 60,
        needs: None,
        server: "prometheus",
        note: "Runs as nobody (65534). Replaying a large WAL makes start-up slow; /-/ready answers once it is done.",
        source: "prometheus/prometheus Dockerfile (USER nobody, EXPOSE 9090, VOLUME /prometheus); prometheus.io/docs management API (/-/healthy, /-/ready)",
    },
    KnownImage {
        name: "grafana",
        title: "Grafana",
        repositories: &["docker.io/grafana/grafana", "docker.io/grafana/grafana-oss", "docker.io/grafana/grafana-enterprise"],
        ports: &[("http", 3000)],
        uid: 472,
        gid: 0,
        alpine_user: None,
        starts_as_root: false,
        needs_root: false,
        fixed_uid: false,
        non_root_alternative: None,
        config_dir: Some("/etc/grafana"),
        writable: &["/var/lib/grafana", "/tmp"],
        data: Some("/var/lib/grafana"),
        data_moved: None,
        data_variable: None,
        liveness: Check::Tcp("http"),
        readiness: Check::Http("/api/health", "http"),
        stop_signal: "SIGTERM",
        shutdown_seconds: 10,
        startup_seconds: 30,
        needs: None,
        server: "grafana",
        note: "Runs as uid 472 with gid 0. Plugins and the SQLite database live under /var/lib/grafana.",
        source: "grafana/grafana Dockerfile (GF_UID=472, EXPOSE 3000, GF_PATHS_DATA=/var/lib/grafana); grafana.com/docs/grafana/latest/setup-grafana/installation/docker (/api/health)",
    },
];

/// The catalogue entry of an image repository (`postgres`, `docker.io/library/postgres`,
/// `quay.io/prometheus/prometheus:v3.0.0`), if it has one. A tag or digest is ignored.
pub fn lookup(image: &str) -> Option<&'static KnownImage> {
    let (repo, _, _) = crate::image::split(image);
    let normalized = Reference::parse(repo).ok()?.normalized();
    IMAGES
        .iter()
        .find(|k| k.repositories.contains(&normalized.as_str()))
}

/// Whether the service's main container runs its image's own entrypoint: `command`
/// replaces it, while `args` are given to it (postgres' entrypoint takes
/// `-c max_connections=200`). What the catalogue says of an image's user and shutdown
/// is of that entrypoint (a `pg_dump` run in the postgres image is another program).
pub fn runs_image_entrypoint(s: &Service) -> bool {
    s.command.is_empty()
}

/// Whether the service runs the image's own server: its entrypoint, given flags or
/// nothing (`postgres -c max_connections=200`, named as the image is, counts too). Not
/// another program of the image, which its entrypoint runs instead (`pg_dump ...`,
/// `redis-cli ...`): what the catalogue says of stopping is the server's.
///
/// No command, and no arguments, flags alone, or the server first (as the Docker
/// library entrypoints read `$1`); redis' also runs its server for a `.conf` file first.
pub fn runs_its_server(s: &Service, known: &KnownImage) -> bool {
    let conf = |first: &str| known.server == "redis-server" && first.ends_with(".conf");
    runs_image_entrypoint(s)
        && (s.args.first())
            .is_none_or(|first| first.starts_with('-') || first == known.server || conf(first))
}

/// The catalogue entry of a service's main container image.
pub fn of(service: &Service) -> Option<&'static KnownImage> {
    lookup(&service.image)
}

/// The major version a tag names (`16.4-alpine`: 16), if it names one.
pub(crate) fn major(tag: &str) -> Option<u32> {
    let digits = tag.find(|c: char| !c.is_ascii_digit()).unwrap_or(tag.len());
    tag[..digits].parse().ok()
}

/// Where a service keeps an image's data, as its version and variables say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataPlace {
    /// In this directory, which must be empty at the first start.
    Directory(String),
    /// In a subdirectory the image makes of its own under this one (postgres 18).
    Under(&'static str),
    /// Where a variable read from a ConfigMap or Secret says.
    Elsewhere,
}

impl KnownImage {
    /// Where `s` keeps this image's data, if it keeps any.
    pub fn data_place(&self, s: &Service) -> Option<DataPlace> {
        let data = self.data?;
        let set = self
            .data_variable
            .and_then(|var| s.config.env.iter().find(|v| v.name == var));
        Some(match set.map(|v| &v.value) {
            Some(EnvValue::Literal(dir)) => DataPlace::Directory(dir.clone()),
            Some(_) => DataPlace::Elsewhere,
            None => match self.moved_for(s) {
                Some(to) => DataPlace::Under(to),
                None => DataPlace::Directory(data.to_string()),
            },
        })
    }

    /// Where the data went in the version `s` runs, if it moved ([`Self::data_moved`]).
    fn moved_for(&self, s: &Service) -> Option<&'static str> {
        let (since, to) = self.data_moved?;
        major(&s.tag).is_none_or(|m| m >= since).then_some(to)
    }

    /// The image's `VOLUME` for its data in the version `s` runs. A container runtime
    /// (containerd) gives it a directory of the container's own unless a volume is
    /// mounted on exactly that path: one mounted above it does not hold what is written
    /// there, which goes with the container.
    pub fn data_volume_for(&self, s: &Service) -> Option<&'static str> {
        self.moved_for(s).or(self.data)
    }

    /// The paths it writes as `s` runs it: its data where [`Self::data_place`] says.
    pub fn writable_for(&self, s: &Service) -> Vec<String> {
        let place = self.data_place(s);
        (self.writable.iter())
            .filter_map(|&p| match &place {
                Some(place) if Some(p) == self.data => match place {
                    DataPlace::Directory(dir) => Some(dir.clone()),
                    DataPlace::Under(dir) => Some(dir.to_string()),
                    DataPlace::Elsewhere => None,
                },
                _ => Some(p.to_string()),
            })
            .collect()
    }

    /// Its ports as a container declares them.
    pub fn container_ports(&self) -> Vec<ContainerPort> {
        self.ports
            .iter()
            .map(|(name, port)| ContainerPort {
                name: name.to_string(),
                port: *port,
                protocol: Protocol::TCP,
            })
            .collect()
    }

    /// The number of its port named `name`.
    pub fn port(&self, name: &str) -> Option<u16> {
        self.ports.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    /// Whether it listens on `port`.
    pub fn listens_on(&self, port: u16) -> bool {
        self.ports.iter().any(|(_, p)| *p == port)
    }

    /// A probe action for `check`, naming the service's port that has the image's
    /// port number (by its name when it has one).
    pub fn action(&self, service: &Service, check: Check) -> ProbeAction {
        let port = |name: &str| {
            let number = self.port(name).unwrap_or(0);
            match service.ports.iter().find(|p| p.port == number) {
                Some(p) if !p.name.is_empty() => PortRef::Name(p.name.clone()),
                _ => PortRef::Number(number),
            }
        };
        match check {
            Check::Http(path, name) => ProbeAction::Http {
                path: path.into(),
                port: port(name),
            },
            Check::Tcp(name) => ProbeAction::Tcp { port: port(name) },
            Check::Exec(command) => ProbeAction::Exec {
                command: command.iter().map(|s| s.to_string()).collect(),
            },
        }
    }

    /// The uid and gid it runs as under `image`'s tag: an Alpine tag's own where they
    /// differ.
    pub fn user(&self, image: &str) -> (i64, i64) {
        let (_, tag, _) = crate::image::split(image);
        let alpine = tag.split('-').any(|part| part.starts_with("alpine"));
        match self.alpine_user {
            Some(user) if alpine => user,
            _ => (self.uid, self.gid),
        }
    }

    /// One line for the inspector: what it needs, as `image` (its tag) runs it.
    pub fn summary(&self, image: &str) -> String {
        let ports = self
            .ports
            .iter()
            .map(|(n, p)| format!("{p} ({n})"))
            .collect::<Vec<_>>()
            .join(", ");
        let user = if self.needs_root {
            "starts as root".to_string()
        } else {
            format!("runs as uid {}", self.user(image).0)
        };
        let writes = if self.writable.is_empty() {
            "writes nothing".to_string()
        } else {
            format!("writes {}", self.writable.join(", "))
        };
        format!(
            "{}: listens on {ports}; {user}; {writes}; stops on {} within {} s.",
            self.title, self.stop_signal, self.shutdown_seconds
        )
    }
}

/// Whether `path` is inside a directory the service mounts (so it is writable under a
/// read-only root filesystem, unless mounted read-only).
pub fn mounted(service: &Service, path: &str) -> bool {
    let under = |mount: &str| {
        let mount = mount.trim_end_matches('/');
        !mount.is_empty() && (path == mount || path.starts_with(&format!("{mount}/")))
    };
    crate::render::claims(service)
        .iter()
        .any(|v| under(&v.mount_path))
        || service.mounts.iter().any(|m| {
            !m.read_only
                && m.sub_path.is_empty()
                && service.volumes.iter().any(|v| v.name == m.volume)
                && under(&m.path)
        })
}

/// The paths the image writes that nothing is mounted on.
pub fn unmounted(service: &Service, known: &KnownImage) -> Vec<String> {
    (known.writable_for(service).into_iter())
        .filter(|p| !mounted(service, p))
        .collect()
}

/// A volume name for `path` (`/var/run/postgresql` → `var-run-postgresql`), unique
/// among `taken`.
fn volume_name(path: &str, taken: &[String]) -> String {
    let base: String = path
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut base: String = base.trim_matches('-').chars().take(55).collect();
    if base.is_empty() {
        base = "scratch".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Which rule a [`DataProblem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataRule {
    /// KP905: the volume is not where the image's version keeps its data.
    Volume,
    /// KP906: a claim right on a data directory that must start empty.
    NotEmpty,
}

/// Where a service puts a known image's data wrong: the field, what happens, and the
/// edits that put it right.
#[derive(Clone, Debug, PartialEq)]
pub struct DataProblem {
    /// Which rule.
    pub rule: DataRule,
    /// The field, a pointer into the service.
    pub pointer: String,
    /// What happens.
    pub message: String,
    /// What the edits do.
    pub label: String,
    /// The edits.
    pub edits: Vec<Edit>,
}

/// What is wrong with where `s` puts `known`'s data: a volume where its version
/// refuses one, a claim above its `VOLUME` (which then holds the data), a claim right on
/// a directory that must start empty unless `through_sub_path` says the claim is
/// mounted through a subdirectory.
pub fn data_problems(
    s: &Service,
    known: &KnownImage,
    through_sub_path: &dyn Fn(&VolumeClaim) -> bool,
) -> Vec<DataProblem> {
    let mut out = Vec::new();
    let (Some(data), Some(place)) = (known.data, known.data_place(s)) else {
        return out;
    };
    // A digest with no version in the tag: which version it is cannot be told.
    if s.digest.is_some() && major(&s.tag).is_none() && known.data_moved.is_some() {
        return out;
    }
    if let DataPlace::Under(to) = place {
        moved_data(s, known, data, to, &mut out);
    }
    let inside = match &place {
        DataPlace::Under(_) => true,
        DataPlace::Directory(dir) => known.data_volume_for(s).is_some_and(|v| within(dir, v)),
        DataPlace::Elsewhere => false,
    };
    if inside {
        claim_above_the_volume(s, known, &place, &mut out);
    }
    if let DataPlace::Directory(dir) = &place {
        claim_on_the_data(s, known, dir, through_sub_path, &mut out);
    }
    out
}

/// Postgres 18 and later with a volume where older versions kept their data.
fn moved_data(s: &Service, known: &KnownImage, data: &str, to: &str, out: &mut Vec<DataProblem>) {
    let claims = (s.storage.iter().enumerate())
        .filter(|(_, c)| same_path(&c.mount_path, data))
        .map(|(i, _)| format!("/storage/{i}/mount_path"));
    // (A subPath mount is a mount there all the same.)
    let mounts = (s.mounts.iter().enumerate())
        .filter(|(_, m)| same_path(&m.path, data))
        .map(|(i, _)| format!("/mounts/{i}/path"));
    let since = known.data_moved.map_or(0, |(since, _)| since);
    let runs = match major(&s.tag) {
        Some(_) => format!("{}:{}", known.name, s.tag),
        None => format!(
            "{} without a version in its tag runs the newest ({since} or later), which",
            known.name
        ),
    };
    for pointer in claims.chain(mounts) {
        out.push(DataProblem {
            rule: DataRule::Volume,
            message: format!(
                "{runs} keeps its data in a directory of its own under {to}: with a volume on {data} it refuses to start"
            ),
            label: format!("Mount it on {to}"),
            edits: vec![set(s, &pointer, json!(to))],
            pointer,
        });
    }
}

/// A claim mounted above the image's `VOLUME` for its data, with nothing on the
/// `VOLUME` itself: the runtime mounts a directory of the container's own there.
fn claim_above_the_volume(
    s: &Service,
    known: &KnownImage,
    place: &DataPlace,
    out: &mut Vec<DataProblem>,
) {
    let Some(volume) = known.data_volume_for(s) else {
        return;
    };
    let on_it = (s.storage.iter().map(|c| c.mount_path.as_str()))
        .chain(s.mounts.iter().map(|m| m.path.as_str()))
        .any(|p| same_path(p, volume));
    if on_it {
        return;
    }
    for (i, c) in s.storage.iter().enumerate() {
        if !within(volume, &c.mount_path) {
            continue;
        }
        let pointer = format!("/storage/{i}/mount_path");
        let mut edits = vec![set(s, &pointer, json!(volume))];
        let sub = format!("{}/pgdata", volume.trim_end_matches('/'));
        let var = known
            .data_variable
            .filter(|_| matches!(place, DataPlace::Directory(dir) if same_path(dir, volume)));
        if let Some(var) = var {
            edits.push(variable_edit(s, var, &sub));
        }
        out.push(DataProblem {
            rule: DataRule::Volume,
            message: format!(
                "claim `{}` is mounted on {}, above the image's VOLUME {volume}: the container runtime (containerd) mounts a directory of the container's own on {volume}, so the {} data is lost when the container is replaced",
                c.name, c.mount_path, known.name
            ),
            label: match var {
                Some(var) => format!("Mount it on {volume}, {var} {sub}"),
                None => format!("Mount it on {volume}"),
            },
            edits,
            pointer,
        });
    }
}

/// A claim right on a data directory that must start empty.
fn claim_on_the_data(
    s: &Service,
    known: &KnownImage,
    dir: &str,
    through_sub_path: &dyn Fn(&VolumeClaim) -> bool,
    out: &mut Vec<DataProblem>,
) {
    let Some(var) = known.data_variable else {
        return;
    };
    for (i, c) in s.storage.iter().enumerate() {
        if !same_path(&c.mount_path, dir) || through_sub_path(c) {
            continue;
        }
        let sub = format!("{}/pgdata", dir.trim_end_matches('/'));
        out.push(DataProblem {
            rule: DataRule::NotEmpty,
            pointer: format!("/storage/{i}/mount_path"),
            message: format!(
                "{} keeps its data in {dir}, right where claim `{}` is mounted: a new volume's filesystem holds lost+found there, and the first start refuses a data directory that is not empty",
                known.name, c.name
            ),
            label: format!("Set {var} to {sub} (for a new volume: data already on it stays where it is)"),
            edits: vec![variable_edit(s, var, &sub)],
        });
    }
}

/// The edit that sets the field at `pointer` of service `s`.
fn set(s: &Service, pointer: &str, value: serde_json::Value) -> Edit {
    Edit::Set {
        path: FieldPath::service(s.id, pointer),
        value,
    }
}

/// Where the claim for a data directory `dir` that must start empty goes, adding to
/// `edits` what else it takes: on the image's `VOLUME` when the directory is in it
/// ([`KnownImage::data_volume_for`]), with the data in a subdirectory of the claim when
/// the directory is the `VOLUME` itself (a fresh disk's lost+found stays beside it);
/// else on the directory above it.
fn data_claim(service: &Service, known: &KnownImage, dir: &str, edits: &mut Vec<Edit>) -> String {
    let volume = known.data_volume_for(service).filter(|v| within(dir, v));
    match (volume, known.data_variable) {
        (Some(volume), Some(var)) if same_path(dir, volume) => {
            edits.push(variable_edit(service, var, &format!("{volume}/pgdata")));
            volume.to_string()
        }
        (Some(volume), _) => volume.to_string(),
        (None, Some(_)) => parent(dir).to_string(),
        (None, None) => dir.to_string(),
    }
}

/// The edit that sets the service's variable `var` to `value` (in place of one it has).
pub fn variable_edit(service: &Service, var: &str, value: &str) -> Edit {
    let mut env = service.config.env.clone();
    env.retain(|v| v.name != var);
    env.push(EnvVar::literal(var, value));
    Edit::Set {
        path: FieldPath::service(service.id, "/config/env"),
        value: json!(env),
    }
}

/// Whether two paths name one directory (a trailing `/` aside).
pub fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Whether `path` is `dir` or inside it.
pub fn within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    same_path(path, dir) || path.starts_with(&format!("{dir}/"))
}

/// The directory `path` is in (`/` for one at the root).
fn parent(path: &str) -> &str {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((dir, _)) => dir,
    }
}

/// The edits that give each of `paths` a writable volume: a persistent claim for the
/// image's data path on a StatefulSet, an emptyDir otherwise, mounted by the main
/// container. Each list is set whole (the volumes, the mounts, the claims), so every
/// path an edit names exists before it is applied.
pub fn volume_edits(service: &Service, known: &KnownImage, paths: &[String]) -> Vec<Edit> {
    let at = |ptr: &str| FieldPath::service(service.id, ptr);
    let mut taken: Vec<String> = service
        .volumes
        .iter()
        .map(|v| v.name.clone())
        .chain(service.storage.iter().map(|v| v.name.clone()))
        .collect();
    let (mut volumes, mut mounts, mut claims) = (
        service.volumes.clone(),
        service.mounts.clone(),
        service.storage.clone(),
    );
    let mut edits = Vec::new();
    for path in paths {
        let name = volume_name(path, &taken);
        taken.push(name.clone());
        let claim_at = match known.data_place(service) {
            Some(DataPlace::Directory(dir)) if dir == *path => {
                Some(data_claim(service, known, &dir, &mut edits))
            }
            Some(DataPlace::Under(dir)) if dir == path => Some(dir.to_string()),
            _ => None,
        };
        if let Some(mount_path) = claim_at.filter(|_| service.kind == WorkloadKind::StatefulSet) {
            claims.push(VolumeClaim {
                name,
                mount_path,
                size: "10Gi".into(),
                storage_class: None,
            });
            continue;
        }
        volumes.push(Volume {
            name: name.clone(),
            source: VolumeSource::default(),
        });
        mounts.push(Mount {
            volume: name,
            path: path.to_string(),
            read_only: false,
            sub_path: String::new(),
        });
    }
    if volumes != service.volumes {
        edits.push(Edit::Set {
            path: at("/volumes"),
            value: json!(volumes),
        });
        edits.push(Edit::Set {
            path: at("/mounts"),
            value: json!(mounts),
        });
    }
    if claims != service.storage {
        edits.push(Edit::Set {
            path: at("/storage"),
            value: json!(claims),
        });
    }
    edits
}

/// Where a service mounts a file of its own into the image's configuration directory
/// (an nginx `default.conf` from a ConfigMap): that path. Its own configuration says
/// which ports it listens on, which moving to another image does not change.
pub fn own_config<'s>(service: &'s Service, known: &KnownImage) -> Option<&'s str> {
    let dir = known.config_dir?;
    (service.mounts.iter()).map(|m| m.path.as_str()).find(|p| {
        p.strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// For an image that needs root and has an unprivileged variant (nginx:
/// `nginxinc/nginx-unprivileged`), the edits that move `service` to it: the image, and
/// each container port of the image's moved where the variant listens (with a Service
/// port that targets it by number). The variant, and the service as it is then. `None`
/// where the service mounts its own configuration ([`own_config`]), whose ports stay.
pub fn unprivileged(
    service: &Service,
    known: &KnownImage,
) -> Option<(&'static KnownImage, Service, Vec<Edit>)> {
    let repo = known.non_root_alternative.filter(|_| known.needs_root)?;
    let alt = lookup(repo)?;
    if own_config(service, known).is_some() {
        return None;
    }
    let at = |ptr: String| FieldPath::service(service.id, &ptr);
    let mut moved = service.clone();
    moved.image = repo.to_string();
    let mut edits = vec![Edit::Set {
        path: at("/image".into()),
        value: json!(repo),
    }];
    for (i, p) in service.ports.iter().enumerate() {
        let same = known.ports.iter().find(|(_, n)| *n == p.port);
        let Some(to) = same.and_then(|(n, _)| alt.port(n)) else {
            continue;
        };
        edits.push(Edit::Set {
            path: at(format!("/ports/{i}/port")),
            value: json!(to),
        });
        moved.ports[i].port = to;
        for (k, sp) in service.exposure.ports.iter().enumerate() {
            if sp.target == PortRef::Number(p.port) {
                edits.push(Edit::Set {
                    path: at(format!("/exposure/ports/{k}/target")),
                    value: json!(to),
                });
                moved.exposure.ports[k].target = PortRef::Number(to);
            }
        }
    }
    Some((alt, moved, edits))
}

/// The security edits that run the service as the image's own user (uid, gid and
/// fsGroup, non-root), clearing a container-level uid that would win over them.
pub fn user_edits(service: &Service, known: &KnownImage) -> Vec<Edit> {
    let at = |ptr: &str| FieldPath::service(service.id, ptr);
    let (uid, gid) = known.user(&service.image_ref());
    let mut edits = vec![
        Edit::Set {
            path: at("/security/run_as_non_root"),
            value: json!(true),
        },
        Edit::Set {
            path: at("/security/run_as_user"),
            value: json!(uid),
        },
        Edit::Set {
            path: at("/security/run_as_group"),
            value: json!(gid),
        },
        Edit::Set {
            path: at("/security/fs_group"),
            value: json!(gid),
        },
    ];
    if service.security.container_run_as_user.is_some() {
        edits.push(Edit::Set {
            path: at("/security/container_run_as_user"),
            value: Value::Null,
        });
    }
    edits
}

/// Everything the catalogue says about the service's image, as one edit: its ports
/// (and the Service's, when it has one), probes, shutdown timing, user and writable
/// volumes. `None` when the image is not in the catalogue.
pub fn settings(service: &Service) -> Option<Edit> {
    let known = of(service)?;
    let at = |ptr: &str| FieldPath::service(service.id, ptr);
    let mut s = service.clone();
    s.ports = known.container_ports();
    let mut edits = vec![Edit::Set {
        path: at("/ports"),
        value: json!(s.ports),
    }];
    if service.exposure.service != ServiceKind::None {
        let main = known.ports[0];
        let ports = vec![ServicePort {
            name: main.0.into(),
            port: main.1,
            target: PortRef::Name(main.0.into()),
            ..ServicePort::default()
        }];
        edits.push(Edit::Set {
            path: at("/exposure/ports"),
            value: json!(ports),
        });
        // What routes to the Service follows its new port.
        if service.exposure.ingress.is_some() {
            edits.push(Edit::Set {
                path: at("/exposure/ingress/port"),
                value: json!(main.0),
            });
        }
        if service.exposure.gateway_route.is_some() {
            edits.push(Edit::Set {
                path: at("/exposure/gateway_route/port"),
                value: json!(main.0),
            });
        }
    }
    if let Some(lb) = &service.exposure.load_balancer {
        for i in 0..lb.ports.len() {
            edits.push(Edit::Set {
                path: at(&format!("/exposure/load_balancer/ports/{i}/target")),
                value: json!(known.ports[0].0),
            });
        }
    }
    let probes = image_probes(&s, known);
    edits.push(Edit::Set {
        path: at("/probes"),
        value: json!(probes),
    });
    let t = &service.timing;
    let grace = t
        .grace_period_seconds
        .max(t.pre_stop_seconds + known.shutdown_seconds + MIN_SHUTDOWN_SLACK_SECONDS);
    for (field, value) in [
        ("app_shutdown_seconds", known.shutdown_seconds),
        ("grace_period_seconds", grace),
        ("startup_seconds", known.startup_seconds),
    ] {
        edits.push(Edit::Set {
            path: at(&format!("/timing/{field}")),
            value: json!(value),
        });
    }
    if !known.needs_root {
        edits.extend(user_edits(service, known));
    }
    if service.security.read_only_root_fs {
        edits.extend(volume_edits(service, known, &unmounted(service, known)));
    }
    // Where the version keeps its data (not a claim on a data directory that may hold
    // data already: that one is the rule's to say, with its caveat).
    let placed = data_problems(service, known, &|_| false).into_iter();
    edits.extend(
        placed
            .filter(|p| p.rule == DataRule::Volume)
            .flat_map(|p| p.edits),
    );
    Some(Edit::Batch(edits))
}

/// [`settings`] while applying them would still change the service; `None` once they
/// are applied, or for an image the catalogue does not know. Tried on the service alone
/// (every edit of `settings` sets a field of the service), not on a copy of the whole
/// design: the inspector asks on every edit, at 1,000 services too.
pub fn pending_settings(service: &Service) -> Option<Edit> {
    let edit = settings(service)?;
    let mut alone = Design {
        services: vec![service.clone()],
        next_id: service.id.0.saturating_add(1),
        ..Design::default()
    };
    let changes = alone.apply(edit.clone()).is_ok() && alone.services[0] != *service;
    changes.then_some(edit)
}

/// Startup, liveness and readiness probes for a known image: readiness answers fast
/// (every 5 s, 3 failures), liveness gives the process longer (every 10 s, 6
/// failures), and a startup probe covers the image's first start.
pub fn image_probes(service: &Service, known: &KnownImage) -> Probes {
    let exec_timeout = |c: Check| if matches!(c, Check::Exec(_)) { 3 } else { 1 };
    let readiness = Probe::new(known.action(service, known.readiness))
        .timed(0, 5, 3)
        .with_timeout(exec_timeout(known.readiness));
    let liveness = Probe::new(known.action(service, known.liveness))
        .timed(0, 10, 6)
        .with_timeout(exec_timeout(known.liveness));
    let startup = Probe::new(known.action(service, known.liveness))
        .timed(0, 5, known.startup_seconds.div_ceil(5).max(1))
        .with_timeout(exec_timeout(known.liveness));
    Probes {
        startup: Some(startup),
        liveness: Some(liveness),
        readiness: Some(readiness),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_pending_until_applied_and_then_as_in_the_whole_design() {
        let mut design = crate::templates::by_name("empty").unwrap();
        for image in ["postgres:16.4", "ghcr.io/acme/api"] {
            design
                .apply(Edit::AddService(Box::new(Service {
                    name: image.split([':', '/']).next_back().unwrap().into(),
                    image: image.into(),
                    ..Service::default()
                })))
                .unwrap();
        }
        let pending = |d: &Design, i: usize| pending_settings(&d.services[i]);
        // What applying them does to the whole design decides, as the page once
        // asked it: the answers agree.
        let whole = |d: &Design, i: usize| {
            let edit = settings(&d.services[i])?;
            let mut after = d.clone();
            (after.apply(edit.clone()).is_ok() && after != *d).then_some(edit)
        };
        let edit = pending(&design, 0).expect("postgres is known and not yet set up");
        assert_eq!(Some(&edit), whole(&design, 0).as_ref());
        assert_eq!(
            pending(&design, 1),
            None,
            "an image the catalogue does not know"
        );
        design.apply(edit).unwrap();
        assert_eq!(pending(&design, 0), None, "applied: nothing left to change");
        assert_eq!(whole(&design, 0), None);
        // A field the settings set, changed again: pending again.
        design
            .apply(Edit::Set {
                path: FieldPath::service(design.services[0].id, "/timing/startup_seconds"),
                value: json!(1),
            })
            .unwrap();
        assert!(pending(&design, 0).is_some());
        assert_eq!(pending(&design, 0), whole(&design, 0));
    }

    #[test]
    fn images_are_found_by_any_spelling_of_their_repository() {
        for (image, name) in [
            ("postgres", "postgres"),
            ("postgres:16.4", "postgres"),
            ("docker.io/library/postgres", "postgres"),
            ("library/redis:7.4", "redis"),
            (
                "nginx@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "nginx",
            ),
            ("nginxinc/nginx-unprivileged:1.27", "nginx-unprivileged"),
            ("quay.io/prometheus/prometheus", "prometheus"),
            ("prom/prometheus:v3.0.0", "prometheus"),
            ("grafana/grafana", "grafana"),
            (
                "otel/opentelemetry-collector-contrib:0.110.0",
                "otel-collector",
            ),
            (
                "docker.elastic.co/elasticsearch/elasticsearch:8.15.1",
                "elasticsearch",
            ),
            ("mongo:7", "mongodb"),
            ("apache/kafka:3.8.0", "kafka"),
            ("rabbitmq:3.13-management", "rabbitmq"),
            ("mysql:8.4", "mysql"),
        ] {
            assert_eq!(lookup(image).map(|k| k.name), Some(name), "{image}");
        }
        for image in [
            "ghcr.io/acme/postgres",
            "bitnami/postgresql",
            "",
            "Nginx",
            "registry.example.com/nginx",
        ] {
            assert!(lookup(image).is_none(), "{image}");
        }
    }

    #[test]
    fn every_entry_is_consistent() {
        for k in IMAGES {
            assert!(!k.ports.is_empty(), "{}", k.name);
            for c in [k.liveness, k.readiness] {
                if let Check::Http(_, p) | Check::Tcp(p) = c {
                    assert!(k.port(p).is_some(), "{}: check port {p}", k.name);
                }
            }
            if let Some(d) = k.data {
                assert!(k.writable.contains(&d), "{}", k.name);
            }
            assert_eq!(k.needs_root, k.non_root_alternative.is_some(), "{}", k.name);
            if let Some(alt) = k.non_root_alternative {
                assert!(lookup(alt).is_some_and(|a| !a.needs_root), "{}", k.name);
            }
            for r in k.repositories {
                assert_eq!(Reference::parse(r).unwrap().normalized(), *r);
            }
            assert!(!k.source.is_empty() && !k.title.is_empty());
        }
    }

    #[test]
    fn volume_names_are_labels_and_unique() {
        let taken = vec!["var-run-postgresql".to_string()];
        assert_eq!(
            volume_name("/var/run/postgresql", &[]),
            "var-run-postgresql"
        );
        assert_eq!(
            volume_name("/var/run/postgresql", &taken),
            "var-run-postgresql-2"
        );
        assert_eq!(volume_name("/", &[]), "scratch");
    }
}
