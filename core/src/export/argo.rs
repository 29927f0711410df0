//! Argo CD for the bundle: one `Application` per environment, pointing at the
//! environment's Kustomize overlay (`kustomize/overlays/<env>`) or at the Helm chart
//! with the environment's values file (`helm/<chart>`, `values-<env>.yaml`), in the Git
//! repository the user named, and the `AppProject` they share, which allows exactly that
//! repository, the design's namespaces and the kinds the design renders.
//!
//! Sync: dev and staging sync by themselves (automated, with prune and self-heal),
//! prod and shared environments wait for someone to sync them, unless the environment
//! says otherwise ([`ArgoSync`]). Every application creates its namespace
//! (`CreateNamespace=true`), which is why the project allows `Namespace`.

use super::BundleFile;
use crate::crd::argocd::*;
use crate::model::{ArgoSource, ArgoSync, Design, Environment, GitOps, Tier};
use crate::order::Collect;
use crate::render::{render, MANAGED_BY};
use crate::yaml;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeSet;

/// The API server of the cluster Argo CD runs in, as Argo CD names it.
pub const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// The sync option that lets an application create its destination namespace.
pub const CREATE_NAMESPACE: &str = "CreateNamespace=true";

/// The sync option that makes Argo CD leave ignored fields alone on sync, not only in
/// its diff (it still creates an object with them).
pub const RESPECT_IGNORE_DIFFERENCES: &str = "RespectIgnoreDifferences=true";

/// Where the applications pull from and what they deploy (the design's [`GitOps`]
/// settings, or what the command line says instead).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArgoOptions {
    /// The Git repository (`https://…`, `ssh://…`, `git@host:org/repo.git`).
    pub repo_url: String,
    /// Branch, tag or commit; empty means `HEAD`.
    pub revision: String,
    /// The folder of the repository that holds the bundle's files; empty for its root.
    pub path: String,
    /// Argo CD's own namespace, where the Applications and the AppProject go.
    pub namespace: String,
    /// The Kustomize overlays or the Helm chart.
    pub source: ArgoSource,
}

impl From<&GitOps> for ArgoOptions {
    fn from(g: &GitOps) -> Self {
        ArgoOptions {
            repo_url: g.repo_url.trim().to_string(),
            revision: g.revision.trim().to_string(),
            path: g.path.trim().to_string(),
            namespace: g.argocd_namespace.trim().to_string(),
            source: g.source,
        }
    }
}

impl ArgoOptions {
    /// The design's own settings.
    pub fn of(design: &Design) -> Self {
        ArgoOptions::from(&design.gitops)
    }

    /// Whether every setting can be written into an Application, and if not, what to
    /// change.
    pub fn check(&self) -> Result<(), ArgoError> {
        check_repo_url(&self.repo_url)?;
        check_revision(&self.revision)?;
        check_path(&self.path)?;
        crate::names::dns1123_label(&self.namespace).map_err(|why| ArgoError::BadNamespace {
            namespace: self.namespace.clone(),
            why,
        })
    }

    fn revision(&self) -> String {
        if self.revision.is_empty() {
            "HEAD".into()
        } else {
            self.revision.clone()
        }
    }
}

/// A setting an Argo CD application cannot be written with. Each says what to write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgoError {
    /// No repository URL was given.
    #[error(
        "Argo CD needs the URL of the Git repository it pulls this bundle from, such as \
         https://github.com/acme/shop.git"
    )]
    NoRepoUrl,
    /// The repository URL is not one Git (and Argo CD) can clone.
    #[error(
        "`{url}` is not a Git repository URL: {why}. Write https://host/org/repo.git, \
         ssh://git@host/org/repo.git or git@host:org/repo.git"
    )]
    BadRepoUrl {
        /// As typed.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The revision is not a Git branch, tag or commit name.
    #[error(
        "`{0}` is not a Git revision: write a branch (main), a tag (v1.2.0), a commit, or \
         HEAD for the default branch"
    )]
    BadRevision(String),
    /// The folder is not a relative path inside the repository.
    #[error(
        "`{0}` is not a folder inside the repository: write a relative path such as \
         deploy/shop (no leading /, no ..), or leave it empty for the repository's root"
    )]
    BadPath(String),
    /// Argo CD's namespace is not a namespace name.
    #[error("`{namespace}` is not a namespace name for Argo CD: it {why}")]
    BadNamespace {
        /// As typed.
        namespace: String,
        /// What is wrong with it.
        why: String,
    },
}

