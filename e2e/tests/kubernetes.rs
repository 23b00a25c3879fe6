//! The Kubernetes manifests, validated offline (no cluster can run on these machines):
//! - they render with `kubectl kustomize` (the base, and the offline overlay);
//! - `kubernetes-validate --strict` (PyPI) passes for the oldest, a middle and the newest
//!   Kubernetes version it knows;
//! - what schemas do not see: every Service selects pods and targets their ports, every
//!   probe targets a container port, every Secret / ConfigMap a pod refers to exists with
//!   the keys it uses, the StatefulSet's Service is headless;
//! - each container's environment, as rendered, passes that service's own configuration
//!   check (the real binary's `check-config`), secrets mounted as files included.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use base64::Engine;
use e2e::{documents, id, kubernetes_dir, kustomize, workspace_root};
use serde_json::Value;
use test_support::process::output_text;
use test_support::TempDir;

/// Oldest, middle, newest of what kubernetes-validate 1.37 knows.
const VERSIONS: [&str; 3] = ["1.25", "1.31", "1.37"];
const KUBERNETES_VALIDATE: &str = "1.37.0";

fn rendered() -> Vec<(&'static str, String)> {
    ["base", "overlays/offline"]
        .into_iter()
        .map(|dir| (dir, kustomize(&kubernetes_dir(dir))))
        .collect()
}

#[test]
fn manifests_pass_strict_schema_validation_for_three_kubernetes_versions() {
    let validate = test_support::pytool::install(
        "kubernetes-validate",
        KUBERNETES_VALIDATE,
        "kubernetes-validate",
    );
    let dir = TempDir::new("k8s-rendered");
    for (name, yaml) in rendered() {
        let file = dir.path().join(format!("{}.yaml", name.replace('/', "-")));
        std::fs::write(&file, &yaml).unwrap();
        let resources = documents(&yaml).len();
        for version in VERSIONS {
            let out = Command::new(&validate)
                .args(["--strict", "-k", version])
                .arg(&file)
                .output()
                .expect("run kubernetes-validate");
            let text = output_text(&out);
            assert!(out.status.success(), "{name} against {version}:\n{text}");
            let passed = text.matches(" passed for resource ").count();
            assert_eq!(
                passed, resources,
                "{name} against {version}: {passed} of {resources} checked:\n{text}"
            );
            println!("{name}: {resources} resources pass --strict against Kubernetes {version}");
        }
    }
}

struct Index<'a> {
    docs: &'a [Value],
}

impl<'a> Index<'a> {
    fn of(&self, kind: &str) -> impl Iterator<Item = &'a Value> + '_ {
        let kind = kind.to_owned();
        self.docs.iter().filter(move |d| d["kind"] == kind.as_str())
    }

    fn named(&self, kind: &str, name: &str) -> Option<&'a Value> {
        self.of(kind).find(|d| d["metadata"]["name"] == name)
    }

    /// Deployments and StatefulSets: (id, pod template).
    fn workloads(&self) -> Vec<(String, &'a Value)> {
        self.docs
            .iter()
            .filter(|d| d["kind"] == "Deployment" || d["kind"] == "StatefulSet")
            .map(|d| (id(d), &d["spec"]["template"]))
            .collect()
    }

    /// The keys of a Secret (`data`, `stringData`) or ConfigMap (`data`).
    fn keys(&self, kind: &str, name: &str) -> Option<Vec<String>> {
        let d = self.named(kind, name)?;
        let mut keys = vec![];
        for field in ["data", "stringData"] {
            if let Some(map) = d[field].as_object() {
                keys.extend(map.keys().cloned());
            }
        }
        Some(keys)
    }
}

fn containers(template: &Value) -> &Vec<Value> {
    template["spec"]["containers"]
        .as_array()
        .expect("containers")
}

/// Whether `port` (a number or a port name) is one of the container's ports.
fn has_port(container: &Value, port: &Value) -> bool {
    container["ports"].as_array().is_some_and(|ports| {
        ports
            .iter()
            .any(|p| p["containerPort"] == *port || p["name"] == *port)
    })
}

