//! `kubeprint`: the designer's core on the command line.
//!
//! Every failure is one line on stderr saying what is wrong and what to do, and a
//! non-zero exit: 1 for a problem with the input, 2 for a wrong command line.

use kubeprint_core::import::Outcome;
use kubeprint_core::rules::{self, Finding, Severity};
use kubeprint_core::{diagram, export, file, import, link, render, templates, Design};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  kubeprint templates                              list the built-in templates
  kubeprint new --template NAME                    print a new design file
  kubeprint new --services N                       print a design of N services (for benchmarks)
  kubeprint render DESIGN.json --env ENV [-o DIR]  print (or write DIR/ENV.yaml) the manifests
  kubeprint check DESIGN.json [--env ENV] [--format text|json]
                                                   findings (all environments by default);
                                                   exits 1 when there is an error
  kubeprint rules [--markdown]                     the rule catalog
  kubeprint export DESIGN.json (-o DIR | --zip FILE) [--format kustomize,helm,argocd,compose]
                 [--repo URL] [--revision REV] [--argocd-source kustomize|helm] [--compose-env ENV]
                                                   the bundle: rendered YAML per environment, the design,
                                                   a README, and the formats chosen (default kustomize):
                                                   Kustomize base + overlays, a Helm chart, Argo CD
                                                   Applications pulling from --repo (default: the design's
                                                   repository), Docker Compose for one environment
                                                   (default dev)
  kubeprint import FILE.yaml... > DESIGN.json     Kubernetes YAML, or a docker-compose file (reading the
                                                   files beside it it names, `.env` and `env_file`s and
                                                   mounted files, or those given with it), into a
                                                   design; a report per document on stderr
  kubeprint import --env NAME=FILE.yaml --env NAME=FILE.yaml... > DESIGN.json
                                                   one system rendered per environment (say kustomize
                                                   overlays) into one design with an environment each;
                                                   what is not merged is reported on stderr
  kubeprint diagram DESIGN.json [--format svg|mermaid] [--env ENV] [-o FILE]
                                                   the topology of one environment (default: prod, else the
                                                   first) as an SVG picture (default) or Mermaid text
  kubeprint link DESIGN.json [--base URL] [--env NAME]
                                                   print a share link (default base http://127.0.0.1:8080/),
                                                   opening on environment NAME
  kubeprint open-link URL                          print the design file a share link carries";

/// What went wrong, as the user will read it.
enum Failure {
    /// The command line itself is wrong.
    Usage(String),
    /// The command was understood but its input is unusable.
    Input(String),
    /// `check` found errors (already printed).
    Findings,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Input(m) => f.write_str(m),
            Failure::Findings => f.write_str("the design has errors"),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    match run(&args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // The message says what is wrong; the whole usage would bury it.
        Err(Failure::Usage(m)) => {
            eprintln!("kubeprint: {m}\n(`kubeprint --help` lists every command and option)");
            ExitCode::from(2)
        }
        Err(Failure::Input(m)) => {
            eprintln!("kubeprint: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Findings) => ExitCode::from(1),
    }
}

/// Parsed `--flag value` options and positional arguments.
struct Args<'a> {
    positional: Vec<&'a str>,
    flags: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    fn parse(args: &'a [String], known: &[&str]) -> Result<Self, Failure> {
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a.starts_with('-') && a.len() > 1 {
                if !known.contains(&a.as_str()) {
                    return Err(Failure::Usage(format!("unknown option `{a}`")));
                }
                let v = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("`{a}` needs a value")))?;
                flags.push((a.as_str(), v.as_str()));
            } else {
                positional.push(a.as_str());
            }
        }
        Ok(Args { positional, flags })
    }

    fn flag(&self, names: &[&str]) -> Option<&'a str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| names.contains(k))
            .map(|(_, v)| *v)
    }

    fn one_file(&self, what: &str) -> Result<&'a str, Failure> {
        match self.positional.as_slice() {
            [f] => Ok(f),
            [] => Err(Failure::Usage(format!("missing {what}"))),
            more => Err(Failure::Usage(format!(
                "expected one {what}, got {}",
                more.len()
            ))),
        }
    }
}