/// Whether `url` is a repository URL Argo CD can clone: `https://` or `http://`,
/// `ssh://`, or scp-like `user@host:path`, with a host and a path.
pub fn check_repo_url(url: &str) -> Result<(), ArgoError> {
    let url = url.trim();
    let bad = |why: &str| ArgoError::BadRepoUrl {
        url: url.to_string(),
        why: why.to_string(),
    };
    if url.is_empty() {
        return Err(ArgoError::NoRepoUrl);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains a space"));
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        if !matches!(scheme, "https" | "http" | "ssh") {
            return Err(bad(&format!("Argo CD does not clone `{scheme}://` URLs")));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = match host_port.strip_prefix('[').and_then(|r| r.split_once(']')) {
            // An IPv6 literal: `[2001:db8::1]` or `[2001:db8::1]:2222`.
            Some((inner, rest)) => (
                &host_port[..inner.len() + 2],
                match rest.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if rest.is_empty() => None,
                    None => Some(rest),
                },
            ),
            None => match host_port.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            },
        };
        if !is_host(host) {
            return Err(bad("it has no host name"));
        }
        if let Some(p) = port {
            if p.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(bad(&format!("`{p}` is not a port number")));
            }
        }
        if path.trim_matches('/').is_empty() {
            return Err(bad("it names no repository on the host"));
        }
        return Ok(());
    }
    // scp-like syntax: [user@]host:path. Git needs the user part to tell it from a
    // local path, and so does Argo CD.
    if let Some((user_host, path)) = url.split_once(':') {
        if let Some((user, host)) = user_host.split_once('@') {
            if user.is_empty() || !is_host(host) {
                return Err(bad("it has no host name"));
            }
            if path.trim_matches('/').is_empty() {
                return Err(bad("it names no repository on the host"));
            }
            return Ok(());
        }
    }
    match url.split_once('/') {
        Some((host, _)) if host.contains('.') && is_host(host) => Err(bad(&format!(
            "it has no scheme (did you mean https://{url}?)"
        ))),
        _ => Err(bad(
            "it is neither an https://, an ssh:// nor a git@host: address",
        )),
    }
}

/// A host name or an IP address (in brackets for IPv6).
fn is_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    }
    !host.is_empty()
        && host.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

/// A branch, tag or commit name as `git check-ref-format` allows one (empty: HEAD).
fn check_revision(revision: &str) -> Result<(), ArgoError> {
    let bad = revision.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
    }) || revision.starts_with(['-', '/', '.'])
        || revision.ends_with(['/', '.'])
        || revision.ends_with(".lock")
        || revision.contains("..")
        || revision.contains("//")
        || revision.contains("@{");
    if bad {
        Err(ArgoError::BadRevision(revision.to_string()))
    } else {
        Ok(())
    }
}

/// A relative folder inside the repository without `..` (empty: the root).
fn check_path(path: &str) -> Result<(), ArgoError> {
    let bad = path.starts_with('/')
        || path.contains('\\')
        || path.chars().any(|c| c.is_control())
        || path.split('/').any(|part| part == "..");
    if bad {
        Err(ArgoError::BadPath(path.to_string()))
    } else {
        Ok(())
    }
}

/// Whether Argo CD syncs `env` by itself: the environment's choice, else its tier's
/// (automated for dev and staging, manual for prod and shared infrastructure, where a
/// change should be looked at before it goes out).
pub fn automated(env: &Environment) -> bool {
    match env.argocd_sync {
        ArgoSync::Automated => true,
        ArgoSync::Manual => false,
        ArgoSync::ByTier => automated_by_tier(env.tier),
    }
}

