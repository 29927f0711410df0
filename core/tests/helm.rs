//! The Helm chart renders, for every environment, exactly the objects of
//! `rendered/<env>.yaml`. No `helm template` exists here, so this file holds a small
//! evaluator for exactly the template subset the chart uses, and refuses anything else:
//!
//! - `{{ toJson ARG }}` where ARG is `(index .Values "k" ...)` or
//!   `(printf "FORMAT" ARG ...)` with `%s` and `%%` only, an ARG also
//!   `.Release.Namespace` (PromQL selectors of the release's namespace);
//! - `{{ .Release.Namespace }}`;
//! - `{{ quote (sha256sum ARG) }}` where ARG is `(include (print $.Template.BasePath
//!   "/FILE") $)`, the output of another template of the chart, or `(print ARG ...)`
//!   of several (a pod's `checksum/config`);
//! - `{{ "STRING" }}`, written as it is (a literal that holds `{{` itself);
//! - `{{ toJson (dig "data" "KEY" (b64enc "DEFAULT") (lookup "v1" "Secret"
//!   .Release.Namespace "NAME")) }}`: a Secret's value in the cluster, which the test
//!   gives (`helm template` has no cluster: `lookup` finds nothing);
//! - `{{- if COND }}` ... `{{- end }}`, COND being ARG, `(not COND)`, `(and COND ...)` or
//!   `(or COND ...)`, with Go's truth (false, 0, "", empty map or list, nil are false).
//!
//! `{{-` trims the white space before it, as Go does; `-}}` is not in the subset. Values
//! are coalesced as Helm does for `-f values-<env>.yaml`: maps merge key by key, the file
//! wins, `null` deletes the key, anything else (lists too) is replaced whole.
//! `templates/_helpers.tpl` and `templates/NOTES.txt` are not objects and are not
//! evaluated (Helm's linter renders them: `tests/tests/helm_oracle.rs`).

mod common;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use kubeprint_core::export::helm::{chart, chart_name};
use kubeprint_core::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------
// The evaluator.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Str(String),
    Word(String),
}

fn tokens(action: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = action.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            let lit: String = chars[start..=i.min(chars.len() - 1)].iter().collect();
            // Go's interpreted string literals, for the escapes JSON also has.
            let s: String =
                serde_json::from_str(&lit).map_err(|e| format!("bad string {lit}: {e}"))?;
            out.push(Tok::Str(s));
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')'
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        }
    }
    Ok(out)
}

struct Eval<'a> {
    values: &'a Value,
    namespace: &'a str,
    /// The chart's files, by path, and its folder (`helm/<chart>`): what `include`
    /// reads.
    files: &'a BTreeMap<String, String>,
    dir: &'a str,
    /// The Secrets `lookup` finds, by namespace and name.
    cluster: &'a BTreeMap<(String, String), Value>,
}

impl Eval<'_> {
    /// One argument starting at `toks[*at]`.
    fn arg(&self, toks: &[Tok], at: &mut usize) -> Result<Value, String> {
        let t = toks.get(*at).ok_or("missing argument")?.clone();
        *at += 1;
        match t {
            Tok::Str(s) => Ok(Value::String(s)),
            Tok::Word(w) if w == ".Values" => Ok(self.values.clone()),
            Tok::Word(w) if w == ".Release.Namespace" => Ok(json!(self.namespace)),
            // Helm's: `<chart>/templates`, the name `include` takes a file of it by.
            Tok::Word(w) if w == "$.Template.BasePath" => Ok(json!(format!(
                "{}/templates",
                self.dir.trim_start_matches("helm/")
            ))),
            // The root context, which `include` is given.
            Tok::Word(w) if w == "$" => Ok(Value::Null),
            Tok::Open => {
                let Some(Tok::Word(f)) = toks.get(*at).cloned() else {
                    return Err("a call without a function".into());
                };
                *at += 1;
                let mut args = Vec::new();
                while toks.get(*at) != Some(&Tok::Close) {
                    if *at >= toks.len() {
                        return Err("unclosed (".into());
                    }
                    args.push(self.arg(toks, at)?);
                }
                *at += 1;
                self.call(&f, args)
            }
            other => Err(format!("not in the subset: {other:?}")),
        }
    }

    fn call(&self, f: &str, args: Vec<Value>) -> Result<Value, String> {
        match f {
            "index" => {
                let mut it = args.into_iter();
                let mut v = it.next().ok_or("index without a map")?;
                for k in it {
                    let k = k.as_str().ok_or("index by a non-string")?;
                    v = v
                        .as_object()
                        .ok_or_else(|| format!("index {k:?} into a non-map"))?
                        .get(k)
                        .cloned()
                        .ok_or_else(|| format!("no value {k:?}"))?;
                }
                Ok(v)
            }
            "printf" => {
                let mut it = args.into_iter();
                let fmt = it
                    .next()
                    .and_then(|f| f.as_str().map(str::to_string))
                    .ok_or("printf without a format")?;
                let mut out = String::new();
                let mut rest = fmt.as_str();
                while let Some(at) = rest.find('%') {
                    out.push_str(&rest[..at]);
                    if rest[at..].starts_with("%%") {
                        out.push('%');
                        rest = &rest[at + 2..];
                        continue;
                    }
                    if !rest[at..].starts_with("%s") {
                        return Err(format!("printf verb not in the subset: {fmt}"));
                    }
                    let v = it.next().ok_or("printf lacks an argument")?;
                    out.push_str(v.as_str().ok_or("printf %s of a non-string")?);
                    rest = &rest[at + 2..];
                }
                out.push_str(rest);
                if it.next().is_some() {
                    return Err("printf has too many arguments".into());
                }
                Ok(Value::String(out))
            }
            "not" => match &args[..] {
                [v] => Ok(json!(!truth(v))),
                _ => Err("not takes one argument".into()),
            },
            // Sprig's: whether a map has a key (whatever its value).
            "hasKey" => match &args[..] {
                [Value::Object(m), Value::String(k)] => Ok(json!(m.contains_key(k))),
                _ => Err("hasKey takes a map and a key".into()),
            },
            // Go's `print` of strings: joined as they are.
            "print" => (args.iter())
                .map(|a| {
                    a.as_str()
                        .ok_or_else(|| "print of a non-string".to_string())
                })
                .collect::<Result<String, String>>()
                .map(Value::String),
            // Helm's: the output of template NAME (a file of the chart) with a context.
            "include" => match &args[..] {
                [Value::String(name), Value::Null] => {
                    let path = format!("helm/{name}");
                    let text = self.files.get(&path).ok_or(format!("no template {path}"))?;
                    self.run(text).map(Value::String)
                }
                _ => Err("include takes a template name and $".into()),
            },
            "sha256sum" => match &args[..] {
                [Value::String(s)] => Ok(json!(sha256_hex(s))),
                _ => Err("sha256sum takes a string".into()),
            },
            // Sprig's: a string in double quotes (Go's %q; the subset quotes hex only).
            "quote" => match &args[..] {
                [Value::String(s)] if s.chars().all(|c| c.is_ascii_hexdigit()) => {
                    Ok(json!(format!("\"{s}\"")))
                }
                _ => Err("quote of other than hex is not in the subset".into()),
            },
            // Helm's: the object in the cluster, an empty map when there is none.
            "lookup" => match &args[..] {
                [Value::String(v), Value::String(kind), Value::String(ns), Value::String(name)]
                    if v == "v1" && kind == "Secret" =>
                {
                    let key = (ns.clone(), name.clone());
                    Ok(self.cluster.get(&key).cloned().unwrap_or(json!({})))
                }
                _ => Err("lookup of other than a Secret by name is not in the subset".into()),
            },
            // Sprig's: the value at the keys of a map, or the default.
            "dig" if args.len() >= 3 => {
                let (map, rest) = args.split_last().expect("three arguments");
                let (default, keys) = rest.split_last().expect("two arguments");
                let mut v = map;
                for k in keys {
                    let k = k.as_str().ok_or("dig by a non-string")?;
                    match v.get(k) {
                        Some(inner) => v = inner,
                        None => return Ok(default.clone()),
                    }
                }
                Ok(v.clone())
            }
            "b64enc" => match &args[..] {
                [Value::String(s)] => Ok(json!(BASE64.encode(s))),
                _ => Err("b64enc takes a string".into()),
            },
            "and" if args.len() >= 2 => Ok(json!(args.iter().all(truth))),
            "or" if args.len() >= 2 => Ok(json!(args.iter().any(truth))),
            other => Err(format!("function not in the subset: {other}")),
        }
    }

    /// What one action writes (`None` for `if`/`end`, which `run` handles).
    fn action(&self, body: &str) -> Result<String, String> {
        let toks = tokens(body)?;
        match &toks[..] {
            [Tok::Word(w)] if w == ".Release.Namespace" => Ok(self.namespace.to_string()),
            [Tok::Str(s)] => Ok(s.clone()),
            [Tok::Word(w), ..] if w == "quote" => {
                let mut call = vec![Tok::Open];
                call.extend(toks.iter().cloned());
                call.push(Tok::Close);
                let v = self.arg(&call, &mut 0)?;
                Ok(v.as_str().ok_or("quote writes a string")?.to_string())
            }
            [Tok::Word(w), ..] if w == "toJson" => {
                let mut at = 1;
                let v = self.arg(&toks, &mut at)?;
                if at != toks.len() {
                    return Err(format!("trailing tokens in {body}"));
                }
                Ok(serde_json::to_string(&v).unwrap())
            }
            _ => Err(format!("action not in the subset: {{{{{body}}}}}")),
        }
    }

    fn condition(&self, body: &str) -> Result<bool, String> {
        let toks = tokens(body)?;
        let mut at = 0;
        let v = self.arg(&toks, &mut at)?;
        if at != toks.len() {
            return Err(format!("trailing tokens in if {body}"));
        }
        Ok(truth(&v))
    }

    /// The template's output.
    fn run(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        // Whether each open `if` writes; text is written when all do.
        let mut stack: Vec<bool> = Vec::new();
        let mut rest = text;
        loop {
            let Some(open) = rest.find("{{") else {
                if stack.iter().all(|b| *b) {
                    out.push_str(rest);
                }
                break;
            };
            let close = action_end(&rest[open + 2..]).ok_or("unclosed {{")? + open + 2;
            let inner = &rest[open + 2..close];
            let (trim_left, inner) = match inner.strip_prefix("- ") {
                Some(i) => (true, i),
                None => (false, inner.strip_prefix(' ').ok_or("{{ without a space")?),
            };
            if inner.ends_with('-') || inner.ends_with("- ") {
                return Err("-}} is not in the subset".into());
            }
            let body = inner
                .strip_suffix(' ')
                .ok_or("action without a closing space")?;
            let writing = stack.iter().all(|b| *b);
            if writing {
                out.push_str(&rest[..open]);
                if trim_left {
                    let kept = out.trim_end().len();
                    out.truncate(kept);
                }
            }
            if let Some(cond) = body.strip_prefix("if ") {
                let holds = if writing {
                    self.condition(cond)?
                } else {
                    false
                };
                stack.push(holds);
            } else if body == "end" {
                stack.pop().ok_or("end without if")?;
            } else if writing {
                out.push_str(&self.action(body)?);
            } else {
                // Still check it belongs to the subset.
                let _ = tokens(body)?;
            }
            rest = &rest[close + 2..];
        }
        if !stack.is_empty() {
            return Err("if without end".into());
        }
        Ok(out)
    }
}