fn run(args: &[String], out: &mut dyn Write) -> Result<(), Failure> {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => return Err(Failure::Usage("no command given".into())),
    };
    // `kubeprint import --help`: the usage, as for `kubeprint --help`.
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return emit(out, &format!("{USAGE}\n"));
    }
    match cmd {
        "templates" => {
            for t in templates::ALL {
                emit(out, &format!("{:<14} {}\n", t.name, t.title))?;
            }
            Ok(())
        }
        "new" => {
            let a = Args::parse(rest, &["--template", "-t", "--services"])?;
            if let Some(n) = a.flag(&["--services"]) {
                let n: usize =
                    (n.parse().ok().filter(|n| (1..=5000).contains(n))).ok_or_else(|| {
                        Failure::Usage(format!(
                            "--services takes a number from 1 to 5000, not `{n}`"
                        ))
                    })?;
                return emit(out, &file::to_json(&templates::scaled(n)));
            }
            let name = a.flag(&["--template", "-t"]).unwrap_or("empty");
            let design = templates::by_name(name).ok_or_else(|| {
                let names: Vec<_> = templates::ALL.iter().map(|t| t.name).collect();
                Failure::Input(format!(
                    "there is no template `{name}`; choose one of: {}",
                    names.join(", ")
                ))
            })?;
            emit(out, &file::to_json(&design))
        }
        "render" => {
            let a = Args::parse(rest, &["--env", "-e", "-o", "--out"])?;
            let path = a.one_file("design file")?;
            let design = load(Path::new(path))?;
            let env = match a.flag(&["--env", "-e"]) {
                Some(e) => e,
                None => return Err(Failure::Usage("render needs --env ENV".into())),
            };
            known_env(path, env, &design)?;
            let yaml = render(&design, env).to_yaml();
            match a.flag(&["-o", "--out"]) {
                None => emit(out, &yaml),
                Some(dir) => {
                    let target = PathBuf::from(dir).join(format!("{env}.yaml"));
                    std::fs::create_dir_all(dir)
                        .and_then(|()| std::fs::write(&target, yaml))
                        .map_err(|e| {
                            Failure::Input(format!("cannot write {}: {e}", target.display()))
                        })?;
                    emit(out, &format!("wrote {}\n", target.display()))
                }
            }
        }
        "check" => {
            let a = Args::parse(rest, &["--env", "-e", "--format", "-f"])?;
            let path = a.one_file("design file")?;
            let design = load(Path::new(path))?;
            let findings = match a.flag(&["--env", "-e"]) {
                Some(env) => {
                    known_env(path, env, &design)?;
                    rules::validate(&design, env)
                }
                None => rules::validate_all(&design),
            };
            match a.flag(&["--format", "-f"]).unwrap_or("text") {
                "text" => emit(out, &check_text(&findings))?,
                "json" => emit(out, &check_json(&findings))?,
                other => {
                    return Err(Failure::Usage(format!(
                        "unknown format `{other}`; use text or json"
                    )))
                }
            }
            if findings.iter().any(|f| f.severity == Severity::Error) {
                Err(Failure::Findings)
            } else {
                Ok(())
            }
        }
        "rules" => {
            match rest {
                [] => {}
                [flag] if flag == "--markdown" => return emit(out, &rules::rules_markdown()),
                _ => return Err(Failure::Usage("rules takes only --markdown".into())),
            }
            for r in rules::RULES {
                emit(
                    out,
                    &format!(
                        "{}  {:<36} {:<8} {}\n",
                        r.code,
                        r.name,
                        r.severity,
                        r.doc().summary
                    ),
                )?;
            }
            Ok(())
        }
        "diagram" => {
            let a = Args::parse(rest, &["--env", "-e", "--format", "-f", "-o", "--out"])?;
            let path = a.one_file("design file")?;
            let design = load(Path::new(path))?;
            let env = match a.flag(&["--env", "-e"]) {
                Some(env) => env.to_string(),
                None => kubeprint_core::presets::default_environment(&design),
            };
            if design.environments.is_empty() {
                return Err(Failure::Input(format!(
                    "{path} has no environment to draw; add one (kubeprint new --template NAME \
                     makes a design with environments)"
                )));
            }
            known_env(path, &env, &design)?;
            let format = a.flag(&["--format", "-f"]).unwrap_or("svg");
            let picture =
                diagram::diagram(&design, &env).map_err(|e| Failure::Input(e.to_string()))?;
            let text = match format {
                "svg" => picture.svg(),
                "mermaid" | "mmd" => picture.mermaid(),
                other => {
                    return Err(Failure::Usage(format!(
                        "unknown diagram format `{other}`; use svg or mermaid"
                    )))
                }
            };
            match a.flag(&["-o", "--out"]) {
                None => emit(out, &text),
                Some(file) => {
                    std::fs::write(file, text)
                        .map_err(|e| Failure::Input(format!("cannot write {file}: {e}")))?;
                    emit(out, &format!("wrote {file}\n"))
                }
            }
        }
        "export" => {
            let a = Args::parse(
                rest,
                &[
                    "-o",
                    "--out",
                    "--zip",
                    "--format",
                    "--repo",
                    "--revision",
                    "--argocd-source",
                    "--compose-env",
                ],
            )?;
            let path = a.one_file("design file")?;
            let design = load(Path::new(path))?;
            let options = export_options(&a, path, &design)?;
            let files = export::bundle_with(&design, &options).map_err(|e| match e {
                export::OptionsError::Argo(_) | export::OptionsError::UnknownEnvironment { .. } => {
                    Failure::Input(e.to_string())
                }
                _ => Failure::Usage(e.to_string()),
            })?;
            let written = match (a.flag(&["-o", "--out"]), a.flag(&["--zip"])) {
                (Some(dir), None) => {
                    for f in &files {
                        let path = PathBuf::from(dir).join(&f.path);
                        let parent = path.parent().unwrap_or(Path::new(dir));
                        std::fs::create_dir_all(parent)
                            .and_then(|()| std::fs::write(&path, &f.contents))
                            .map_err(|e| {
                                Failure::Input(format!("cannot write {}: {e}", path.display()))
                            })?;
                    }
                    emit(
                        out,
                        &format!(
                            "wrote {} under {dir}\n",
                            kubeprint_core::words::counted(files.len(), "file")
                        ),
                    )
                }
                (None, Some(zip)) => {
                    let bytes = export::zip_with(&design, &options)
                        .map_err(|e| Failure::Input(e.to_string()))?;
                    std::fs::write(zip, bytes)
                        .map_err(|e| Failure::Input(format!("cannot write {zip}: {e}")))?;
                    emit(out, &format!("wrote {zip}\n"))
                }
                _ => Err(Failure::Usage(
                    "export needs either -o DIR or --zip FILE".into(),
                )),
            };
            // Said once the bundle is written (not when the export failed).
            if let (Ok(_), Some(said)) = (&written, export::errors_shipped(&design)) {
                eprintln!("kubeprint: {said} (`kubeprint check` lists them)");
            }
            written
        }
        "import" => {
            let a = Args::parse(rest, &["--env"])?;
            let envs: Vec<&str> = a
                .flags
                .iter()
                .filter(|(k, _)| *k == "--env")
                .map(|(_, v)| *v)
                .collect();
            if !envs.is_empty() {
                if !a.positional.is_empty() {
                    return Err(Failure::Usage(
                        "import takes either YAML files or --env NAME=FILE options, not both"
                            .into(),
                    ));
                }
                return import_environments(&envs, out);
            }
            if a.positional.is_empty() {
                return Err(Failure::Usage("import needs at least one YAML file".into()));
            }
            // A compose file given with its `.env` and `env_file`s, as the page takes them.
            if a.positional.len() > 1 {
                let mut files = Vec::new();
                for f in &a.positional {
                    let text = std::fs::read_to_string(f)
                        .map_err(|e| Failure::Input(format!("cannot read {f}: {e}")))?;
                    let name = Path::new(f)
                        .file_name()
                        .map_or(f.to_string(), |n| n.to_string_lossy().into_owned());
                    files.push((name, text));
                }
                match kubeprint_core::compose::chosen_together(&files) {
                    Some(Ok(chosen)) => {
                        let result =
                            kubeprint_core::compose::import_chosen(&chosen.text, &chosen.besides);
                        return finish_import(result, out);
                    }
                    Some(Err(m)) => return Err(Failure::Input(m)),
                    None => {}
                }
            }
            if let [one] = a.positional.as_slice() {
                let text = std::fs::read_to_string(one)
                    .map_err(|e| Failure::Input(format!("cannot read {one}: {e}")))?;
                if import::Format::detect(&text) == import::Format::Compose {
                    let dir = Path::new(one).parent().unwrap_or(Path::new("."));
                    // The files it reads beside it (`env_file`s, mounted files), and
                    // `.env`, whose variables compose interpolates.
                    let env_files = kubeprint_core::compose::file_names(&text)
                        .into_iter()
                        .chain([".env".to_string()])
                        .filter_map(|f| {
                            Some((f.clone(), std::fs::read_to_string(dir.join(&f)).ok()?))
                        })
                        .collect();
                    let result = kubeprint_core::compose::import(&text, &env_files);
                    return finish_import(result, out);
                }
            }
            // One import of all files, each report line naming its file when there are
            // several (a single file's lines need no name).
            let several = a.positional.len() > 1;
            let mut files = Vec::new();
            for f in &a.positional {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| Failure::Input(format!("cannot read {f}: {e}")))?;
                files.push((
                    if several {
                        f.to_string()
                    } else {
                        String::new()
                    },
                    text,
                ));
            }
            finish_import(import::kubernetes_files(files), out)
        }
        "link" => {
            let a = Args::parse(rest, &["--base", "--env"])?;
            let design = load(Path::new(a.one_file("design file")?))?;
            let base = a.flag(&["--base"]).unwrap_or("http://127.0.0.1:8080/");
            for note in link::notes(&design) {
                eprintln!("kubeprint: note: {note}");
            }
            let url = match a.flag(&["--env"]) {
                Some(env) if design.environment(env).is_none() => {
                    return Err(Failure::Input(format!(
                        "the design has no environment `{env}` (it has: {})",
                        (design.environments.iter())
                            .map(|e| e.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                }
                Some(env) => link::link_showing(base, &design, env),
                None => link::link(base, &design),
            };
            emit(out, &format!("{url}\n"))
        }
        "open-link" => {
            let a = Args::parse(rest, &[])?;
            let url = a.one_file("link")?;
            let design = link::decode(url).map_err(|e| Failure::Input(e.to_string()))?;
            emit(out, &file::to_json(&design))
        }
        "help" | "--help" | "-h" => emit(out, &format!("{USAGE}\n")),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}

/// `import --env NAME=FILE...`: one design with an environment per file; each
/// environment's document report, what merged and what did not on stderr.
fn import_environments(envs: &[&str], out: &mut dyn Write) -> Result<(), Failure> {
    let mut inputs = Vec::new();
    for e in envs {
        let Some((name, path)) = e
            .split_once('=')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty())
        else {
            return Err(Failure::Usage(format!(
                "`--env {e}` should be NAME=FILE, e.g. --env prod=prod.yaml"
            )));
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))?;
        inputs.push(import::Input {
            name: name.to_string(),
            file: path.to_string(),
            text,
        });
    }
    // A mistake in the command line, or in a file.
    import::environments_asked(&inputs).map_err(Failure::Usage)?;
    let result = import::environments_of(&inputs).map_err(Failure::Input)?;
    for env in &result.environments {
        eprintln!("environment {}:", env.environment);
        print_documents(&env.documents);
        for m in &env.merged {
            eprintln!("merged    {}: {m}", env.environment);
        }
        for n in &env.not_merged {
            eprintln!("not merged  {}", n.message);
        }
    }
    emit(out, &file::to_json(&result.design))?;
    read_whole(result.environments.iter().flat_map(|e| &e.documents))
}

/// Print the per-document report to stderr.
fn print_documents(documents: &[kubeprint_core::import::DocumentReport]) {
    for d in documents {
        let what = match format!("{} {}", d.kind, d.name).trim() {
            "" => "document".to_string(),
            named => named.to_string(),
        };
        let at = if d.file.is_empty() {
            format!("line {:>5}", d.line)
        } else {
            format!("{} line {:>5}", d.file, d.line)
        };
        match &d.outcome {
            Outcome::Imported => eprintln!("imported  {at}  {what}"),
            Outcome::Kept(why) => eprintln!("kept      {at}  {what}: {why}"),
            Outcome::Skipped(why) => eprintln!("skipped   {at}  {}: {why}", what.trim()),
        }
        if let Some(note) = &d.note {
            eprintln!("          line {:>5}  note: {note}", d.line);
        }
    }
}

/// Print the per-document report to stderr and the design to stdout.
fn finish_import(result: import::Import, out: &mut dyn Write) -> Result<(), Failure> {
    print_documents(&result.documents);
    if result.documents.is_empty() {
        return Err(Failure::Input(
            "the input holds no document: nothing to import (an empty file?)".into(),
        ));
    }
    if result.imported() == 0 {
        return Err(Failure::Input(
            "nothing could be imported (see the report above)".into(),
        ));
    }
    eprintln!("{}", result.summary());
    emit(out, &file::to_json(&result.design))?;
    read_whole(&result.documents)
}

/// After the design is written: a failure when some documents could not be read, so
/// that a script or a CI job does not go on as if the input were read whole.
fn read_whole<'d>(
    documents: impl IntoIterator<Item = &'d kubeprint_core::import::DocumentReport>,
) -> Result<(), Failure> {
    let (mut unreadable, mut all) = (0, 0);
    for d in documents {
        all += 1;
        unreadable += usize::from(d.unreadable);
    }
    if unreadable == 0 {
        return Ok(());
    }
    Err(Failure::Input(format!(
        "{unreadable} of {all} documents could not be read: the design written holds the rest; fix {} and import again",
        if unreadable == 1 { "it" } else { "them" }
    )))
}

