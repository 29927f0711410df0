//! Gateway API (`gateway.networking.k8s.io/v1`): `Gateway`, `HTTPRoute` and `GRPCRoute`,
//! with the fields Kubeprint writes and reads by name; every other member is kept in
//! `rest`, or at the top of an object in `other` (see [`crate::crd`]). Field names and optionality follow the v1 CRDs (Gateway
//! API v1.1 and later, where GRPCRoute is v1).

use super::custom_resource;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Members a struct does not name, kept as they are.
type Rest = Map<String, Value>;

custom_resource!(
    /// A Gateway: listeners (protocol, port, hostname, TLS) that a class of load balancer
    /// implements, and which routes may attach to them.
    Gateway,
    GatewaySpec,
    group: "gateway.networking.k8s.io",
    version: "v1",
    plural: "gateways"
);

custom_resource!(
    /// An HTTPRoute: HTTP requests matched by host, path (and more) sent to weighted
    /// backends.
    HTTPRoute,
    HTTPRouteSpec,
    group: "gateway.networking.k8s.io",
    version: "v1",
    plural: "httproutes"
);

custom_resource!(
    /// A GRPCRoute: gRPC calls matched by host and method sent to weighted backends.
    GRPCRoute,
    GRPCRouteSpec,
    group: "gateway.networking.k8s.io",
    version: "v1",
    plural: "grpcroutes"
);

/// `Gateway.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// The GatewayClass that implements it (`eg` for Envoy Gateway's quickstart class).
    #[serde(default)]
    pub gateway_class_name: String,
    /// Its listeners (at least one).
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// Other members (addresses, infrastructure, ...).
    #[serde(flatten)]
    pub rest: Rest,
}

/// One listener of a Gateway.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// Its name, which routes name as `sectionName`.
    #[serde(default)]
    pub name: String,
    /// The host names it accepts (`*.example.com` is a wildcard); none accepts all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The port it listens on.
    #[serde(default)]
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`.
    #[serde(default)]
    pub protocol: String,
    /// TLS settings (HTTPS and TLS listeners).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
    /// Which routes may attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_routes: Option<AllowedRoutes>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// `Listener.tls`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    /// `Terminate` (the default) or `Passthrough`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The Secrets holding the certificate and key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_refs: Option<Vec<SecretRef>>,
    /// Other members (options, ...).
    #[serde(flatten)]
    pub rest: Rest,
}

/// A reference to a Secret (`certificateRefs` item).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    /// The Secret's name.
    #[serde(default)]
    pub name: String,
    /// Its namespace, when not the Gateway's (needs a ReferenceGrant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Other members (group, kind).
    #[serde(flatten)]
    pub rest: Rest,
}

/// `Listener.allowedRoutes`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowedRoutes {
    /// The namespaces routes may come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<RouteNamespaces>,
    /// Other members (kinds).
    #[serde(flatten)]
    pub rest: Rest,
}

/// `allowedRoutes.namespaces`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteNamespaces {
    /// `Same` (the default), `All` or `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The namespaces' labels, with `from: Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// `HTTPRoute.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteSpec {
    /// The Gateways (and listeners) it attaches to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// The host names it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<String>>,
    /// Its rules, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<HTTPRouteRule>>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// `GRPCRoute.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GRPCRouteSpec {
    /// The Gateways (and listeners) it attaches to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_refs: Option<Vec<ParentRef>>,
    /// The host names it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<Vec<String>>,
    /// Its rules, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<GRPCRouteRule>>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// A `parentRefs` item: a Gateway, and optionally one of its listeners.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRef {
    /// The Gateway's name.
    #[serde(default)]
    pub name: String,
    /// Its namespace, when not the route's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The listener's name; none attaches to every listener that admits the route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// Other members (group, kind, port).
    #[serde(flatten)]
    pub rest: Rest,
}

/// One rule of an HTTPRoute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteRule {
    /// Any of these selects the rule; none matches every request (prefix `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<HTTPRouteMatch>>,
    /// Where matching requests go, by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<BackendRef>>,
    /// How long a request may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<HTTPRouteTimeouts>,
    /// Other members (filters, name, retry, ...).
    #[serde(flatten)]
    pub rest: Rest,
}

/// One match of an HTTPRoute rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteMatch {
    /// The path match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<HTTPPathMatch>,
    /// Other members (headers, queryParams, method).
    #[serde(flatten)]
    pub rest: Rest,
}

/// `matches[].path`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPPathMatch {
    /// `PathPrefix` (the default), `Exact` or `RegularExpression`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// `rules[].timeouts` of an HTTPRoute: Gateway API durations (`10s`, `1m30s`, `500ms`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteTimeouts {
    /// From the client's request to the response, retries included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// One try from the gateway to a backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_request: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// One rule of a GRPCRoute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GRPCRouteRule {
    /// Any of these selects the rule; none matches every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<GRPCRouteMatch>>,
    /// Where matching calls go, by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_refs: Option<Vec<BackendRef>>,
    /// Other members (filters, name, sessionPersistence).
    #[serde(flatten)]
    pub rest: Rest,
}

/// One match of a GRPCRoute rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GRPCRouteMatch {
    /// The method match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<GRPCMethodMatch>,
    /// Other members (headers).
    #[serde(flatten)]
    pub rest: Rest,
}

/// `matches[].method`: `service` is the fully qualified gRPC service
/// (`acme.orders.v1.OrderService`), `method` one of its methods; either may be left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GRPCMethodMatch {
    /// `Exact` (the default) or `RegularExpression`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub rest: Rest,
}

/// A `backendRefs` item: a Service (by default) and its port number, with a weight.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendRef {
    /// The Service's name.
    #[serde(default)]
    pub name: String,
    /// Its namespace, when not the route's (needs a ReferenceGrant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The Service port's number (a Service backend needs one; names are not allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Its share of the rule's traffic; the API's default is 1, and 0 sends it nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    /// Other members (group, kind, filters).
    #[serde(flatten)]
    pub rest: Rest,
}