/// Sprig's `sha256sum`: the sha256 of the text, in lowercase hex.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    (sha2::Sha256::digest(text.as_bytes()).iter())
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the action that starts `text` ends (`}}` outside string constants).
fn action_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'}' if !quoted && bytes[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// Helm's coalescing of a values file over the chart's values.
fn coalesce(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                // A null deletes a key the chart's values have; one they lack stays,
                // null (as Helm's coalescing does).
                if v.is_null() && b.contains_key(k) {
                    out.remove(k);
                } else if v.is_null() {
                    out.insert(k.clone(), Value::Null);
                } else if let Some(bv) = b.get(k) {
                    out.insert(k.clone(), coalesce(bv, v));
                } else {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Object(out)
        }
        _ => over.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn files(d: &Design) -> BTreeMap<String, String> {
    chart(d).into_iter().map(|f| (f.path, f.contents)).collect()
}

fn yaml_value(text: &str) -> Value {
    let docs = yaml::parse_documents(text).expect("a values file parses");
    docs.into_iter()
        .next()
        .map(|d| serde_json::to_value(d).unwrap())
        .unwrap_or(Value::Null)
}

fn dir(d: &Design) -> String {
    format!("helm/{}", chart_name(d))
}

/// values.yaml with values-<env>.yaml coalesced over it.
fn env_values(files: &BTreeMap<String, String>, dir: &str, env: &str) -> Value {
    let base = yaml_value(&files[&format!("{dir}/values.yaml")]);
    let over = yaml_value(&files[&format!("{dir}/values-{env}.yaml")]);
    coalesce(&base, &over)
}

fn object_templates<'a>(
    files: &'a BTreeMap<String, String>,
    dir: &str,
) -> Vec<(&'a String, &'a String)> {
    let prefix = format!("{dir}/templates/");
    files
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with(".yaml"))
        .collect()
}

/// A pod's `checksum/config`, a sha256 in hex, as one mark: the design's is of the
/// ConfigMaps' data, the chart's of the ConfigMaps as the release renders them
/// (`a_pods_checksum_is_of_the_config_maps_the_release_renders`).
fn checksum_marked(mut v: Value) -> Value {
    let annotations = &mut v["spec"]["template"]["metadata"]["annotations"];
    if let Some(sum) = annotations.get_mut("checksum/config") {
        let hex = sum.as_str().unwrap_or_default();
        assert!(
            hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "checksum {sum}"
        );
        *sum = json!("<sha256>");
    }
    v
}