/// Problems the schemas cannot see, for one rendered set.
fn cross_check(docs: &[Value]) -> Vec<String> {
    let ix = Index { docs };
    let mut problems = vec![];
    let workloads = ix.workloads();

    for svc in ix.of("Service") {
        let name = id(svc);
        let selector = svc["spec"]["selector"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let selected: Vec<&(String, &Value)> = workloads
            .iter()
            .filter(|(_, t)| {
                !selector.is_empty()
                    && selector
                        .iter()
                        .all(|(k, v)| t["metadata"]["labels"][k.as_str()] == *v)
            })
            .collect();
        if selected.is_empty() {
            problems.push(format!(
                "{name}: its selector {selector:?} matches no pod template"
            ));
            continue;
        }
        for port in svc["spec"]["ports"].as_array().into_iter().flatten() {
            let target = if port["targetPort"].is_null() {
                &port["port"]
            } else {
                &port["targetPort"]
            };
            for (w, t) in &selected {
                if !containers(t).iter().any(|c| has_port(c, target)) {
                    problems.push(format!(
                        "{name}: targetPort {target} is no container port of {w}"
                    ));
                }
            }
        }
    }

    for (w, t) in &workloads {
        let volumes: HashMap<String, &Value> = t["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| (v["name"].as_str().unwrap_or_default().to_owned(), v))
            .collect();
        for v in volumes.values() {
            if let Some(secret) = v["secret"]["secretName"].as_str() {
                if ix.keys("Secret", secret).is_none() {
                    problems.push(format!("{w}: volume secret {secret} does not exist"));
                }
            }
        }
        for c in containers(t) {
            let cname = c["name"].as_str().unwrap_or("?");
            for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                let p = &c[probe];
                for port in [&p["httpGet"]["port"], &p["tcpSocket"]["port"]] {
                    if !port.is_null() && !has_port(c, port) {
                        problems.push(format!(
                            "{w}/{cname}: {probe} port {port} is no container port"
                        ));
                    }
                }
            }
            for from in c["envFrom"].as_array().into_iter().flatten() {
                for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                    if let Some(name) = from[field]["name"].as_str() {
                        if ix.keys(kind, name).is_none() {
                            problems
                                .push(format!("{w}/{cname}: envFrom {kind} {name} does not exist"));
                        }
                    }
                }
            }
            for e in c["env"].as_array().into_iter().flatten() {
                for (field, kind) in [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")]
                {
                    let r = &e["valueFrom"][field];
                    if let (Some(name), Some(key)) = (r["name"].as_str(), r["key"].as_str()) {
                        match ix.keys(kind, name) {
                            None => {
                                problems.push(format!("{w}/{cname}: {kind} {name} does not exist"))
                            }
                            Some(keys) if !keys.iter().any(|k| k == key) => problems
                                .push(format!("{w}/{cname}: {kind} {name} has no key {key}")),
                            _ => {}
                        }
                    }
                }
            }
            for m in c["volumeMounts"].as_array().into_iter().flatten() {
                let vol = m["name"].as_str().unwrap_or_default();
                if !volumes.contains_key(vol) && !is_claim_template(docs, w, vol) {
                    problems.push(format!(
                        "{w}/{cname}: mounts volume {vol}, which is not defined"
                    ));
                }
            }
        }
    }

    // one namespace for everything (a Service in another namespace is not reachable by
    // its short name)
    for d in docs {
        if d["kind"] != "Namespace" && d["metadata"]["namespace"] != "goals" {
            problems.push(format!(
                "{}: namespace {} (not goals)",
                id(d),
                d["metadata"]["namespace"]
            ));
        }
    }

    for sts in ix.of("StatefulSet") {
        let svc = sts["spec"]["serviceName"].as_str().unwrap_or_default();
        match ix.named("Service", svc) {
            Some(s) if s["spec"]["clusterIP"] == "None" => {}
            _ => problems.push(format!(
                "{}: serviceName {svc} is not a headless Service",
                id(sts)
            )),
        }
    }
    problems
}

fn is_claim_template(docs: &[Value], workload: &str, volume: &str) -> bool {
    docs.iter().any(|d| {
        id(d) == workload
            && d["spec"]["volumeClaimTemplates"]
                .as_array()
                .is_some_and(|c| c.iter().any(|t| t["metadata"]["name"] == volume))
    })
}

#[test]
fn objects_refer_to_each_other_correctly() {
    for (name, yaml) in rendered() {
        let docs = documents(&yaml);
        let problems = cross_check(&docs);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        println!(
            "{name}: {} resources, references and ports consistent",
            docs.len()
        );
    }
    // the check can fail: a Service pointing at no pod, a missing secret key
    let mut docs = documents(&rendered()[0].1);
    for d in docs.iter_mut() {
        if id(d) == "Service/backend" {
            d["spec"]["selector"]["app.kubernetes.io/name"] = "nobody".into();
        }
        if d["kind"] == "StatefulSet" {
            d["spec"]["template"]["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]
                ["key"] = "nope".into();
        }
    }
    let problems = cross_check(&docs);
    assert!(
        problems.iter().any(|p| p.contains("Service/backend")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("has no key nope")),
        "{problems:?}"
    );
}

/// The binary of an image of ours, built on this machine.
fn binary_for(image: &str) -> Option<&'static str> {
    let repo = image.split(':').next().unwrap_or(image);
    match repo {
        "goals-backend" => Some("backend"),
        "goals-favorites" => Some("favorites"),
        "goals-frontend" => Some("frontend"),
        "goals-swapi" => Some("swapi-standin"),
        _ => None,
    }
}

/// The environment a container gets, as the kubelet would give it: envFrom ConfigMaps
/// and Secrets, then env (values, secretKeyRef, configMapKeyRef). Secret volumes are
/// written to `files` and paths into them rewritten.
fn container_env(
    docs: &[Value],
    template: &Value,
    c: &Value,
    files: &Path,
) -> BTreeMap<String, String> {
    let ix = Index { docs };
    let decode = |s: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .expect("base64"),
        )
        .unwrap()
    };
    let data = |kind: &str, name: &str| -> BTreeMap<String, String> {
        let d = ix
            .named(kind, name)
            .unwrap_or_else(|| panic!("{kind} {name}"));
        let mut out = BTreeMap::new();
        for (k, v) in d["data"].as_object().into_iter().flatten() {
            let v = v.as_str().unwrap_or_default();
            out.insert(
                k.clone(),
                if kind == "Secret" {
                    decode(v)
                } else {
                    v.to_owned()
                },
            );
        }
        for (k, v) in d["stringData"].as_object().into_iter().flatten() {
            out.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
        }
        out
    };
    let mut env = BTreeMap::new();
    for from in c["envFrom"].as_array().into_iter().flatten() {
        if let Some(n) = from["configMapRef"]["name"].as_str() {
            env.extend(data("ConfigMap", n));
        }
        if let Some(n) = from["secretRef"]["name"].as_str() {
            env.extend(data("Secret", n));
        }
    }
    // secret volumes, as files
    let mut mounts: Vec<(String, std::path::PathBuf)> = vec![];
    for m in c["volumeMounts"].as_array().into_iter().flatten() {
        let vol = template["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == m["name"]);
        if let Some(secret) = vol.and_then(|v| v["secret"]["secretName"].as_str()) {
            let dir = files.join(m["name"].as_str().unwrap());
            std::fs::create_dir_all(&dir).unwrap();
            for (k, v) in data("Secret", secret) {
                std::fs::write(dir.join(k), v).unwrap();
            }
            mounts.push((m["mountPath"].as_str().unwrap().to_owned(), dir));
        }
    }
    for e in c["env"].as_array().into_iter().flatten() {
        let name = e["name"].as_str().unwrap().to_owned();
        let value = if let Some(v) = e["value"].as_str() {
            v.to_owned()
        } else if let Some(r) = e["valueFrom"]["secretKeyRef"].as_object() {
            data("Secret", r["name"].as_str().unwrap())[r["key"].as_str().unwrap()].clone()
        } else if let Some(r) = e["valueFrom"]["configMapKeyRef"].as_object() {
            data("ConfigMap", r["name"].as_str().unwrap())[r["key"].as_str().unwrap()].clone()
        } else {
            continue;
        };
        let value = mounts
            .iter()
            .find_map(|(at, dir)| {
                value
                    .strip_prefix(at.as_str())
                    .map(|rest| format!("{}{rest}", dir.display()))
            })
            .unwrap_or(value);
        env.insert(name, value);
    }
    env
}

