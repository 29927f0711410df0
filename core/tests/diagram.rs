//! The diagram export: what it shows (miniredis in detail, every template in every
//! environment), that its SVG is well-formed XML (read back by an XML parser, every
//! text as the design wrote it), that nothing overlaps, and that text from the design
//! cannot break either format.

use kubeprint_core::diagram::{diagram, Diagram, DiagramError, NodeKind};
use kubeprint_core::layout::{label_size, Rect};
use kubeprint_core::model::{IngressRoute, Override};
use kubeprint_core::{templates, Design};

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.overlaps(b)
}

fn inside(a: &Rect, outer: &Rect) -> bool {
    a.x >= outer.x
        && a.y >= outer.y
        && a.x + a.w <= outer.x + outer.w
        && a.y + a.h <= outer.y + outer.h
}

/// Every text of the SVG's `<text>` elements, unescaped by an XML parser (which also
/// refuses a document that is not well-formed).
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    root.descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

/// The geometry laws: nodes apart and inside their frame and the picture, frames
/// apart, every arrow between two drawn nodes.
fn check_geometry(d: &Diagram) {
    let picture = Rect {
        x: 0.0,
        y: 0.0,
        w: d.width,
        h: d.height,
    };
    for (i, a) in d.nodes.iter().enumerate() {
        assert!(
            inside(&a.rect, &d.frames[a.frame].rect),
            "{} outside its frame",
            a.name
        );
        for b in &d.nodes[i + 1..] {
            assert!(!overlaps(&a.rect, &b.rect), "{} covers {}", a.name, b.name);
        }
    }
    for (i, a) in d.frames.iter().enumerate() {
        assert!(inside(&a.rect, &picture), "frame {} outside", a.title);
        for b in &d.frames[i + 1..] {
            assert!(!overlaps(&a.rect, &b.rect));
        }
    }
    for l in &d.links {
        for key in [&l.from, &l.to] {
            assert!(d.nodes.iter().any(|n| &n.key == key), "arrow to {key}");
        }
    }
}

#[test]
fn miniredis_prod_shows_services_ports_calls_entries_and_what_it_leaves_out() {
    let design = templates::miniredis();
    let d = diagram(&design, "prod").unwrap();
    assert_eq!(d.frames.len(), 1);
    assert_eq!(d.frames[0].namespace, "miniredis-prod");
    // Every service prod runs, with its kind, component and Service port.
    let node = |name: &str| {
        d.nodes
            .iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("{name} not drawn"))
    };
    let pg = node("postgres-main");
    assert_eq!(
        pg.lines,
        ["StatefulSet · database", "1 replica", "postgres 5432"]
    );
    assert_eq!(node("api-gateway").lines[2], "http 8080");
    assert!(node("postgres-main-backup").lines[0].starts_with("CronJob"));
    // The restore test is off in prod: not drawn, and said so.
    assert!(d
        .nodes
        .iter()
        .all(|n| n.name != "postgres-main-restore-test"));
    assert_eq!(d.notes, ["Not in prod: postgres-main-restore-test."]);
    // Each Ingress is an entry with its host, arrowing into its service.
    let entries: Vec<_> = d
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Entry)
        .collect();
    assert_eq!(entries.len(), 2);
    for (host, to) in [
        ("miniredis.example.com/", "frontend"),
        ("api.miniredis.example.com/", "api-gateway"),
    ] {
        let e = entries.iter().find(|e| e.lines[0] == host).unwrap();
        assert_eq!(e.name, "Ingress");
        assert_eq!(e.lines[1], "HTTPS (TLS)");
        let link = d.links.iter().find(|l| l.from == e.key).unwrap();
        assert_eq!(link.to, node(to).key);
    }
    // Every edge of the design, labelled with the port it calls, by name and number.
    for e in &design.edges {
        let (from, to) = (
            design.service(e.from).unwrap(),
            design.service(e.to).unwrap(),
        );
        if from.name == "postgres-main-restore-test" {
            continue;
        }
        let link = d
            .links
            .iter()
            .find(|l| l.from == node(&from.name).key && l.to == node(&to.name).key)
            .unwrap_or_else(|| panic!("{} -> {} not drawn", from.name, to.name));
        let number = to.service_port(&e.port).unwrap().port;
        assert_eq!(link.label, format!("{} :{number}", e.port));
        assert!(!link.crossing);
    }
    check_geometry(&d);
    // Legible: no label covers a node.
    for l in &d.links {
        let (w, h) = label_size(&l.label);
        let r = Rect {
            x: l.label_at.0 - w / 2.0,
            y: l.label_at.1 - h / 2.0,
            w,
            h,
        };
        for n in &d.nodes {
            assert!(!r.overlaps(&n.rect), "label {} covers {}", l.label, n.name);
        }
    }
    // The SVG says all of it, as text a reader (and a search) finds.
    let texts = svg_texts(&d.svg());
    for n in &d.nodes {
        assert!(texts.contains(&n.name), "{} missing", n.name);
        for line in &n.lines {
            assert!(texts.contains(line), "{line} missing");
        }
    }
    for l in &d.links {
        assert!(texts.contains(&l.label));
    }
    assert!(texts.contains(&"namespace miniredis-prod · environment prod".to_string()));
    assert!(texts.contains(&"miniredis: environment prod".to_string()));
    // And Mermaid the same topology.
    let m = d.mermaid();
    assert!(m.contains("flowchart LR\n"));
    assert!(m.contains(
        "subgraph ns0[\"namespace miniredis-prod · environment prod\"]\n    direction LR\n"
    ));
    assert!(m.contains("[\"component database\"]"));
    assert!(m.contains("([\"Ingress<br/>miniredis.example.com/<br/>HTTPS (TLS)\"])"));
    for l in &d.links {
        assert!(m.contains(&format!("  {} -->|\"{}\"| {}\n", l.from, l.label, l.to)));
    }
}