/// What the chart renders with `values` into `namespace`, by object key.
fn chart_output(
    files: &BTreeMap<String, String>,
    dir: &str,
    values: &Value,
    namespace: &str,
    cluster: &BTreeMap<(String, String), Value>,
) -> BTreeMap<(String, String), Value> {
    let eval = Eval {
        values,
        namespace,
        files,
        dir,
        cluster,
    };
    let mut out = BTreeMap::new();
    for (path, text) in object_templates(files, dir) {
        let rendered = eval
            .run(text)
            .unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
        for doc in
            yaml::parse_documents(&rendered).unwrap_or_else(|e| panic!("{path}: {e}\n{rendered}"))
        {
            let v: Value = serde_json::to_value(doc).unwrap();
            if v.is_null() {
                continue;
            }
            let o = Object::from_json(v.clone())
                .unwrap_or_else(|_| Object::kept(KeptObject(v.clone())));
            let key = key_in(&o, &v, namespace);
            assert!(
                out.insert(key.clone(), checksum_marked(v)).is_none(),
                "{key:?} twice"
            );
        }
    }
    out
}

/// An object's key, with its namespace when that is not the environment's: a pinned
/// object's, or a modelled one's in a namespace of its own (a Gateway shared from an
/// infrastructure namespace).
fn key_in(o: &Object, v: &Value, namespace: &str) -> (String, String) {
    let (kind, name) = o.key();
    match v["metadata"]["namespace"].as_str() {
        Some(ns) if ns != namespace && !name.contains('/') => (kind, format!("{ns}/{name}")),
        _ => (kind, name),
    }
}

fn rendered(d: &Design, env: &str) -> BTreeMap<(String, String), Value> {
    let namespace = &d.environment(env).expect("the environment").namespace;
    render(d, env)
        .objects
        .iter()
        .filter(|o| o.kind() != "Namespace")
        .map(|o| {
            let mut v = o.to_json();
            if export::placeholder_secret(o) {
                string_data_as_data(&mut v);
            }
            (key_in(o, &v, namespace), checksum_marked(v))
        })
        .collect()
}

/// A Secret's `stringData` as the API server keeps it: in `data`, base64. The chart
/// writes placeholder Secrets so, to write a value read from the cluster back exactly.
fn string_data_as_data(secret: &mut Value) {
    let strings = secret
        .as_object_mut()
        .and_then(|m| m.remove("stringData"))
        .unwrap_or(json!({}));
    for (k, v) in strings.as_object().unwrap() {
        secret["data"][k] = json!(BASE64.encode(v.as_str().unwrap()));
    }
}

/// The law: for every environment, the chart with that environment's values renders
/// exactly `render(design, env)` (Namespace objects aside).
fn check(d: &Design) -> usize {
    let files = files(d);
    let dir = dir(d);
    let mut objects = 0;
    for env in &d.environments {
        let values = env_values(&files, &dir, &env.name);
        let got = chart_output(&files, &dir, &values, &env.namespace, &BTreeMap::new());
        let want = rendered(d, &env.name);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{} {}: the chart renders other objects",
            d.name,
            env.name
        );
        for (k, w) in &want {
            assert_eq!(&got[k], w, "{} {}: {k:?} differs", d.name, env.name);
        }
        objects += want.len();
    }
    objects
}