/// The bundle's choices from `export`'s options: `--format` (default kustomize), Argo
/// CD's settings over the design's own, the compose environment (default dev).
fn export_options(a: &Args, path: &str, design: &Design) -> Result<export::Options, Failure> {
    let formats = match a.flag(&["--format"]) {
        Some(list) => {
            export::Format::parse_list(list).map_err(|e| Failure::Usage(e.to_string()))?
        }
        None => vec![export::Format::Kustomize],
    };
    let has = |f| formats.contains(&f);
    for (flag, format) in [
        ("--repo", export::Format::ArgoCd),
        ("--revision", export::Format::ArgoCd),
        ("--argocd-source", export::Format::ArgoCd),
        ("--compose-env", export::Format::Compose),
    ] {
        if a.flag(&[flag]).is_some() && !has(format) {
            return Err(Failure::Usage(format!(
                "`{flag}` is for {}: add {} to --format",
                format.title(),
                format.name()
            )));
        }
    }
    if let Some(env) = a.flag(&["--compose-env"]) {
        known_env(path, env, design)?;
    }
    let mut options = export::Options::for_formats(design, &formats, a.flag(&["--compose-env"]));
    if let Some(argo) = options.argocd.as_mut() {
        if let Some(url) = a.flag(&["--repo"]) {
            argo.repo_url = url.trim().to_string();
        }
        if argo.repo_url.is_empty() {
            return Err(Failure::Usage(
                "--format argocd needs --repo URL, the Git repository Argo CD pulls the bundle \
                 from (e.g. --repo https://github.com/acme/shop.git); the design names none"
                    .into(),
            ));
        }
        if let Some(rev) = a.flag(&["--revision"]) {
            argo.revision = rev.trim().to_string();
        }
        if let Some(source) = a.flag(&["--argocd-source"]) {
            argo.source = match source {
                "kustomize" => kubeprint_core::ArgoSource::Kustomize,
                "helm" => kubeprint_core::ArgoSource::Helm,
                other => {
                    return Err(Failure::Usage(format!(
                        "unknown --argocd-source `{other}`; use kustomize or helm"
                    )))
                }
            };
        }
    }
    if let Some(env) = &options.compose {
        if env.is_empty() {
            return Err(Failure::Input(format!(
                "{path} has no environment to export for Docker Compose"
            )));
        }
    }
    Ok(options)
}

