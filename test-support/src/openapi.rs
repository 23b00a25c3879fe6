//! Reading a service's OpenAPI description in tests.

use std::collections::BTreeMap;

use serde_json::Value;

/// path → method → the statuses documented for it. Panics when a documented answer has
/// no JSON body schema (every answer of the services is JSON, but `GET /metrics`: the
/// Prometheus text format, documented as `text/plain`).
pub fn documented(doc: &Value) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            let responses = op["responses"].as_object().expect("responses");
            for (status, res) in responses {
                let kind = if path == "/metrics" {
                    "text/plain"
                } else {
                    "application/json"
                };
                assert!(
                    res["content"][kind]["schema"].is_object(),
                    "{method} {path} {status} has no {kind} body schema"
                );
            }
            out.entry(path.clone())
                .or_insert_with(BTreeMap::new)
                .insert(method.clone(), responses.keys().cloned().collect());
        }
    }
    out
}