fn imported_designs() -> Vec<Design> {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let read = |f: &str| std::fs::read_to_string(format!("{corpus}/{f}")).unwrap();
    let staging = read("two-envs/staging.yaml");
    let prod = read("two-envs/prod.yaml");
    let mut out = vec![
        import::environments(&[("staging", &staging), ("prod", &prod)])
            .unwrap()
            .design,
    ];
    // (Details each environment keeps of its own: a checksum, a label, a toleration;
    // variables environments read from keys.)
    for golden in ["own-residuals", "variables-from-keys"] {
        let file = format!("{}/tests/links/{golden}.json", env!("CARGO_MANIFEST_DIR"));
        out.push(kubeprint_core::file::from_json(&std::fs::read_to_string(file).unwrap()).unwrap());
    }
    for f in [
        "multi-namespace.yaml",
        "microservices-demo.yaml",
        "sidecars-and-volumes.yaml",
        "crds-and-crs.yaml",
    ] {
        out.push(import::kubernetes(&read(f)).design);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Tests.

#[test]
fn every_template_chart_renders_each_environment_exactly() {
    let mut objects = 0;
    for t in templates::ALL {
        objects += check(&templates::by_name(t.name).unwrap());
    }
    assert!(objects > 100, "only {objects} objects were compared");
}

#[test]
fn imported_designs_charts_render_each_environment_exactly() {
    for d in imported_designs() {
        assert!(check(&d) > 0, "{}: nothing compared", d.name);
    }
}

/// A service whose HPA one environment switches off has its HPA and its replicas under
/// `autoscaling.enabled`; one whose HPA every environment switches off has no switch
/// at all (it would turn on nothing), its replicas written as they are.
#[test]
fn an_hpa_switched_off_is_a_switch_only_where_some_environment_keeps_it() {
    let mut d = templates::connectum();
    let id = d.service_named("order-service").unwrap().id;
    let off = |d: &mut Design, env: &str| {
        let e = d.environments.iter_mut().find(|e| e.name == env).unwrap();
        e.overrides.entry(id).or_default().hpa = Some(false);
    };
    off(&mut d, "dev");
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.get_mut(&id).unwrap().replicas = Some(1);
    check(&d);
    let f = files(&d);
    let dir = dir(&d);
    let switch = |f: &BTreeMap<String, String>, env: &str| {
        env_values(f, &dir, env)["services"]["order-service"]["autoscaling"]["enabled"].clone()
    };
    assert_eq!(switch(&f, "dev"), Value::Bool(false));
    assert_eq!(switch(&f, "prod"), Value::Bool(true));
    // A count only where it is written: dev's, not in prod's values (its HPA scales).
    let prod = yaml_value(&f[&format!("{dir}/values-prod.yaml")]);
    assert_eq!(
        prod["services"]["order-service"].get("replicas"),
        None,
        "{prod:#}"
    );
    for env in ["staging", "prod"] {
        off(&mut d, env);
    }
    check(&d);
    let f = files(&d);
    let said: Vec<&String> = (f.iter())
        .filter(|(path, text)| !path.ends_with("README.md") && text.contains("autoscaling"))
        .map(|(path, _)| path)
        .collect();
    assert!(said.is_empty(), "no switch that turns on nothing: {said:?}");
}

#[test]
fn a_scaled_design_chart_renders_each_environment_exactly() {
    check(&templates::scaled(60));
}

/// A service whose PDB dev and staging switch off has its budget under
/// `podDisruptionBudget.enabled`, on in prod only.
#[test]
fn a_pdb_switched_off_is_written_only_where_the_environment_keeps_it() {
    let mut d = templates::miniredis();
    let prod = d.environment("prod").unwrap();
    let s = (d.services.iter())
        .find(|s| s.scaling.pdb.is_some() && prod.deploys(s.id))
        .expect("a service with a PDB in prod");
    let (id, name) = (s.id, s.name.clone());
    for env in ["dev", "staging"] {
        let e = d.environments.iter_mut().find(|e| e.name == env).unwrap();
        e.overrides.entry(id).or_default().pdb = Some(false);
    }
    check(&d);
    let f = files(&d);
    let dir = dir(&d);
    for (env, on) in [("dev", false), ("staging", false), ("prod", true)] {
        let values = env_values(&f, &dir, env);
        assert_eq!(
            values["services"][&name]["podDisruptionBudget"]["enabled"],
            Value::Bool(on),
            "{env}: {values:#}"
        );
        let rendered = chart_output(&f, &dir, &values, "ns", &BTreeMap::new());
        let budget = ("PodDisruptionBudget".to_string(), name.clone());
        assert_eq!(
            rendered.contains_key(&budget),
            on,
            "{env}: {:?}",
            rendered.keys()
        );
    }
}

/// A budget of prod's own (minAvailable 2 where the service lets one pod go): each
/// environment's values render its own.
#[test]
fn an_environments_own_budget_is_written_in_its_values() {
    let mut d = templates::miniredis();
    let prod = d.environment("prod").unwrap();
    let id = (d.services.iter())
        .find(|s| s.scaling.pdb.is_some() && prod.deploys(s.id))
        .unwrap()
        .id;
    let e = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    e.overrides.entry(id).or_default().pdb_budget = Some(Pdb::MaxUnavailable(Amount::Percent(25)));
    assert!(check(&d) > 0);
    // Prod's chart writes prod's budget, the others the service's.
    let name = d.service(id).unwrap().name.clone();
    let f = files(&d);
    let dir = dir(&d);
    let key = ("PodDisruptionBudget".to_string(), name.clone());
    for (env, field, value) in [
        ("prod", "maxUnavailable", "25%"),
        ("staging", "minAvailable", "1"),
    ] {
        let values = env_values(&f, &dir, env);
        let budget = &chart_output(&f, &dir, &values, "ns", &BTreeMap::new())[&key]["spec"];
        let got = budget[field].to_string().trim_matches('"').to_string();
        assert_eq!(got, value, "{env}: {budget}");
    }
}

/// A service whose Ingress dev switches off has it under `ingress.enabled`, off in dev.
#[test]
fn an_ingress_switched_off_is_written_only_where_the_environment_keeps_it() {
    let mut d = templates::miniredis();
    let dev = d.environment("dev").unwrap();
    let s = (d.services.iter())
        .find(|s| s.exposure.ingress.is_some() && dev.deploys(s.id))
        .expect("a service with an Ingress in dev");
    let (id, name) = (s.id, s.name.clone());
    let e = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    e.overrides.entry(id).or_default().ingress = Some(false);
    check(&d);
    let f = files(&d);
    let dir = dir(&d);
    for (env, on) in [("dev", false), ("staging", true), ("prod", true)] {
        let values = env_values(&f, &dir, env);
        assert_eq!(
            values["services"][&name]["ingress"]["enabled"],
            Value::Bool(on),
            "{env}: {values:#}"
        );
        let rendered = chart_output(&f, &dir, &values, "ns", &BTreeMap::new());
        let ingress = ("Ingress".to_string(), name.clone());
        assert_eq!(
            rendered.contains_key(&ingress),
            on,
            "{env}: {:?}",
            rendered.keys()
        );
    }
}

/// A random design whose environments differ in every way an environment can: services
/// on and off, tags, replicas, HPA ranges, HPAs, PDBs and Ingresses off, resources,
/// default-deny, a ConfigMap key left out.
fn varied() -> impl Strategy<Value = Design> {
    (
        common::design(),
        proptest::collection::vec(
            (
                any::<bool>(),
                0u32..4,
                1u32..9,
                any::<bool>(),
                any::<bool>(),
            ),
            3,
        ),
        any::<bool>(),
    )
        .prop_map(|(mut d, per_env, second_key)| {
            // A second key, so that one left out leaves the other.
            if second_key {
                let cm = (d.config_maps.iter_mut())
                    .find(|c| c.name == "shared")
                    .unwrap();
                cm.data.insert("L".into(), "l".into());
            }
            let ids: Vec<ServiceId> = d.services.iter().map(|s| s.id).collect();
            for (i, (env, (off, n, max, deny, hosts))) in
                d.environments.iter_mut().zip(per_env).enumerate()
            {
                env.default_deny = deny;
                // The design's ConfigMap keys left out here (every one, or K of K and
                // L), or a key of its own.
                if deny && n % 2 == 0 {
                    env.config_left_out
                        .insert("shared".into(), ["K".to_string()].into());
                }
                if max % 3 == 2 {
                    let own = env.config_values.entry("shared".into()).or_default();
                    own.insert(format!("M{i}"), format!("m{n}"));
                }
                env.hosts_services = hosts || i == 0;
                for (j, id) in ids.iter().enumerate() {
                    let o = env.overrides.entry(*id).or_default();
                    if off && j == i {
                        o.enabled = Some(!env.hosts_services);
                    }
                    if (n + j as u32).is_multiple_of(2) {
                        o.image_tag = Some(format!("2.{n}.{j}"));
                        o.replicas = Some(n);
                        o.hpa_max = Some(max + 3);
                        // No HPA here (the service's replicas or this one's run).
                        o.hpa = (max % 3 == 0).then_some(false);
                        // No PDB here (dev runs one pod, prod keeps its budget), no
                        // Ingress (dev is reached by a port-forward).
                        o.pdb = (max % 2 == 0).then_some(false);
                        // Or a budget of its own (prod keeps two up).
                        o.pdb_budget =
                            (max % 3 == 1).then_some(Pdb::MinAvailable(Amount::Count(n)));
                        o.ingress = (max % 4 == 1).then_some(false);
                        o.resources =
                            Some(Resources::new("", &format!("{}Mi", 64 * (n + 1)), "", ""));
                    }
                }
            }
            // A shared environment that runs only the last service: the others' edges
            // to it cross namespaces, and its policies let their namespaces in.
            let mut shared = Environment::new("shared", Tier::Shared, "shared-infra");
            shared.hosts_services = false;
            shared.default_deny = true;
            if let Some(id) = ids.last() {
                shared.overrides.insert(
                    *id,
                    Override {
                        enabled: Some(true),
                        ..Override::default()
                    },
                );
            }
            d.environments.push(shared);
            d
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_designs_charts_render_each_environment_exactly(d in varied()) {
        check(&d);
    }
}

/// The canaries' analysis queries and the alerts select by namespace: installed into
/// another namespace, the chart's queries follow the release's namespace (they would
/// otherwise measure nothing there, and every canary would abort).
#[test]
fn queries_select_the_release_namespace() {
    let d = templates::miniredis();
    let files = files(&d);
    let dir = dir(&d);
    let values = env_values(&files, &dir, "prod");
    let got = chart_output(&files, &dir, &values, "shop-prod", &BTreeMap::new());
    let mut queries = 0;
    for ((kind, _), v) in &got {
        if !["AnalysisTemplate", "PrometheusRule"].contains(&kind.as_str()) {
            continue;
        }
        let text = v["spec"].to_string();
        assert!(
            text.contains("namespace=\\\"shop-prod\\\""),
            "{kind}: {text}"
        );
        assert!(!text.contains("miniredis-prod"), "{kind}: {text}");
        queries += 1;
    }
    assert!(queries >= 4, "{queries} analysis templates and alert rules");
}

#[test]
fn the_evaluator_refuses_what_is_not_in_the_subset() {
    let values = json!({"a": {"b": 1, "s": "x"}});
    let files = BTreeMap::new();
    let eval = Eval {
        values: &values,
        namespace: "ns",
        files: &files,
        dir: "helm/c",
        cluster: &BTreeMap::new(),
    };
    assert_eq!(
        eval.run("n: {{ toJson (index .Values \"a\" \"b\") }}\n")
            .unwrap(),
        "n: 1\n"
    );
    assert_eq!(
        eval.run("x: 1\n{{- if (not (index .Values \"a\" \"b\")) }}\ny: 2\n{{- end }}\nz: {{ .Release.Namespace }}\n").unwrap(),
        "x: 1\nz: ns\n"
    );
    for bad in [
        "{{ .Values.a.b }}",
        "{{ toYaml (index .Values \"a\") }}",
        "{{ toJson (index .Values \"a\" \"missing\") }}",
        "{{ toJson (printf \"%d\" (index .Values \"a\" \"b\")) }}",
        "{{ include \"x\" . }}",
        "{{- if (index .Values \"a\" \"b\") -}}\n{{- end }}",
        "{{- range (index .Values \"a\") }}\n{{- end }}",
        "{{- if (index .Values \"a\" \"b\") }}",
        "{{ .Release.Name }}",
    ] {
        assert!(eval.run(bad).is_err(), "the evaluator accepted {bad}");
    }
}

#[test]
fn an_hpa_managed_workload_has_no_replicas_until_autoscaling_is_switched_off() {
    let d = templates::framework_m();
    let files = files(&d);
    let dir = dir(&d);
    let s = d
        .services
        .iter()
        .find(|s| s.scaling.hpa.is_some())
        .expect("a service with an HPA");
    let path = format!(
        "{dir}/templates/{}-{}.yaml",
        s.kind.as_str().to_lowercase(),
        s.name
    );
    let text = &files[&path];
    let switch = format!(
        "(index .Values \"services\" \"{}\" \"autoscaling\" \"enabled\")",
        s.name
    );
    assert!(
        text.contains(&format!("{{{{- if (not {switch}) }}}}\n  replicas: {{{{ toJson (index .Values \"services\" \"{}\" \"replicas\") }}}}\n{{{{- end }}}}", s.name)),
        "{text}"
    );
    let env = &d.environments[2];
    let mut values = env_values(&files, &dir, &env.name);
    let key = (s.kind.as_str().to_string(), s.name.clone());
    let hpa = ("HorizontalPodAutoscaler".to_string(), s.name.clone());
    let on = chart_output(&files, &dir, &values, &env.namespace, &BTreeMap::new());
    assert!(on[&key]["spec"].get("replicas").is_none());
    assert!(on.contains_key(&hpa));
    values["services"][&s.name]["autoscaling"]["enabled"] = json!(false);
    values["services"][&s.name]["replicas"] = json!(4);
    let off = chart_output(&files, &dir, &values, &env.namespace, &BTreeMap::new());
    assert_eq!(off[&key]["spec"]["replicas"], json!(4));
    assert!(!off.contains_key(&hpa));
}

#[test]
fn no_template_names_a_namespace() {
    let mut designs: Vec<Design> = templates::ALL
        .iter()
        .map(|t| templates::by_name(t.name).unwrap())
        .collect();
    designs.extend(
        imported_designs()
            .into_iter()
            .filter(|d| d.pinned_objects.is_empty()),
    );
    for d in designs {
        let files = files(&d);
        let namespaces: Vec<&str> = d
            .environments
            .iter()
            .map(|e| e.namespace.as_str())
            .collect();
        for (path, text) in object_templates(&files, &dir(&d)) {
            assert!(!text.contains("kind: Namespace"), "{path}");
            for line in text.lines() {
                let t = line.trim_start().trim_start_matches("- ");
                if let Some(v) = t.strip_prefix("namespace: ") {
                    assert_eq!(v, "{{ .Release.Namespace }}", "{path}: {line}");
                }
                // A policy may name a cluster namespace (kube-system for DNS), never
                // one of the design's environments.
                if let Some(v) = t.strip_prefix("kubernetes.io/metadata.name: ") {
                    assert!(!namespaces.contains(&v), "{path}: {line}");
                }
            }
        }
    }
}

#[test]
fn secrets_carry_placeholders_only_and_can_be_left_to_an_existing_secret() {
    let d = templates::miniredis();
    assert!(!d.secrets.is_empty());
    let files = files(&d);
    let dir = dir(&d);
    for sec in &d.secrets {
        let text = &files[&format!("{dir}/templates/secret-{}.yaml", sec.name)];
        let first = text.lines().next().unwrap();
        assert!(
            first.contains(&format!(
                "(index .Values \"secrets\" \"{}\" \"create\")",
                sec.name
            )),
            "{text}"
        );
        let values = env_values(&files, &dir, &d.environments[0].name);
        let out = chart_output(&files, &dir, &values, "ns", &BTreeMap::new());
        let obj = &out[&("Secret".to_string(), sec.name.clone())];
        assert!(obj.get("stringData").is_none());
        for (k, v) in obj["data"].as_object().unwrap() {
            assert_eq!(
                v,
                &BASE64.encode(render::SECRET_PLACEHOLDER),
                "{}: {k}",
                sec.name
            );
        }
        let mut values = values;
        values["secrets"][&sec.name]["create"] = json!(false);
        let out = chart_output(&files, &dir, &values, "ns", &BTreeMap::new());
        assert!(!out.contains_key(&("Secret".to_string(), sec.name.clone())));
    }
    // No secret value anywhere in the values.
    for (path, text) in &files {
        if path.contains("/values") {
            assert!(
                !text.contains("stringData") && !text.contains(render::SECRET_PLACEHOLDER),
                "{path}"
            );
        }
    }
}

/// An upgrade keeps what someone set in a Secret the chart made: each key it has in the
/// release's namespace is written back exactly as it is there (a binary value too); a
/// key it lacks (one the design added since) gets the placeholder. A Secret of that name
/// in another namespace is not the release's.
#[test]
fn an_upgrade_keeps_the_values_a_secret_has_in_the_cluster() {
    let d = templates::miniredis();
    let files = files(&d);
    let dir = dir(&d);
    let env = d.environments.iter().find(|e| e.name == "prod").unwrap();
    let values = env_values(&files, &dir, &env.name);
    let fresh = chart_output(&files, &dir, &values, &env.namespace, &BTreeMap::new());
    let secrets: Vec<(String, Vec<String>)> = (fresh.iter())
        .filter(|((kind, _), _)| kind == "Secret")
        .map(|((_, name), v)| {
            (
                name.clone(),
                v["data"].as_object().unwrap().keys().cloned().collect(),
            )
        })
        .collect();
    // One with two keys, the first set in the cluster; another with a binary value.
    let (two, keys) = secrets
        .iter()
        .find(|(_, k)| k.len() >= 2)
        .expect("a Secret of two keys");
    let (binary, binary_keys) = secrets
        .iter()
        .find(|(n, _)| n != two)
        .expect("another Secret");
    let (set, unset, binary_key) = (&keys[0], &keys[1], &binary_keys[0]);
    let (text_value, binary_value) = (
        BASE64.encode("s3cr3t-from-the-vault"),
        BASE64.encode([0xff, 0x00, 0xfe, 0x80]),
    );
    let live = |name: &str, key: &str, value: &str| {
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": name, "namespace": env.namespace},
            "data": {key: value},
        })
    };
    let cluster = BTreeMap::from([
        (
            (env.namespace.clone(), two.clone()),
            live(two, set, &text_value),
        ),
        (
            (env.namespace.clone(), binary.clone()),
            live(binary, binary_key, &binary_value),
        ),
    ]);
    let upgraded = chart_output(&files, &dir, &values, &env.namespace, &cluster);
    let data = |name: &String| upgraded[&("Secret".to_string(), name.clone())]["data"].clone();
    let placeholder = BASE64.encode(render::SECRET_PLACEHOLDER);
    assert_eq!(data(two)[set], text_value);
    assert_eq!(data(two)[unset], placeholder);
    assert_eq!(data(binary)[binary_key], binary_value);
    // Everything else is as without the cluster.
    let mut without = upgraded.clone();
    for (name, key) in [(two, set), (binary, binary_key)] {
        without
            .get_mut(&("Secret".to_string(), name.clone()))
            .unwrap()["data"][key] = json!(placeholder);
    }
    assert_eq!(without, fresh);

    let live = live(two, set, &text_value);
    let elsewhere = BTreeMap::from([(("other".to_string(), two.clone()), live)]);
    let other = chart_output(&files, &dir, &values, &env.namespace, &elsewhere);
    assert_eq!(
        other, fresh,
        "a Secret of another namespace is not the release's"
    );
}

/// Every leaf of an environment's file differs from values.yaml, the base environment's
/// file is empty, and every value the chart has is read by a template.
#[test]
fn values_files_hold_only_differences_and_every_value_is_read() {
    fn leaves(v: &Value, path: Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    let mut p = path.clone();
                    p.push(k.clone());
                    leaves(x, p, out);
                }
            }
            _ => out.push((path, v.clone())),
        }
    }
    let mut designs: Vec<Design> = templates::ALL
        .iter()
        .map(|t| templates::by_name(t.name).unwrap())
        .collect();
    designs.extend(imported_designs());
    let mut differences = 0;
    for d in designs {
        let files = files(&d);
        let dir = dir(&d);
        let base = yaml_value(&files[&format!("{dir}/values.yaml")]);
        let base_env = d
            .environments
            .iter()
            .find(|e| e.hosts_services)
            .unwrap_or(&d.environments[0]);
        assert_eq!(
            yaml_value(&files[&format!("{dir}/values-{}.yaml", base_env.name)]),
            json!({})
        );
        for env in &d.environments {
            let over = yaml_value(&files[&format!("{dir}/values-{}.yaml", env.name)]);
            let mut found = Vec::new();
            leaves(&over, Vec::new(), &mut found);
            for (path, v) in found.into_iter().filter(|(p, _)| !p.is_empty()) {
                let mut at = &base;
                for k in &path {
                    at = &at[k];
                }
                assert_ne!(
                    at, &v,
                    "{} {}: {path:?} repeats values.yaml",
                    d.name, env.name
                );
                differences += 1;
            }
        }
        let mut all = Vec::new();
        leaves(&base, Vec::new(), &mut all);
        let templates: String = object_templates(&files, &dir)
            .into_iter()
            .map(|(_, t)| t.as_str())
            .collect();
        for (path, _) in all.iter().filter(|(p, _)| !p.is_empty()) {
            let mut reader = path.clone();
            // A value that is a map (resources) is read whole.
            while !reader.is_empty() {
                let call = format!(
                    "(index .Values {})",
                    reader
                        .iter()
                        .map(|k| serde_json::to_string(k).unwrap())
                        .collect::<Vec<_>>()
                        .join(" ")
                );
                if templates.contains(&call) {
                    break;
                }
                reader.pop();
            }
            assert!(!reader.is_empty(), "{}: no template reads {path:?}", d.name);
        }
    }
    assert!(differences > 5, "only {differences} differences");
}