/// `Ok` if the design at `path` has environment `env`; otherwise the error every command
/// gives, naming the environments it does have.
fn known_env(path: &str, env: &str, design: &Design) -> Result<(), Failure> {
    if design.environment(env).is_some() {
        return Ok(());
    }
    let names: Vec<_> = design
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    Err(Failure::Input(format!(
        "{path} has no environment `{env}`; it has: {}",
        names.join(", ")
    )))
}

/// One line per finding, then a count.
fn check_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let who = f.service.as_deref().unwrap_or("-");
        out.push_str(&format!(
            "{:<7} {} {:<10} {}: {} [{}]",
            f.severity, f.code, f.env, who, f.message, f.path
        ));
        if let Some(fix) = &f.fix {
            out.push_str(&format!(" (fix: {})", fix.label));
        }
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    out.push_str(&format!(
        "{}, {}, {} info\n",
        kubeprint_core::words::counted(count(Severity::Error), "error"),
        kubeprint_core::words::counted(count(Severity::Warning), "warning"),
        count(Severity::Info)
    ));
    out
}

/// The stable JSON report (documented in docs/check-json.md).
fn check_json(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let report = serde_json::json!({
        "version": 1,
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "info": count(Severity::Info),
        },
        "findings": findings,
    });
    let mut s = serde_json::to_string_pretty(&report).expect("findings serialize");
    s.push('\n');
    s
}

fn load(path: &Path) -> Result<Design, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("cannot read {}: {e}", path.display())))?;
    file::from_json(&text).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    out.write_all(text.as_bytes())
        .map_err(|e| Failure::Input(format!("cannot write output: {e}")))
}