/// Whether an environment of `tier` syncs by itself when it does not say otherwise.
pub fn automated_by_tier(tier: Tier) -> bool {
    matches!(tier, Tier::Dev | Tier::Staging)
}

/// `text` as an object name usable in a label value too (Argo CD labels what it
/// deploys with the application's name): lowercase letters, digits and `-`, at most 63
/// characters.
fn object_name(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "kubeprint".into()
    } else {
        out
    }
}

/// The AppProject's name: the design's, as an object name.
pub fn project_name(design: &Design) -> String {
    object_name(&design.name)
}

/// The name of `env`'s Application: `<design>-<env>`.
pub fn application_name(design: &Design, env: &Environment) -> String {
    object_name(&format!("{}-{}", design.name, env.name))
}

/// `base/rest`, or `rest` when the bundle sits at the repository's root.
fn in_repo(base: &str, rest: &str) -> String {
    let base = base.trim_matches('/');
    if base.is_empty() || base == "." {
        rest.to_string()
    } else {
        format!("{base}/{rest}")
    }
}

/// Labels of the Argo CD objects: the design they belong to, and who wrote them.
fn meta(design: &Design, name: String, options: &ArgoOptions) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(options.namespace.clone()),
        labels: Some(
            [
                ("app.kubernetes.io/part-of".to_string(), design.name.clone()),
                (MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string()),
            ]
            .into_iter()
            .to_map(),
        ),
        ..ObjectMeta::default()
    }
}

/// `env`'s Application. `chart` is the Helm chart's name (`helm/<chart>`), read only
/// when the source is Helm.
pub fn application(
    design: &Design,
    env: &Environment,
    options: &ArgoOptions,
    chart: &str,
) -> Application {
    // Its placeholder Secrets: created by the sync, then left to the cluster (with the
    // chart's `helm template`, which cannot read the cluster, and with Kustomize alike),
    // so that no sync (self-heal within minutes) sets a value someone set back to
    // `CHANGE_ME`.
    let secrets = crate::export::placeholder_secrets(design, &env.name);
    let (path, helm) = match options.source {
        ArgoSource::Kustomize => (
            in_repo(&options.path, &kustomize_source(env, !secrets.is_empty())),
            None,
        ),
        ArgoSource::Helm => (
            in_repo(&options.path, &format!("helm/{chart}")),
            Some(ApplicationSourceHelm {
                // The chart's own name, so object names do not depend on the Application's.
                release_name: chart.to_string(),
                value_files: vec![format!("values-{}.yaml", env.name)],
            }),
        ),
    };
    let automated = automated(env);
    let mut sync_options = vec![CREATE_NAMESPACE.to_string()];
    if !secrets.is_empty() {
        sync_options.push(RESPECT_IGNORE_DIFFERENCES.to_string());
    }
    Application {
        metadata: meta(design, application_name(design, env), options),
        other: Default::default(),
        spec: ApplicationSpec {
            project: project_name(design),
            source: ApplicationSource {
                repo_url: options.repo_url.clone(),
                path,
                target_revision: options.revision(),
                helm,
            },
            destination: ApplicationDestination {
                server: IN_CLUSTER.into(),
                namespace: env.namespace.clone(),
            },
            sync_policy: Some(SyncPolicy {
                automated: automated.then_some(SyncPolicyAutomated {
                    prune: true,
                    self_heal: true,
                }),
                sync_options,
                // An automated sync that failed (a webhook not ready yet, a CRD still
                // being established) is tried again; a manual one is someone's to retry.
                retry: automated.then(|| RetryStrategy {
                    limit: 5,
                    backoff: Some(Backoff {
                        duration: "5s".into(),
                        factor: 2,
                        max_duration: "3m".into(),
                    }),
                }),
            }),
            ignore_differences: (secrets.into_iter())
                .map(|(namespace, name)| ResourceIgnoreDifferences {
                    group: String::new(),
                    kind: "Secret".into(),
                    name,
                    namespace: namespace.unwrap_or_default(),
                    json_pointers: vec!["/data".into()],
                })
                .collect(),
        },
    }
}