/// A value set in a values file means what the same change in the design means.
#[test]
fn changing_a_value_is_changing_the_design() {
    let mut d = templates::miniredis();
    let files = files(&d);
    let dir = dir(&d);
    let env = d.environments.last().unwrap().clone();
    let s = d
        .services
        .iter()
        .find(|s| s.kind.has_replicas() && s.scaling.hpa.is_none())
        .unwrap()
        .clone();
    let mut values = env_values(&files, &dir, &env.name);
    values["services"][&s.name]["image"]["tag"] = json!("9.9.9");
    values["services"][&s.name]["replicas"] = json!(7);
    let got = chart_output(&files, &dir, &values, &env.namespace, &BTreeMap::new());
    let o = d
        .environments
        .iter_mut()
        .find(|e| e.name == env.name)
        .unwrap()
        .overrides
        .entry(s.id)
        .or_default();
    o.image_tag = Some("9.9.9".into());
    o.replicas = Some(7);
    assert_eq!(got, rendered(&d, &env.name));
}

// What the chart says of itself holds for an imported design too: its objects keep the
// input's labels (no `part-of`), so NOTES lists the release by its manifest; and, as the
// README says, no template names one of the design's namespaces.
#[test]
fn the_charts_notes_and_readme_say_what_its_templates_do() {
    for d in imported_designs() {
        let files = files(&d);
        let dir = dir(&d);
        let notes = &files[&format!("{dir}/templates/NOTES.txt")];
        assert!(
            notes.contains("helm get manifest {{ .Release.Name }} --namespace {{ .Release.Namespace }} | kubectl get -f -"),
            "{notes}"
        );
        assert!(!notes.contains("-l app.kubernetes.io/part-of"), "{notes}");
        let readme = &files[&format!("{dir}/README.md")];
        assert!(
            readme.contains("names none of the design's namespaces"),
            "{readme}"
        );
        let templates: Vec<_> = files
            .iter()
            .filter(|(path, _)| {
                path.starts_with(&format!("{dir}/templates/")) && path.ends_with(".yaml")
            })
            .collect();
        assert!(!templates.is_empty());
        for (path, text) in templates {
            // Installed into the release's namespace: none of the design's own is
            // written into a template.
            let own = text.lines().find(|l| {
                l.trim_start()
                    .strip_prefix("namespace: ")
                    .is_some_and(|ns| d.environments.iter().any(|e| e.namespace == ns))
            });
            assert_eq!(own, None, "{path}:\n{text}");
        }
    }
}