#[test]
fn an_edge_into_a_shared_environment_crosses_into_its_namespace_frame() {
    let design = templates::connectum();
    let d = diagram(&design, "prod").unwrap();
    let titles: Vec<_> = d.frames.iter().map(|f| f.namespace.as_str()).collect();
    assert_eq!(titles, ["connectum", "observability"]);
    let collector = d.nodes.iter().find(|n| n.name == "otel-collector").unwrap();
    assert_eq!(collector.frame, 1);
    let link = d.links.iter().find(|l| l.to == collector.key).unwrap();
    assert!(link.crossing);
    assert_eq!(link.label, "otlp-grpc :4317");
    // The label sits between the two frames, covering neither.
    let (w, h) = label_size(&link.label);
    let r = Rect {
        x: link.label_at.0 - w / 2.0,
        y: link.label_at.1 - h / 2.0,
        w,
        h,
    };
    assert!(d.frames.iter().all(|f| !r.overlaps(&f.rect)));
    assert!(d.svg().contains("stroke-dasharray=\"7 4\""));
    assert!(d
        .mermaid()
        .contains(&format!("-.->|\"otlp-grpc :4317\"| {}", collector.key)));
    check_geometry(&d);
    // The load balancer is the way in.
    let lb = d.nodes.iter().find(|n| n.name == "LoadBalancer").unwrap();
    assert_eq!(lb.kind, NodeKind::Entry);
}

#[test]
fn every_template_in_every_environment_draws_well_formed_and_apart() {
    for t in templates::ALL {
        let design = (t.build)();
        for env in &design.environments {
            let d = diagram(&design, &env.name).unwrap();
            check_geometry(&d);
            let services = design.services.iter().filter(|s| env.deploys(s.id)).count();
            let drawn = d
                .nodes
                .iter()
                .filter(|n| n.frame == 0 && matches!(n.kind, NodeKind::Service { .. }))
                .count();
            assert_eq!(drawn, services, "{} {}", t.name, env.name);
            let svg = d.svg();
            let texts = svg_texts(&svg);
            for n in &d.nodes {
                assert!(
                    texts.contains(&n.name),
                    "{} {}: {}",
                    t.name,
                    env.name,
                    n.name
                );
            }
            let m = d.mermaid();
            assert_eq!(
                m.matches("subgraph").count(),
                m.matches("\n  end\n").count() + m.matches("\n    end\n").count()
            );
            for n in &d.nodes {
                assert!(m.contains(&format!("{}[", n.key)) || m.contains(&format!("{}([", n.key)));
            }
        }
    }
}

#[test]
fn a_design_at_scale_stays_apart() {
    let design = templates::scaled(60);
    let env = kubeprint_core::presets::default_environment(&design);
    let d = diagram(&design, &env).unwrap();
    assert_eq!(
        d.nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Service { .. }))
            .count(),
        design
            .services
            .iter()
            .filter(|s| design.environment(&env).unwrap().deploys(s.id))
            .count()
    );
    check_geometry(&d);
}

/// A design whose every text is hostile to XML and to Mermaid.
fn hostile() -> Design {
    let mut d = templates::miniredis();
    d.name = "a\"b <c> & 'd' --> %% #x |y| `z`\nnext".into();
    let s = d
        .services
        .iter_mut()
        .find(|s| s.name == "frontend")
        .unwrap();
    s.name = "front<end>&\"x\"".into();
    s.component = "]]> </text><script>alert(1)</script> \" end".into();
    s.exposure.ingress = Some(IngressRoute {
        host: "a&b.example.com\"><x".into(),
        path: "/#|\"".into(),
        port: "http".into(),
        tls: false,
        tls_secret: None,
    });
    let id = s.id;
    let e = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    e.namespace = "ns\"<>&".into();
    e.overrides.insert(id, Override::default());
    d
}

