//! The labels a Kustomize overlay puts on every object of its environment (`labels:`,
//! `commonLabels:`), found by comparing the environments' inputs: what every object of
//! one environment carries alike, where the environments differ in it (its value, how
//! far it reaches, or whether they carry it at all). Merged into
//! [`crate::model::Environment::common_labels`] instead of each object's residual, so
//! that the environments' objects are alike again and merge.

use super::Inputs;
use crate::model::{CommonLabels, Design, LabelReach};
use crate::render::OWN_LABELS;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

type Labels = BTreeMap<String, String>;

/// The workload kinds whose pod template and selector an overlay's labels reach.
const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Rollout"];

/// One environment's input objects, as JSON: the modelled ones and those kept whole.
pub(super) fn objects(inputs: &Inputs, design: &Design) -> Vec<Value> {
    let modelled = (inputs.0.keys()).filter_map(|key| inputs.get(key));
    let kept = (design.extra_objects.iter()).map(|k| k.0.clone());
    let pinned = (design.pinned_objects.iter()).map(|k| k.0.clone());
    modelled.chain(kept).chain(pinned).collect()
}

/// The common labels of each environment, `inputs[i]` being environment `i`'s objects.
/// A label is an environment's when every object of it carries the label with one value,
/// and each other environment carries it the same way or not at all (an overlay's
/// `labels:` entry), unless every environment carries it alike, just as far (the
/// system's own label, left to each object's residual). Labels Kubeprint writes itself
/// never are. How far an environment's labels reach (pod templates, selectors) is as
/// far as every workload shows all of them.
pub(super) fn common_labels(inputs: &[Vec<Value>]) -> Vec<CommonLabels> {
    let on_every: Vec<Labels> = inputs.iter().map(|objects| on_every(objects)).collect();
    let carried_by_none = |objects: &[Value], key: &str| {
        (objects.iter()).all(|o| {
            o.pointer("/metadata/labels")
                .and_then(|l| l.get(key))
                .is_none()
        })
    };
    let keys: BTreeSet<&String> = (on_every.iter().flat_map(|l| l.keys()))
        .filter(|k| !OWN_LABELS.contains(&k.as_str()))
        .filter(|k| {
            (inputs.iter().zip(&on_every)).all(|(o, l)| l.contains_key(*k) || carried_by_none(o, k))
        })
        .collect();
    // Each key, as each environment carries it: its value and how far it reaches.
    let carried: Vec<BTreeMap<&String, (&String, LabelReach)>> = (inputs.iter().zip(&on_every))
        .map(|(objects, labels)| {
            (keys.iter().copied())
                .filter_map(|k| {
                    let v = labels.get(k)?;
                    Some((
                        k,
                        (v, reach(objects, &Labels::from([(k.clone(), v.clone())]))),
                    ))
                })
                .collect()
        })
        .collect();
    let own = |k: &String| {
        let first = carried.first().and_then(|c| c.get(k));
        inputs.len() < 2 || (carried.iter()).all(|c| first.is_some() && c.get(k) == first)
    };
    (inputs.iter().zip(&carried))
        .map(|(objects, carried)| {
            let labels: Labels = (carried.iter())
                .filter(|(k, _)| !own(k))
                .map(|(k, (v, _))| ((*k).clone(), (*v).clone()))
                .collect();
            let reach = reach(objects, &labels);
            CommonLabels { labels, reach }
        })
        .collect()
}

/// The labels every one of `objects` carries, with the same value.
fn on_every(objects: &[Value]) -> Labels {
    let mut each = objects.iter().map(|o| labels_at(o, "/metadata/labels"));
    let Some(mut common) = each.next() else {
        return Labels::new();
    };
    for labels in each {
        common.retain(|k, v| labels.get(k) == Some(v));
    }
    common
}

fn labels_at(object: &Value, pointer: &str) -> Labels {
    (object.pointer(pointer).and_then(Value::as_object))
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn has_all(map: &Labels, labels: &Labels) -> bool {
    labels.iter().all(|(k, v)| map.get(k) == Some(v))
}

/// How far `labels` reach into `objects`: into the selectors when every workload's
/// selector and every Service's selector has them, into the pods when every workload's
/// pod template has them, else the objects' own labels only.
fn reach(objects: &[Value], labels: &Labels) -> LabelReach {
    let kind = |o: &Value| o["kind"].as_str().unwrap_or_default().to_string();
    let workloads: Vec<&Value> = (objects.iter())
        .filter(|o| WORKLOADS.contains(&kind(o).as_str()))
        .collect();
    let cron_jobs: Vec<&Value> = objects.iter().filter(|o| kind(o) == "CronJob").collect();
    let jobs: Vec<&Value> = objects.iter().filter(|o| kind(o) == "Job").collect();
    if labels.is_empty() || workloads.len() + cron_jobs.len() + jobs.len() == 0 {
        return LabelReach::Objects;
    }
    let pods = (workloads.iter().chain(&jobs))
        .all(|w| has_all(&labels_at(w, "/spec/template/metadata/labels"), labels))
        && (cron_jobs.iter()).all(|c| {
            has_all(
                &labels_at(c, "/spec/jobTemplate/spec/template/metadata/labels"),
                labels,
            )
        });
    if !pods {
        return LabelReach::Objects;
    }
    let services =
        (objects.iter()).filter(|o| kind(o) == "Service" && o["spec"]["selector"].is_object());
    let selectors = !workloads.is_empty()
        && (workloads.iter()).all(|w| has_all(&labels_at(w, "/spec/selector/matchLabels"), labels))
        && services
            .into_iter()
            .all(|s| has_all(&labels_at(s, "/spec/selector"), labels));
    if selectors {
        LabelReach::Selectors
    } else {
        LabelReach::Pods
    }
}

/// Takes `common` out of what `design` (one environment's import, before its residuals)
/// holds of its input's labels: the objects kept whole, and with selectors, the
/// services' selectors. The environment renders them again ([`CommonLabels`]).
pub(super) fn take_out(design: &mut Design, common: &CommonLabels) {
    if common.is_empty() {
        return;
    }
    let kept = (design.extra_objects.iter_mut()).chain(design.pinned_objects.iter_mut());
    for k in kept {
        let Some(labels) =
            k.0.pointer_mut("/metadata/labels")
                .and_then(Value::as_object_mut)
        else {
            continue;
        };
        labels.retain(|key, v| common.labels.get(key).map(String::as_str) != v.as_str());
        if labels.is_empty() {
            if let Some(meta) = k.0["metadata"].as_object_mut() {
                meta.remove("labels");
            }
        }
    }
    if common.in_selectors() {
        for s in &mut design.services {
            s.selector
                .retain(|key, v| common.labels.get(key) != Some(v));
        }
    }
}

/// What an environment's common labels merged, in the words of the import's report.
pub(super) fn describe(common: &CommonLabels) -> Option<String> {
    if common.is_empty() {
        return None;
    }
    let pairs: Vec<String> = (common.labels.iter())
        .map(|(k, v)| format!("`{k}: {v}`"))
        .collect();
    let reach = match common.reach {
        LabelReach::Objects => "",
        LabelReach::Pods => ", pods included",
        LabelReach::Selectors => ", pods and selectors included",
    };
    Some(format!(
        "labels on every object{reach}: {}",
        pairs.join(", ")
    ))
}
