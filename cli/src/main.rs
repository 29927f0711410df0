//! `kubeprint`: the designer's core on the command line.
//!
//! Every failure is one line on stderr saying what is wrong and what to do, and a
//! non-zero exit: 1 for a problem with the input, 2 for a wrong command line.

use kubeprint_core::{file, render, templates, Design};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  kubeprint templates                              list the built-in templates
  kubeprint new --template NAME                    print a new design file
  kubeprint render DESIGN.json --env ENV [-o DIR]  print (or write DIR/ENV.yaml) the manifests";

/// What went wrong, as the user will read it.
enum Failure {
    /// The command line itself is wrong.
    Usage(String),
    /// The command was understood but its input is unusable.
    Input(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Input(m) => f.write_str(m),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    match run(&args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("kubeprint: {m}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Input(m)) => {
            eprintln!("kubeprint: {m}");
            ExitCode::from(1)
        }
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
    match cmd {
        "templates" => {
            for t in templates::ALL {
                emit(out, &format!("{:<14} {}\n", t.name, t.title))?;
            }
            Ok(())
        }
        "new" => {
            let a = Args::parse(rest, &["--template", "-t"])?;
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
            if design.environment(env).is_none() {
                let names: Vec<_> = design
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                return Err(Failure::Input(format!(
                    "{path} has no environment `{env}`; it has: {}",
                    names.join(", ")
                )));
            }
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
        "help" | "--help" | "-h" => emit(out, &format!("{USAGE}\n")),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
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