#[test]
fn the_chart_has_every_part() {
    let d = templates::connectum();
    let files = files(&d);
    let dir = dir(&d);
    for part in [
        "Chart.yaml",
        "values.yaml",
        "values.schema.json",
        ".helmignore",
        "README.md",
        "templates/_helpers.tpl",
        "templates/NOTES.txt",
    ] {
        assert!(files.contains_key(&format!("{dir}/{part}")), "{part}");
    }
    for env in &d.environments {
        assert!(files.contains_key(&format!("{dir}/values-{}.yaml", env.name)));
    }
    let chart = yaml_value(&files[&format!("{dir}/Chart.yaml")]);
    assert_eq!(chart["apiVersion"], "v2");
    assert_eq!(chart["name"], "connectum");
    assert!(
        files[&format!("{dir}/Chart.yaml")].contains("appVersion: \""),
        "appVersion is quoted"
    );
    let schema: Value = serde_json::from_str(&files[&format!("{dir}/values.schema.json")]).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let svc = &schema["properties"]["services"]["properties"]["order-service"]["properties"];
    assert_eq!(svc["enabled"]["type"], "boolean");
    assert_eq!(
        svc["autoscaling"]["properties"]["minReplicas"]["minimum"],
        1
    );
}

#[test]
fn a_policy_into_a_shared_environment_names_its_namespace_by_a_value() {
    let mut d = templates::connectum();
    for env in &mut d.environments {
        env.default_deny = true;
    }
    check(&d);
    let files = files(&d);
    let dir = dir(&d);
    let templates: String = object_templates(&files, &dir)
        .into_iter()
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(
        templates.contains("(index .Values \"namespaces\" \"observability\")"),
        "{templates}"
    );
    let values = yaml_value(&files[&format!("{dir}/values.yaml")]);
    assert_eq!(values["namespaces"]["observability"], "observability");
}

