//! The monitoring profile's files, checked offline (Grafana cannot run on these machines: no
//! package or image of it can be had here; students' compose pulls `grafana/grafana`):
//! - Grafana's provisioning, against its documented format (apiVersion 1): one Prometheus data
//!   source at `http://prometheus:9090` (never localhost: inside Grafana's container that is
//!   Grafana), a file provider whose path is where compose mounts the dashboards;
//! - the dashboard: every panel queries that data source, and every metric its queries name is
//!   one the services export (no panel on a metric that does not exist; the compose phase
//!   runs each query against a real Prometheus);
//! - Prometheus' configuration scrapes each service by its compose name and port, and the host
//!   through host.docker.internal; compose publishes Grafana on 3030 (its 3000 is the
//!   frontend's on the host).

use std::collections::BTreeSet;
use std::path::Path;

use e2e::workspace_root;
use network_map::paths::{self, Platform, Source, Target};
use serde_yaml::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace_root().join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The metric names the services record (`counter!("…"` / `histogram!("…"` in their
/// sources), with a histogram's `_bucket`, `_sum` and `_count` series, and Prometheus' `up`.
fn exported_metrics() -> BTreeSet<String> {
    fn walk(dir: &Path, into: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, into);
            } else if p.extension().is_some_and(|e| e == "rs") {
                into.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut sources = vec![];
    for krate in [
        "service-kit",
        "mongo-kit",
        "backend",
        "favorites",
        "frontend",
    ] {
        walk(&workspace_root().join(krate).join("src"), &mut sources);
    }
    let mut names = BTreeSet::from(["up".to_owned()]);
    for text in sources {
        for (kind, suffixes) in [
            ("counter!(\"", &[""][..]),
            ("histogram!(\"", &["_bucket", "_sum", "_count"][..]),
        ] {
            for (i, _) in text.match_indices(kind) {
                let rest = &text[i + kind.len()..];
                let name: String = rest.chars().take_while(|c| *c != '"').collect();
                for s in suffixes {
                    names.insert(format!("{name}{s}"));
                }
            }
        }
    }
    names
}

/// The metric names a PromQL expression uses: identifiers followed by `{` or `[`, or bare
/// ones that are not functions, keywords or label names.
fn metrics_in(expr: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut in_braces = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '{' {
            in_braces = true;
        } else if c == '}' {
            in_braces = false;
        } else if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                i += 1;
            }
        } else if c.is_ascii_digit() {
            // a number or a duration (0.95, 1m, 5s): not a name
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '.') {
                i += 1;
            }
            continue;
        } else if (c.is_ascii_alphabetic() || c == '_') && !in_braces {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '_') {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            let next = bytes[i..].iter().find(|c| !c.is_whitespace()).copied();
            // keywords, and the aggregation operators (which may take `by (...)` before their
            // parenthesis)
            let keyword = [
                "by",
                "without",
                "or",
                "and",
                "unless",
                "on",
                "ignoring",
                "sum",
                "avg",
                "min",
                "max",
                "count",
                "group",
                "stddev",
                "stdvar",
                "topk",
                "bottomk",
                "quantile",
                "count_values",
            ]
            .contains(&word.as_str());
            if !keyword && next != Some('(') && !word.is_empty() {
                out.insert(word);
            }
            continue;
        }
        i += 1;
    }
    // the labels of `by (...)` clauses
    out.retain(|w| !["le", "job", "outcome", "route", "status", "instance"].contains(&w.as_str()));
    out
}

#[test]
fn grafanas_data_source_is_prometheus_by_its_service_name() {
    let ds = yaml("monitoring/grafana/provisioning/datasources/prometheus.yml");
    assert_eq!(ds["apiVersion"].as_u64(), Some(1));
    let list = ds["datasources"]
        .as_sequence()
        .expect("datasources: a list");
    assert_eq!(list.len(), 1, "{list:?}");
    let p = &list[0];
    for key in ["name", "uid", "type", "access", "url"] {
        assert!(p[key].is_string(), "datasource.{key} is missing");
    }
    assert_eq!(p["type"].as_str(), Some("prometheus"));
    assert_eq!(
        p["access"].as_str(),
        Some("proxy"),
        "the Grafana server asks, not the browser"
    );
    assert_eq!(p["url"].as_str(), Some("http://prometheus:9090"));
    assert_eq!(p["isDefault"].as_bool(), Some(true));
}