/// The group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> the core group, ``).
fn group(api_version: &str) -> String {
    api_version
        .split_once('/')
        .map_or(String::new(), |(g, _)| g.to_string())
}

/// The AppProject: the one repository, the namespaces the design deploys to (each
/// environment's, and those of objects an import kept in their own namespace), and
/// exactly the kinds the environments render: cluster-scoped ones (Namespace always, for
/// `CreateNamespace=true`) and namespaced ones.
pub fn project(design: &Design, options: &ArgoOptions) -> AppProject {
    let mut namespaces: Vec<String> = Vec::new();
    let mut add = |ns: &str| {
        if !ns.is_empty() && !namespaces.iter().any(|n| n == ns) {
            namespaces.push(ns.to_string());
        }
    };
    let mut cluster = BTreeSet::new();
    cluster.insert(GroupKind {
        group: String::new(),
        kind: "Namespace".into(),
    });
    let mut namespaced = BTreeSet::new();
    for env in &design.environments {
        add(&env.namespace);
    }
    let mut others = BTreeSet::new();
    for env in &design.environments {
        for o in render(design, &env.name).objects {
            let gk = GroupKind {
                group: group(o.api_version()),
                kind: o.kind().to_string(),
            };
            if crate::rules::cluster_scoped(o.kind()) {
                cluster.insert(gk);
            } else {
                namespaced.insert(gk);
                if let Some(ns) = &o.metadata().namespace {
                    others.insert(ns.clone());
                }
            }
        }
    }
    for ns in &others {
        add(ns);
    }
    AppProject {
        metadata: meta(design, project_name(design), options),
        other: Default::default(),
        spec: AppProjectSpec {
            description: format!(
                "{}: its environments' namespaces, from one repository (written by Kubeprint)",
                design.name
            ),
            source_repos: vec![options.repo_url.clone()],
            destinations: namespaces
                .into_iter()
                .map(|namespace| ApplicationDestination {
                    server: IN_CLUSTER.into(),
                    namespace,
                })
                .collect(),
            cluster_resource_whitelist: cluster.into_iter().collect(),
            namespace_resource_whitelist: namespaced.into_iter().collect(),
        },
    }
}

/// The folder of the bundle an Application of `env` syncs from, with Kustomize: its
/// overlay, or where it has placeholder Secrets (`secrets`), the kustomization of its
/// overlay and its Secrets.
fn kustomize_source(env: &Environment, secrets: bool) -> String {
    match secrets {
        true => format!("kustomize/argocd/{}", env.name),
        false => format!("kustomize/overlays/{}", env.name),
    }
}