#[test]
fn a_literal_holding_template_braces_is_written_by_an_action() {
    let mut d = templates::stfc_fastapi();
    d.config_maps[0]
        .data
        .insert("GREETING".into(), "hello {{ .Values.name }}".into());
    d.services[0]
        .config
        .env
        .push(EnvVar::literal("TEMPLATE", "{{ x }}"));
    check(&d);
    let files = files(&d);
    let text: String = object_templates(&files, &dir(&d))
        .into_iter()
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(text.contains(r#"{{ "\"{{ x }}\"" }}"#), "{text}");
}

/// Every corpus of real-shaped manifests, imported alone and as two environments of one
/// design (as Kustomize overlays per environment are imported), renders each environment
/// exactly from the chart: kept objects, residuals, Jobs, CronJobs, DaemonSets, sidecars,
/// volumes, other namespaces.
#[test]
fn every_imported_corpus_chart_renders_each_environment_exactly() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut names: Vec<String> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() > 10);
    for f in &names {
        let text = std::fs::read_to_string(format!("{corpus}/{f}")).unwrap();
        check(&import::kubernetes(&text).design);
        let two = import::environments(&[("staging", &text), ("prod", &text)]).unwrap();
        check(&two.design);
    }
}

/// Helm reads values and rendered templates as YAML 1.1: a string it would take for a
/// bool or a number (`on`, `yes`, `1_000`) is written quoted, and still renders exactly.
#[test]
fn strings_a_yaml_1_1_reader_would_misread_are_quoted() {
    let mut d = templates::miniredis();
    d.config_maps[0].data.insert("FLAG".into(), "on".into());
    d.config_maps[0].data.insert("COUNT".into(), "1_000".into());
    d.services[0]
        .config
        .env
        .push(EnvVar::literal("ENABLED", "yes"));
    check(&d);
    let files = files(&d);
    let dir = dir(&d);
    let values = &files[&format!("{dir}/values.yaml")];
    assert!(
        values.contains("FLAG: 'on'") || values.contains("FLAG: \"on\""),
        "{values}"
    );
    assert!(
        values.contains("COUNT: '1_000'") || values.contains("COUNT: \"1_000\""),
        "{values}"
    );
    let text: String = object_templates(&files, &dir)
        .into_iter()
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(!text.contains("value: yes"), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    /// The same with the environments in any order: the base is then not the first
    /// environment, and may follow one that runs nothing of its own.
    #[test]
    fn random_designs_charts_render_each_environment_exactly_in_any_order(
        d in varied(),
        k in 0usize..4,
    ) {
        let mut d = d;
        let n = d.environments.len();
        d.environments.rotate_left(k % n);
        check(&d);
    }
}

/// Edits after a two-environment import (a tag and digest, an environment's tag, a
/// service switched off in one environment) reach the chart: each environment still
/// renders exactly, and values-prod.yaml says what changed.
#[test]
fn edits_after_an_import_follow_into_the_values_files() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let read = |f: &str| std::fs::read_to_string(format!("{corpus}/{f}")).unwrap();
    let mut d = import::environments(&[
        ("staging", &read("two-envs/staging.yaml")),
        ("prod", &read("two-envs/prod.yaml")),
    ])
    .unwrap()
    .design;
    let (api, last) = (d.services[0].clone(), d.services.last().unwrap().clone());
    let set = |d: &mut Design, path: FieldPath, value: Value| {
        d.apply(Edit::Set { path, value }).unwrap();
    };
    set(&mut d, FieldPath::service(api.id, "/tag"), json!("on"));
    set(
        &mut d,
        FieldPath::service(api.id, "/digest"),
        json!("sha256:abc"),
    );
    check(&d);
    let prod = |rest: &str| FieldPath::environment("prod", &format!("/overrides/{rest}"));
    set(
        &mut d,
        prod(&format!("{}/enabled", last.id.0)),
        json!(false),
    );
    set(
        &mut d,
        prod(&format!("{}/image_tag", api.id.0)),
        json!("2.0"),
    );
    check(&d);
    let files = files(&d);
    let dir = dir(&d);
    let base = yaml_value(&files[&format!("{dir}/values.yaml")]);
    let over = yaml_value(&files[&format!("{dir}/values-prod.yaml")]);
    assert_eq!(base["services"][&api.name]["image"]["tag"], "on");
    assert_eq!(base["services"][&api.name]["image"]["digest"], "sha256:abc");
    assert_eq!(over["services"][&api.name]["image"]["tag"], "2.0");
    assert_eq!(over["services"][&last.name]["enabled"], false);
}