#[test]
fn the_dashboard_provider_reads_where_compose_mounts_the_dashboards() {
    let prov = yaml("monitoring/grafana/provisioning/dashboards/stack.yml");
    assert_eq!(prov["apiVersion"].as_u64(), Some(1));
    let p = &prov["providers"].as_sequence().expect("providers: a list")[0];
    assert_eq!(p["type"].as_str(), Some("file"));
    assert!(p["name"].is_string());
    let path = p["options"]["path"].as_str().expect("options.path");
    let compose = yaml("docker-compose.yml");
    let grafana = &compose["services"]["grafana"];
    assert_eq!(grafana["profiles"][0].as_str(), Some("monitoring"));
    let mounts: Vec<&str> = grafana["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        mounts.contains(&format!("./monitoring/grafana/dashboards:{path}:ro").as_str()),
        "{mounts:?}"
    );
    assert!(
        mounts.contains(&"./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro"),
        "{mounts:?}"
    );
    let ports: Vec<&str> = grafana["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        ports,
        ["${GRAFANA_PORT:-3030}:3000"],
        "Grafana on the host's 3030"
    );
}

#[test]
fn every_dashboard_panel_queries_prometheus_for_metrics_that_exist() {
    let text =
        std::fs::read_to_string(workspace_root().join("monitoring/grafana/dashboards/stack.json"))
            .unwrap();
    let dash: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in ["uid", "title"] {
        assert!(dash[key].is_string(), "{key}");
    }
    assert!(dash["schemaVersion"].is_u64());
    let known = exported_metrics();
    assert!(known.contains("http_requests_total"), "{known:?}");
    let panels = dash["panels"].as_array().expect("panels");
    assert!(panels.len() >= 6);
    let mut ids = BTreeSet::new();
    for panel in panels {
        let title = panel["title"].as_str().expect("a panel's title");
        assert!(
            ids.insert(panel["id"].as_u64().expect("id")),
            "{title}: id twice"
        );
        for k in ["x", "y", "w", "h"] {
            assert!(panel["gridPos"][k].is_u64(), "{title}: gridPos.{k}");
        }
        assert_eq!(panel["datasource"]["uid"], "prometheus", "{title}");
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{title}");
        for t in targets {
            let expr = t["expr"].as_str().expect("expr");
            assert!(t["refId"].is_string(), "{title}");
            let used = metrics_in(expr);
            assert!(!used.is_empty(), "{title}: no metric in {expr}");
            let unknown: Vec<&String> = used.iter().filter(|m| !known.contains(*m)).collect();
            assert!(
                unknown.is_empty(),
                "{title}: {unknown:?} is exported by no service ({expr})"
            );
        }
    }
}

#[test]
fn the_metric_finder_sees_metrics_and_not_functions_or_labels() {
    let used = metrics_in(
        r#"histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{route!~"/x"}[1m]))) or up"#,
    );
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        ["http_request_duration_seconds_bucket", "up"]
    );
    // a panel on a metric that does not exist is found
    assert!(!exported_metrics().contains("http_requests_count_total"));
}

#[test]
fn prometheus_scrapes_each_service_by_its_compose_name_and_the_host() {
    let prom = yaml("monitoring/prometheus.yml");
    let interval = prom["global"]["scrape_interval"].as_str().unwrap();
    assert!(interval.ends_with('s') && interval.trim_end_matches('s').parse::<u32>().unwrap() <= 5);
    let targets: BTreeSet<(String, String)> = prom["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|job| {
            let name = job["job_name"].as_str().unwrap().to_owned();
            job["static_configs"][0]["targets"]
                .as_sequence()
                .unwrap()
                .iter()
                .map(move |t| (name.clone(), t.as_str().unwrap().to_owned()))
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("backend", "backend:80"),
        ("favorites", "favorites:3000"),
        ("frontend", "frontend:3000"),
        ("swapi", "swapi:8000"),
        ("host", "host.docker.internal:8089"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    assert_eq!(targets, want);
    // the network map's catalogue knows the same scrapes (service name or host, and port)
    let catalogued: BTreeSet<String> = paths::on(Platform::Monitoring)
        .filter(|p| p.from == Source::Prometheus)
        .map(|p| {
            let host = match p.to {
                Target::HostProcess => "host.docker.internal",
                to => to.service().expect("a service of the stack"),
            };
            format!("{host}:{}", p.port)
        })
        .collect();
    let scraped: BTreeSet<String> = targets.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(
        catalogued, scraped,
        "network-map/src/paths.rs and prometheus.yml"
    );
    let compose = yaml("docker-compose.yml");
    let p = &compose["services"]["prometheus"];
    assert_eq!(p["profiles"][0].as_str(), Some("monitoring"));
    assert_eq!(
        p["volumes"][0].as_str(),
        Some("./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro")
    );
    assert_eq!(
        p["extra_hosts"][0].as_str(),
        Some("host.docker.internal:host-gateway"),
        "Linux engines need it for case 2"
    );
}