#[test]
fn every_container_environment_passes_its_service_configuration_check() {
    let bin_dir = workspace_root().join("target/debug");
    for (name, yaml) in rendered() {
        let docs = documents(&yaml);
        let ix = Index { docs: &docs };
        let mut checked = 0;
        for (w, t) in ix.workloads() {
            for c in containers(t) {
                let image = c["image"].as_str().unwrap_or_default();
                let Some(bin) = binary_for(image) else {
                    continue; // mongo: not ours
                };
                let files = TempDir::new("k8s-mounted-files");
                let mut env = container_env(&docs, t, c, files.path());
                if bin == "frontend" {
                    // the image's site (/app/site) is not on this machine: a stand-in tree
                    let site = files.path().join("site");
                    std::fs::create_dir_all(site.join("pkg")).unwrap();
                    for f in [
                        "pkg/frontend.css",
                        "pkg/frontend.js",
                        "pkg/frontend.wasm",
                        "favicon.svg",
                    ] {
                        std::fs::write(site.join(f), "x").unwrap();
                    }
                    env.insert("LEPTOS_SITE_ROOT".into(), site.display().to_string());
                }
                let exe = bin_dir.join(bin);
                assert!(
                    exe.is_file(),
                    "{} is not built: run `cargo build --workspace --features frontend/ssr` first",
                    exe.display()
                );
                let out = Command::new(&exe)
                    .arg("check-config")
                    .env_clear()
                    .envs(&env)
                    .output()
                    .expect("run check-config");
                let text = output_text(&out);
                assert!(
                    out.status.success(),
                    "{name} {w}/{}: {bin} check-config:\n{text}\nenv: {env:?}",
                    c["name"]
                );
                let password =
                    std::fs::read_to_string(files.path().join("mongodb-root/password")).ok();
                if let Some(password) = password {
                    assert!(
                        !text.lines().any(|l| l.ends_with(&format!("={password}"))),
                        "{name} {w}: the password is printed:\n{text}"
                    );
                }
                println!(
                    "{name} {w}: {bin} check-config ok ({} settings)",
                    text.lines().count()
                );
                checked += 1;
            }
        }
        assert!(checked >= 3, "{name}: only {checked} containers of ours");
    }
}