/// The README's Values section lists what this chart's values hold, and nothing they
/// do not: each top-level key, each key of a service's values it has with the keys
/// that holds; whether pods restart on a config change as its templates say; which
/// workloads keep `replicas` beside their HPA; which templates no value switches off,
/// by file. (It listed `networkPolicies.enabled`, `ingress` and a checksum for every
/// chart, and said an HPA always owns the scale.)
#[test]
fn the_readme_lists_the_values_the_chart_has_and_no_other() {
    let mut designs: Vec<Design> = (templates::ALL.iter())
        .map(|t| templates::by_name(t.name).unwrap())
        .collect();
    designs.extend(imported_designs());
    // Replicas kept beside an HPA, as an import keeps them.
    let mut kept = templates::by_name("miniredis").unwrap();
    let gateway = kept.service_named("api-gateway").unwrap().id;
    kept.service_mut(gateway).unwrap().scaling.replicas_with_hpa = true;
    designs.push(kept);
    let (mut said_beside, mut unswitched, mut no_checksum) = (0, 0, 0);
    // (Read as words: a sentence may wrap anywhere.)
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for d in &designs {
        let files = files(d);
        let dir = dir(d);
        let readme = &files[&format!("{dir}/README.md")];
        let trees: Vec<Value> = (d.environments.iter())
            .map(|e| env_values(&files, &dir, &e.name))
            .collect();
        let has = |key: &str| trees.iter().any(|t| t.get(key).is_some());
        for (key, item) in [
            ("services", "- `services.<svc>`"),
            ("config", "- `config.<configmap>.<key>`"),
            ("secrets", "- `secrets.<name>.create`"),
            ("networkPolicies", "- `networkPolicies.enabled`"),
            ("namespaces", "- `namespaces.<env>`"),
            ("objects", "- `objects.<Kind>.<name>.<path>`"),
        ] {
            assert_eq!(
                readme.contains(item),
                has(key),
                "{}: {key}\n{readme}",
                d.name
            );
        }
        // The item ends at the next item or paragraph.
        let service_item: String = readme
            .split("- `services.<svc>`")
            .nth(1)
            .unwrap_or_default()
            .split("\n- ")
            .next()
            .and_then(|item| item.split("\n\n").next())
            .map(flat)
            .unwrap_or_default();
        let services: Vec<&serde_json::Map<String, Value>> = (trees.iter())
            .filter_map(|t| t.get("services")?.as_object())
            .flat_map(|s| s.values())
            .filter_map(Value::as_object)
            .collect();
        let has_key = |key: &str| services.iter().any(|s| s.contains_key(key));
        for key in [
            "ingress",
            "podDisruptionBudget",
            "autoscaling",
            "resources",
            "image",
        ] {
            assert_eq!(
                service_item.contains(&format!("`{key}")),
                has_key(key),
                "{}: {key} in {service_item}",
                d.name
            );
        }
        // What each holds, as its values hold it (an image pinned by digest has one).
        for (key, value) in services.iter().flat_map(|s| s.iter()) {
            for inner in value.as_object().into_iter().flat_map(|o| o.keys()) {
                assert!(
                    service_item.contains(&format!("`{inner}`"))
                        || service_item.contains(&format!("`{key}.{inner}`")),
                    "{}: {key}.{inner} in {service_item}",
                    d.name
                );
            }
        }
        let templates: Vec<(&String, &String)> = (files.iter())
            .filter(|(p, _)| p.starts_with(&format!("{dir}/templates/")) && p.ends_with(".yaml"))
            .collect();
        if has("config") {
            let checksum = templates.iter().any(|(_, t)| t.contains("checksum/config"));
            let said = flat(readme).contains("no pod carries a `checksum/config` annotation");
            assert_eq!(said, !checksum, "{}", d.name);
            no_checksum += usize::from(said);
        }
        // The workloads named as keeping their replicas beside the HPA: those whose
        // template writes `replicas` though their autoscaling is a switch.
        let clause = service_item
            .split("but for ")
            .nth(1)
            .and_then(|c| c.split(" whose workload keeps").next())
            .unwrap_or_default();
        for s in &d.services {
            let switched = services.iter().any(|v| {
                v.get("autoscaling")
                    .is_some_and(|a| a.get("enabled").is_some())
            });
            let beside = s.scaling.replicas_with_hpa && s.scaling.hpa.is_some() && switched;
            let named = clause.contains(&format!("`{}`", s.name));
            assert_eq!(named, beside, "{}: {} in {clause}", d.name, s.name);
            said_beside += usize::from(beside);
        }
        // Templates under no condition are listed, each by its file.
        let always: Vec<&str> = (templates.iter())
            .filter(|(_, t)| !t.starts_with("{{- if"))
            .map(|(p, _)| p.rsplit('/').next().unwrap())
            .collect();
        for file in &always {
            assert!(
                flat(readme).contains(&format!("`{file}`")),
                "{}: {file}",
                d.name
            );
        }
        let said = flat(readme).contains("No value switches these off");
        assert_eq!(said, !always.is_empty(), "{}", d.name);
        unswitched += usize::from(said);
    }
    assert!(said_beside > 0, "no design kept replicas beside an HPA");
    assert!(
        unswitched > 0,
        "no chart had a template no value switches off"
    );
    assert!(no_checksum > 0, "no chart lacked the checksum");
}

/// A pod's `checksum/config` in the chart is the sha256 of the ConfigMaps it reads as
/// the release renders them: a config value changed at install or upgrade (`-f`,
/// `--set config...`) changes it, which rolls the pods; another value does not.
#[test]
fn a_pods_checksum_is_of_the_config_maps_the_release_renders() {
    let d = templates::miniredis();
    let files = files(&d);
    let dir = dir(&d);
    // (Where api-gateway is a Deployment: prod rolls it out as a canary.)
    let env = d.environment("dev").unwrap().clone();
    let gateway = format!("{dir}/templates/deployment-api-gateway.yaml");
    assert!(
        files[&gateway].contains(
            "checksum/config: {{ quote (sha256sum (include (print $.Template.BasePath \"/configmap-miniredis-config.yaml\") $)) }}"
        ),
        "{}",
        files[&gateway]
    );
    let sum = |values: &Value| -> (String, String) {
        let eval = Eval {
            values,
            namespace: &env.namespace,
            files: &files,
            dir: &dir,
            cluster: &BTreeMap::new(),
        };
        let deployment = yaml_value(&eval.run(&files[&gateway]).unwrap());
        let config_map = eval
            .run(&files[&format!("{dir}/templates/configmap-miniredis-config.yaml")])
            .unwrap();
        let want = sha256_hex(&config_map);
        let got = deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
            .as_str()
            .unwrap()
            .to_string();
        (got, want)
    };
    let values = env_values(&files, &dir, &env.name);
    let (before, of_config) = sum(&values);
    assert_eq!(before, of_config);
    let mut tagged = values.clone();
    tagged["services"]["api-gateway"]["image"]["tag"] = json!("9.9.9");
    assert_eq!(sum(&tagged).0, before);
    let mut configured = values.clone();
    let key = configured["config"]["miniredis-config"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("a key of miniredis-config");
    configured["config"]["miniredis-config"][&key] = json!("changed");
    let (after, of_config) = sum(&configured);
    assert_eq!(after, of_config);
    assert_ne!(after, before);
}

/// Chart.yaml's appVersion is the release most services run, not the first service's
/// (a database listed first keeps its own version).
#[test]
fn the_app_version_is_the_tag_most_services_run() {
    let mut d = templates::miniredis();
    let base = d.environments[0].clone();
    let deployed: Vec<ServiceId> = (d.services.iter())
        .filter(|s| base.deploys(s.id))
        .map(|s| s.id)
        .collect();
    for (i, id) in deployed.iter().enumerate() {
        d.service_mut(*id).unwrap().tag = if i == 0 { "16.4" } else { "2.7.0" }.into();
    }
    let chart_yaml = |d: &Design| files(d)[&format!("{}/Chart.yaml", dir(d))].clone();
    assert!(
        chart_yaml(&d).contains("appVersion: \"2.7.0\""),
        "{}",
        chart_yaml(&d)
    );
}

/// A pod that also reads a ConfigMap the chart does not write (one made elsewhere)
/// keeps the checksum Kubeprint computed, and the README says it is not rolled.
#[test]
fn a_pod_reading_a_config_map_outside_the_chart_keeps_its_checksum_and_says_so() {
    let mut d = templates::stfc_fastapi();
    let readme = |d: &Design| {
        let text = &files(d)[&format!("{}/README.md", dir(d))];
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(
        !readme(&d).contains("keeps the checksum Kubeprint computed"),
        "{}",
        readme(&d)
    );
    let api = d.service_named("fastapi-app").unwrap().id;
    (d.service_mut(api).unwrap().config.env_from)
        .push(EnvFrom::ConfigMap("cluster-wide-settings".into()));
    let files = files(&d);
    let deployment = &files[&format!("{}/templates/deployment-fastapi-app.yaml", dir(&d))];
    let line = (deployment.lines())
        .find(|l| l.contains("checksum/config:"))
        .expect("a checksum");
    assert!(!line.contains("{{"), "{line}");
    assert!(
        readme(&d).contains("a pod that also reads a ConfigMap this chart does not write keeps the checksum Kubeprint computed"),
        "{}",
        readme(&d)
    );
}
