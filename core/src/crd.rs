//! Custom resources: kinds of API groups outside Kubernetes itself, which k8s-openapi
//! does not have. One file per API group. Each kind is a plain serde struct that
//! implements k8s-openapi's `Resource` and `Metadata` traits, so code reads its kind,
//! apiVersion and metadata as it does for the built-in kinds, and reuses k8s-openapi's
//! types inside (`ObjectMeta`, ...).

pub mod argocd;