#[test]
fn text_from_the_design_cannot_break_the_svg_or_the_mermaid() {
    let design = hostile();
    let d = diagram(&design, "prod").unwrap();
    let svg = d.svg();
    let texts = svg_texts(&svg);
    // The XML parser reads back exactly what the design says.
    assert!(texts.contains(&"front<end>&\"x\"".to_string()));
    assert!(texts.contains(&"Deployment · ]]> </text><script>alert(1)</script> \" end".to_string()));
    assert!(texts.contains(&"a&b.example.com\"><x/#|\"".to_string()));
    assert!(texts.contains(&"namespace ns\"<>& · environment prod".to_string()));
    // The line break of the name is a space: XML keeps it, but a title is one line.
    assert!(texts.contains(&"a\"b <c> & 'd' --> %% #x |y| `z` next: environment prod".to_string()));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));

    let m = d.mermaid();
    // One comment line for the name: the line break cannot start a statement.
    assert!(m.starts_with("%% a#quot;b #lt;c#gt; #amp; 'd' --#gt; %% #35;x #124;y#124; #96;z#96; next: environment prod, drawn by Kubeprint\nflowchart LR\n"));
    // No label holds a quote, an angle bracket, a pipe or a backtick of the design's.
    for line in m.lines().filter(|l| !l.trim_start().starts_with("%%")) {
        for (open, close) in [("[\"", "\"]"), ("|\"", "\"|")] {
            if let (Some(a), Some(b)) = (line.find(open), line.rfind(close)) {
                let inner = &line[a + 2..b];
                let stripped = inner
                    .replace("<br/>", "")
                    .replace("<b>", "")
                    .replace("</b>", "");
                for bad in ['"', '<', '>', '|', '`'] {
                    assert!(!stripped.contains(bad), "{bad} in {line}");
                }
            }
        }
    }
    assert!(m.contains("front#lt;end#gt;#amp;#quot;x#quot;"));
    assert!(m.contains("a#amp;b.example.com#quot;#gt;#lt;x/#35;#124;#quot;"));
}

#[test]
fn an_unknown_environment_is_refused_with_the_known_ones() {
    let e = diagram(&templates::miniredis(), "qa").unwrap_err();
    assert_eq!(
        e,
        DiagramError::UnknownEnvironment {
            name: "qa".into(),
            known: "dev, staging, prod".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "the design has no environment `qa`; its environments are: dev, staging, prod"
    );
    let none = Design {
        environments: Vec::new(),
        ..Design::default()
    };
    let e = diagram(&none, "prod").unwrap_err();
    assert!(e.to_string().ends_with("none (add one first)"), "{e}");
}

/// An Ingress the import kept whole (one routing two services by path, as charts
/// write it) is a way in like a modelled one: an entry box per path, arrowing into the
/// service it sends to, with its host, path and TLS; the inspector says so too.
#[test]
fn an_ingress_kept_whole_is_drawn_as_the_entries_it_routes() {
    let mut design = templates::miniredis();
    for s in &mut design.services {
        s.exposure.ingress = None;
    }
    let ingress = serde_json::json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "storefront"},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
            "rules": [{"host": "shop.example.com", "http": {"paths": [
                {"path": "/api", "pathType": "Prefix",
                 "backend": {"service": {"name": "api-gateway", "port": {"name": "http"}}}},
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": "frontend", "port": {"number": 80}}}}
            ]}}]
        }
    });
    design
        .extra_objects
        .push(kubeprint_core::KeptObject(ingress));
    let d = diagram(&design, "prod").unwrap();
    let entries: Vec<_> = (d.nodes.iter())
        .filter(|n| n.kind == NodeKind::Entry)
        .collect();
    assert_eq!(entries.len(), 2, "{entries:#?}");
    let node = |name: &str| d.nodes.iter().find(|n| n.name == name).unwrap();
    for (path, to, label) in [
        ("shop.example.com/api", "api-gateway", "http :8080"),
        ("shop.example.com/", "frontend", ":80"),
    ] {
        let e = entries.iter().find(|e| e.lines[0] == path).unwrap();
        assert_eq!(e.name, "Ingress storefront");
        assert_eq!(e.lines[1], "HTTPS (TLS)");
        let link = d.links.iter().find(|l| l.from == e.key).unwrap();
        assert_eq!(
            (link.to.as_str(), link.label.as_str()),
            (node(to).key.as_str(), label)
        );
    }
    let prod = design.environment("prod").unwrap();
    let api = design.service_named("api-gateway").unwrap();
    assert_eq!(
        kubeprint_core::presets::kept_routes_note(&design, prod, api).as_deref(),
        Some(
            "Reached through Ingress storefront: shop.example.com/api, port http, TLS \
             (kept whole from the import; its YAML is on the config page {})."
        )
    );
}