/// The Argo CD part of the bundle: `argocd/` with the AppProject, an Application per
/// environment and a kustomization listing them (`kubectl apply -k argocd`); with
/// Kustomize, `kustomize/argocd/<env>/` for an environment with placeholder Secrets.
pub fn files(design: &Design, options: &ArgoOptions, chart: &str) -> Vec<BundleFile> {
    let project = project(design, options);
    let mut names = vec![format!("appproject-{}.yaml", project_name(design))];
    let mut files = vec![BundleFile {
        path: format!("argocd/{}", names[0]),
        contents: yaml::to_doc(&project),
    }];
    for env in &design.environments {
        let app = application(design, env, options, chart);
        if options.source == ArgoSource::Kustomize && !app.spec.ignore_differences.is_empty() {
            let resources = [
                format!("../../overlays/{}", env.name),
                format!("../../secrets/{}", env.name),
            ];
            files.push(BundleFile {
                path: format!("{}/kustomization.yaml", kustomize_source(env, true)),
                contents: yaml::to_doc(&super::Kustomization::new(resources.into(), Vec::new())),
            });
        }
        let name = format!("application-{}.yaml", application_name(design, env));
        files.push(BundleFile {
            path: format!("argocd/{name}"),
            contents: yaml::to_doc(&app),
        });
        names.push(name);
    }
    files.push(BundleFile {
        path: "argocd/kustomization.yaml".into(),
        contents: yaml::to_doc(&super::Kustomization::new(names, Vec::new())),
    });
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates;
    use std::collections::BTreeMap;

    fn options() -> ArgoOptions {
        ArgoOptions {
            repo_url: "https://git.example.com/acme/shop.git".into(),
            revision: String::new(),
            path: String::new(),
            namespace: "argocd".into(),
            source: ArgoSource::Kustomize,
        }
    }

    #[test]
    fn dev_and_staging_sync_by_themselves_and_prod_waits() {
        let d = templates::connectum();
        let by_env: BTreeMap<&str, bool> = d
            .environments
            .iter()
            .map(|e| (e.name.as_str(), automated(e)))
            .collect();
        assert_eq!(by_env.get("dev"), Some(&true), "{by_env:?}");
        assert_eq!(by_env.get("staging"), Some(&true), "{by_env:?}");
        assert_eq!(by_env.get("prod"), Some(&false), "{by_env:?}");
        for env in &d.environments {
            let app = application(&d, env, &options(), "x");
            let policy = app.spec.sync_policy.unwrap();
            assert_eq!(policy.sync_options[0], CREATE_NAMESPACE);
            match env.name.as_str() {
                "prod" => {
                    assert_eq!(policy.automated, None);
                    assert_eq!(policy.retry, None);
                }
                "dev" | "staging" => assert_eq!(
                    policy.automated,
                    Some(SyncPolicyAutomated {
                        prune: true,
                        self_heal: true
                    })
                ),
                _ => {}
            }
        }
    }

    #[test]
    fn shared_environments_wait_and_an_environment_may_choose_otherwise() {
        let mut env = Environment::new("observability", Tier::Shared, "obs");
        assert!(!automated(&env));
        env.argocd_sync = ArgoSync::Automated;
        assert!(automated(&env));
        let mut prod = Environment::new("prod", Tier::Prod, "shop");
        prod.argocd_sync = ArgoSync::Automated;
        assert!(automated(&prod));
        let mut dev = Environment::new("dev", Tier::Dev, "shop-dev");
        dev.argocd_sync = ArgoSync::Manual;
        assert!(!automated(&dev));
    }

    #[test]
    fn an_application_points_at_its_overlay_or_at_the_chart_with_its_values() {
        let d = templates::connectum();
        let dev = d.environment("dev").unwrap();
        let mut o = options();
        o.path = "/deploy/connectum/".into();
        let app = application(&d, dev, &o, "connectum");
        assert_eq!(app.metadata.name.as_deref(), Some("connectum-dev"));
        assert_eq!(app.metadata.namespace.as_deref(), Some("argocd"));
        assert_eq!(app.spec.project, "connectum");
        // (Dev has placeholder Secrets: its overlay with them.)
        assert_eq!(
            app.spec.source.path,
            "deploy/connectum/kustomize/argocd/dev"
        );
        assert_eq!(app.spec.source.target_revision, "HEAD");
        assert_eq!(app.spec.source.helm, None);
        assert_eq!(
            app.spec.destination,
            ApplicationDestination {
                server: IN_CLUSTER.into(),
                namespace: dev.namespace.clone()
            }
        );
        o.source = ArgoSource::Helm;
        o.revision = "v1.4.0".into();
        o.path = String::new();
        let app = application(&d, dev, &o, "connectum");
        assert_eq!(app.spec.source.path, "helm/connectum");
        assert_eq!(app.spec.source.target_revision, "v1.4.0");
        let helm = app.spec.source.helm.unwrap();
        assert_eq!(helm.value_files, vec!["values-dev.yaml".to_string()]);
        assert_eq!(helm.release_name, "connectum");
    }

    /// An Application creates its environment's placeholder Secrets and then leaves
    /// their data to the cluster, each by name, from the chart or from the overlay with
    /// its Secrets (`kustomize/argocd/<env>`); one without any syncs the overlay alone.
    #[test]
    fn an_application_leaves_its_secrets_values_to_the_cluster() {
        let mut d = templates::miniredis();
        let mut o = options();
        let check = |d: &Design, o: &ArgoOptions| {
            let mut with = 0;
            for env in &d.environments {
                let app = application(d, env, o, "miniredis");
                let secrets = crate::export::placeholder_secrets(d, &env.name);
                let ignored: Vec<(String, Vec<String>)> = (app.spec.ignore_differences.iter())
                    .map(|i| {
                        assert_eq!((i.group.as_str(), i.kind.as_str()), ("", "Secret"));
                        (i.name.clone(), i.json_pointers.clone())
                    })
                    .collect();
                let want: Vec<(String, Vec<String>)> = (secrets.iter())
                    .map(|(_, name)| (name.clone(), vec!["/data".to_string()]))
                    .collect();
                assert_eq!(ignored, want, "{}", env.name);
                let options = &app.spec.sync_policy.as_ref().unwrap().sync_options;
                let respects = options.iter().any(|o| o == RESPECT_IGNORE_DIFFERENCES);
                assert_eq!(respects, !secrets.is_empty(), "{}", env.name);
                if o.source == ArgoSource::Kustomize {
                    let folder = match secrets.is_empty() {
                        true => "overlays",
                        false => "argocd",
                    };
                    assert_eq!(
                        app.spec.source.path,
                        format!("kustomize/{folder}/{}", env.name)
                    );
                }
                with += usize::from(!secrets.is_empty());
            }
            with
        };
        for source in [ArgoSource::Kustomize, ArgoSource::Helm] {
            o.source = source;
            assert!(check(&d, &o) > 0, "miniredis has placeholder Secrets");
        }
        for s in &mut d.secrets {
            s.external = true;
        }
        for source in [ArgoSource::Kustomize, ArgoSource::Helm] {
            o.source = source;
            assert_eq!(check(&d, &o), 0);
        }
    }

    #[test]
    fn the_project_allows_the_design_namespaces_the_repository_and_the_rendered_kinds() {
        for t in templates::ALL {
            let d = (t.build)();
            let p = project(&d, &options());
            let namespaces: Vec<&str> = p
                .spec
                .destinations
                .iter()
                .map(|dest| {
                    assert_eq!(dest.server, IN_CLUSTER);
                    dest.namespace.as_str()
                })
                .collect();
            let wanted: Vec<&str> = d
                .environments
                .iter()
                .map(|e| e.namespace.as_str())
                .collect();
            assert_eq!(namespaces, wanted, "{}", t.name);
            assert_eq!(p.spec.source_repos, vec![options().repo_url]);
            let allowed = |kind: &str| {
                p.spec
                    .namespace_resource_whitelist
                    .iter()
                    .chain(&p.spec.cluster_resource_whitelist)
                    .any(|gk| gk.kind == kind)
            };
            for env in &d.environments {
                for o in render(&d, &env.name).objects {
                    assert!(allowed(o.kind()), "{}: {} not allowed", t.name, o.kind());
                }
            }
            assert!(p.spec.cluster_resource_whitelist.contains(&GroupKind {
                group: String::new(),
                kind: "Namespace".into()
            }));
            // Only what renders: nothing of the kinds no template has.
            assert!(!allowed("Pod") && !allowed("ClusterRole"), "{}", t.name);
            let apps = p
                .spec
                .namespace_resource_whitelist
                .iter()
                .find(|gk| gk.kind == "Deployment" || gk.kind == "StatefulSet");
            if !d.services.is_empty() {
                assert_eq!(apps.map(|gk| gk.group.as_str()), Some("apps"), "{}", t.name);
            }
        }
    }

    #[test]
    fn a_kept_object_of_another_namespace_is_a_destination_too() {
        let mut d = templates::connectum();
        d.pinned_objects
            .push(crate::model::KeptObject(serde_json::json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": "reader", "namespace": "monitoring"},
                "rules": []
            })));
        let p = project(&d, &options());
        assert!(p
            .spec
            .destinations
            .iter()
            .any(|dest| dest.namespace == "monitoring"));
        assert!(p.spec.namespace_resource_whitelist.contains(&GroupKind {
            group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into()
        }));
    }

    #[test]
    fn repository_urls_git_clones_pass_and_nonsense_says_why() {
        for ok in [
            "https://github.com/acme/shop.git",
            "https://git.example.com:8443/acme/shop",
            "http://gitea.local/acme/shop.git",
            "ssh://git@github.com/acme/shop.git",
            "ssh://git@[2001:db8::1]:2222/acme/shop.git",
            "git@github.com:acme/shop.git",
            "  https://github.com/acme/shop.git  ",
        ] {
            assert_eq!(check_repo_url(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_repo_url(""), Err(ArgoError::NoRepoUrl));
        assert_eq!(check_repo_url("   "), Err(ArgoError::NoRepoUrl));
        for (bad, why) in [
            (
                "github.com/acme/shop",
                "did you mean https://github.com/acme/shop?",
            ),
            ("not a url", "contains a space"),
            ("ftp://example.com/x.git", "does not clone `ftp://`"),
            ("https://", "no host name"),
            ("https://github.com", "names no repository"),
            ("https://github.com/", "names no repository"),
            ("https://exa_mple.com/x", "no host name"),
            ("https://example.com:http/x", "is not a port number"),
            ("git@github.com:", "names no repository"),
            ("shop", "neither"),
        ] {
            let e = check_repo_url(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(
                e.contains("git@host:org/repo.git"),
                "{bad}: says what to write: {e}"
            );
        }
    }

    #[test]
    fn revisions_folders_and_namespaces_are_checked() {
        let mut o = options();
        assert_eq!(o.check(), Ok(()));
        for good in ["main", "release/1.2", "v1.2.0", "HEAD", "4f2a9c1"] {
            o.revision = good.into();
            assert_eq!(o.check(), Ok(()), "{good}");
        }
        for bad in ["my branch", "a..b", "-x", "x.lock", "a:b", "refs/"] {
            o.revision = bad.into();
            assert_eq!(o.check(), Err(ArgoError::BadRevision(bad.into())), "{bad}");
        }
        o.revision = String::new();
        for bad in ["/abs", "a/../b", ".."] {
            o.path = bad.into();
            assert_eq!(o.check(), Err(ArgoError::BadPath(bad.into())), "{bad}");
        }
        o.path = "deploy/shop".into();
        o.namespace = "Argo CD".into();
        assert!(matches!(o.check(), Err(ArgoError::BadNamespace { .. })));
    }

    #[test]
    fn names_are_object_names() {
        assert_eq!(object_name("My Shop!"), "my-shop");
        assert_eq!(object_name("***"), "kubeprint");
        let long = "x".repeat(80);
        assert_eq!(object_name(&long).len(), 63);
        assert_eq!(
            object_name(&format!("{}-y", "a".repeat(62))),
            "a".repeat(62)
        );
    }

    #[test]
    fn objects_read_back_as_what_was_written() {
        let d = templates::miniredis();
        for f in files(&d, &options(), "miniredis") {
            let doc = yaml::parse_documents(&f.contents).unwrap().remove(0);
            match doc["kind"].as_str() {
                Some("Application") => {
                    let app: Application = yaml::from_value(doc).unwrap();
                    assert_eq!(yaml::to_doc(&app), f.contents);
                }
                Some("AppProject") => {
                    let p: AppProject = yaml::from_value(doc).unwrap();
                    assert_eq!(yaml::to_doc(&p), f.contents);
                }
                Some("Kustomization") => assert!(f.path.ends_with("kustomization.yaml")),
                other => panic!("{other:?} in {}", f.path),
            }
        }
        let wrong = yaml::parse_documents("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nspec: {sourceRepos: [], destinations: []}\n").unwrap().remove(0);
        assert!(yaml::from_value::<Application>(wrong).is_err());
    }
}
