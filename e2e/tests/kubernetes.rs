//! The Kubernetes manifests, validated offline (no cluster can run on these machines):
//! - they render with `kubectl kustomize` (the base, and the offline overlay);
//! - `kubernetes-validate --strict` (PyPI) passes for the oldest, a middle and the newest
//!   Kubernetes version it knows;
//! - what schemas do not see: every Service selects pods and targets their ports, every
//!   probe targets a container port, every Secret / ConfigMap a pod refers to exists with
//!   the keys it uses, the StatefulSet's Service is headless;
//! - each container's environment, as rendered, passes that service's own configuration
//!   check (the real binary's `check-config`), secrets mounted as files included;
//! - Pod Security `restricted` (which kubernetes-validate does not check): the namespace
//!   enforces it, and every container of every pod meets it, field by field;
//! - the network policies: every one selects existing pods, every pod is isolated both
//!   ways, and the connections they allow are exactly the Kubernetes paths of the network
//!   map (`network_map::paths`), nothing more, nothing less, in every rendered variant.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use e2e::{documents, id, kubernetes_dir, kustomize, workspace_root};
use network_map::paths::{self, Platform, Target};
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

// ------------------------------------------------------------------------------------------
// Pod Security `restricted`

/// The volume types the `restricted` profile allows.
const RESTRICTED_VOLUMES: [&str; 8] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The sysctls the `baseline` profile (and so `restricted`) allows.
const SAFE_SYSCTLS: [&str; 9] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
];

/// The SELinux types the `baseline` profile allows (empty: unset).
const SELINUX_TYPES: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Every pod spec of a rendered set: (the object's id, the pod spec).
fn pod_specs(docs: &[Value]) -> Vec<(String, &Value)> {
    docs.iter()
        .filter_map(|d| {
            let spec = match d["kind"].as_str()? {
                "Pod" => &d["spec"],
                "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "Job"
                | "ReplicationController" => &d["spec"]["template"]["spec"],
                "CronJob" => &d["spec"]["jobTemplate"]["spec"]["template"]["spec"],
                _ => return None,
            };
            Some((id(d), spec))
        })
        .collect()
}

/// Where `restricted` (and the `baseline` it includes) is not met, for one rendered set:
/// the namespace's labels (enforce, audit and warn at `restricted`), then per pod: no host
/// namespaces, no service-account token, only the allowed volume types, safe sysctls,
/// `runAsNonRoot` and a non-zero `runAsUser`, the seccomp profile `RuntimeDefault` (or
/// `Localhost`); per container (init and ephemeral ones included): no privilege escalation,
/// capabilities `drop: [ALL]` and no addition but `NET_BIND_SERVICE`, not privileged, no
/// host port, the default `/proc` mount, no SELinux user or role and an allowed type, no
/// AppArmor `Unconfined`, no Windows host process. Returns the problems and how many
/// containers were checked.
fn pod_security(docs: &[Value]) -> (Vec<String>, usize) {
    let mut problems = vec![];
    let namespaces: Vec<&Value> = docs.iter().filter(|d| d["kind"] == "Namespace").collect();
    if namespaces.is_empty() {
        problems.push("no Namespace: nothing enforces Pod Security".to_owned());
    }
    for ns in namespaces {
        for mode in ["enforce", "audit", "warn"] {
            let label = format!("pod-security.kubernetes.io/{mode}");
            let value = &ns["metadata"]["labels"][label.as_str()];
            if value != "restricted" {
                problems.push(format!("{}: {label} is {value}, not restricted", id(ns)));
            }
        }
    }
    let mut checked = 0;
    for (w, spec) in pod_specs(docs) {
        let pod_sc = &spec["securityContext"];
        for field in ["hostNetwork", "hostPID", "hostIPC"] {
            if spec[field] == true {
                problems.push(format!("{w}: {field} is true"));
            }
        }
        if spec["automountServiceAccountToken"] != false {
            problems.push(format!(
                "{w}: automountServiceAccountToken is {} (false: no pod uses the API)",
                spec["automountServiceAccountToken"]
            ));
        }
        for v in spec["volumes"].as_array().into_iter().flatten() {
            let kinds: Vec<&String> = v
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .filter(|k| *k != "name")
                .collect();
            for k in kinds {
                if !RESTRICTED_VOLUMES.contains(&k.as_str()) {
                    problems.push(format!("{w}: volume {} is of type {k}", v["name"]));
                }
            }
        }
        for s in pod_sc["sysctls"].as_array().into_iter().flatten() {
            let name = s["name"].as_str().unwrap_or_default();
            if !SAFE_SYSCTLS.contains(&name) {
                problems.push(format!("{w}: sysctl {name} is not a safe one"));
            }
        }
        let containers: Vec<&Value> = ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .flat_map(|f| spec[*f].as_array().into_iter().flatten())
            .collect();
        if containers.is_empty() {
            problems.push(format!("{w}: no containers"));
        }
        for c in containers {
            checked += 1;
            let at = format!("{w}/{}", c["name"].as_str().unwrap_or("?"));
            let sc = &c["securityContext"];
            // a container's setting wins over the pod's
            let either = |field: &str| {
                if sc[field].is_null() {
                    &pod_sc[field]
                } else {
                    &sc[field]
                }
            };
            if either("runAsNonRoot") != true {
                problems.push(format!("{at}: runAsNonRoot is not true"));
            }
            if either("runAsUser") == 0 {
                problems.push(format!("{at}: runAsUser is 0 (root)"));
            }
            let seccomp = either("seccompProfile")["type"]
                .as_str()
                .unwrap_or_default();
            if !matches!(seccomp, "RuntimeDefault" | "Localhost") {
                problems.push(format!(
                    "{at}: seccompProfile.type is {seccomp:?}, not RuntimeDefault"
                ));
            }
            if sc["allowPrivilegeEscalation"] != false {
                problems.push(format!("{at}: allowPrivilegeEscalation is not false"));
            }
            if sc["privileged"] == true {
                problems.push(format!("{at}: privileged"));
            }
            let caps = &sc["capabilities"];
            if !caps["drop"]
                .as_array()
                .is_some_and(|d| d.iter().any(|c| c == "ALL"))
            {
                problems.push(format!("{at}: capabilities do not drop ALL"));
            }
            for add in caps["add"].as_array().into_iter().flatten() {
                if add != "NET_BIND_SERVICE" {
                    problems.push(format!("{at}: adds the capability {add}"));
                }
            }
            for p in c["ports"].as_array().into_iter().flatten() {
                if p["hostPort"].as_u64().is_some_and(|h| h != 0) {
                    problems.push(format!("{at}: hostPort {}", p["hostPort"]));
                }
            }
            if !sc["procMount"].is_null() && sc["procMount"] != "Default" {
                problems.push(format!("{at}: procMount {}", sc["procMount"]));
            }
            let selinux = either("seLinuxOptions");
            if !selinux["user"].is_null() || !selinux["role"].is_null() {
                problems.push(format!("{at}: sets an SELinux user or role"));
            }
            if !SELINUX_TYPES.contains(&selinux["type"].as_str().unwrap_or_default()) {
                problems.push(format!("{at}: SELinux type {}", selinux["type"]));
            }
            if either("appArmorProfile")["type"] == "Unconfined" {
                problems.push(format!("{at}: AppArmor Unconfined"));
            }
            if either("windowsOptions")["hostProcess"] == true {
                problems.push(format!("{at}: a Windows host process"));
            }
        }
    }
    (problems, checked)
}

#[test]
fn every_container_meets_pod_security_restricted() {
    for (name, yaml) in rendered() {
        let docs = documents(&yaml);
        let (problems, checked) = pod_security(&docs);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        assert!(checked >= 4, "{name}: only {checked} containers");
        println!("{name}: the namespace enforces restricted; {checked} containers meet it");
    }
    // the check can fail: a container that keeps its capabilities, a pod on the host's
    // network with a token, a namespace without the label
    let mut docs = documents(&rendered()[0].1);
    for d in docs.iter_mut() {
        if id(d) == "Deployment/backend" {
            let spec = &mut d["spec"]["template"]["spec"];
            spec["hostNetwork"] = true.into();
            spec["automountServiceAccountToken"] = Value::Null;
            spec["containers"][0]["securityContext"]["capabilities"] =
                serde_json::json!({"add": ["NET_ADMIN"]});
        }
        if d["kind"] == "StatefulSet" {
            d["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0.into();
        }
        if d["kind"] == "Namespace" {
            d["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "baseline".into();
        }
    }
    let (problems, _) = pod_security(&docs);
    for want in [
        "Deployment/backend: hostNetwork is true",
        "Deployment/backend: automountServiceAccountToken is null",
        "Deployment/backend/backend: capabilities do not drop ALL",
        "Deployment/backend/backend: adds the capability \"NET_ADMIN\"",
        "StatefulSet/mongodb/mongodb: runAsUser is 0",
        "Namespace/goals: pod-security.kubernetes.io/enforce is \"baseline\"",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "no {want:?} in {problems:#?}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Network policies against the network map

/// One end of a connection, as a network policy names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    /// The pods of the namespace with this `app.kubernetes.io/name`.
    Pod(String),
    /// Any address (an ipBlock of 0.0.0.0/0 or ::/0 without exceptions) as a source: the
    /// browser, whose connection reaches a pod through a node port with its own or a
    /// node's address.
    Browser,
    /// The internet: public addresses only (0.0.0.0/0 or ::/0 without the private ranges).
    Internet,
    /// The cluster's DNS server: `k8s-app: kube-dns` in the namespace kube-system.
    Dns,
    /// Anything else a rule names (described): never a path of the map.
    Other(String),
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Pod(name) => write!(f, "{name}"),
            End::Browser => write!(f, "any address (the browser, through the node port)"),
            End::Internet => write!(f, "the internet (public addresses)"),
            End::Dns => write!(f, "kube-dns (kube-system)"),
            End::Other(what) => write!(f, "{what}"),
        }
    }
}

/// The port of a grant: a number, every port (a rule without ports), or what could not be
/// resolved to one number (a port name no container has, a range).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Port {
    Number(u16),
    Any,
    Unresolved(String),
}

/// One connection a policy allows: from, to, port, protocol.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    from: End,
    to: End,
    port: Port,
    protocol: String,
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = match &self.port {
            Port::Number(n) => n.to_string(),
            Port::Any => "every port".to_owned(),
            Port::Unresolved(what) => what.clone(),
        };
        write!(f, "{} → {} on {port}/{}", self.from, self.to, self.protocol)
    }
}

/// The pods of a rendered set: `app.kubernetes.io/name` → (labels, container ports by name
/// and number).
struct Pods<'a> {
    by_name: BTreeMap<String, &'a Value>,
}

impl<'a> Pods<'a> {
    fn of(docs: &'a [Value]) -> Self {
        let ix = Index { docs };
        let by_name = ix
            .workloads()
            .into_iter()
            .map(|(w, t)| {
                let name = t["metadata"]["labels"]["app.kubernetes.io/name"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{w}: its pods have no app.kubernetes.io/name"));
                (name.to_owned(), t)
            })
            .collect();
        Pods { by_name }
    }

    /// The pods (by name) a label selector selects; an empty selector selects all.
    fn selected(&self, selector: &Value) -> Vec<String> {
        self.by_name
            .iter()
            .filter(|(_, t)| selects(selector, &t["metadata"]["labels"]))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The number of `port` (a number, or a container port's name) on the pods `pod`.
    fn resolve(&self, pod: &str, port: &Value) -> Port {
        if let Some(n) = port.as_u64() {
            return Port::Number(n as u16);
        }
        let name = port.as_str().unwrap_or_default();
        containers(self.by_name[pod])
            .iter()
            .flat_map(|c| c["ports"].as_array().into_iter().flatten())
            .find(|p| p["name"] == name)
            .and_then(|p| p["containerPort"].as_u64())
            .map(|n| Port::Number(n as u16))
            .unwrap_or_else(|| Port::Unresolved(format!("port name {name:?}, unknown to {pod}")))
    }

    /// Whether a container of `pod` listens on `port`.
    fn listens(&self, pod: &str, port: u16) -> bool {
        containers(self.by_name[pod])
            .iter()
            .flat_map(|c| c["ports"].as_array().into_iter().flatten())
            .any(|p| p["containerPort"] == port)
    }
}

/// Whether a label selector (`matchLabels`, `matchExpressions`) selects `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    let by_labels = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels[k.as_str()] == *v);
    let by_expressions = selector["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let value = &labels[e["key"].as_str().unwrap_or_default()];
            let among = e["values"]
                .as_array()
                .is_some_and(|vs| vs.iter().any(|v| v == value));
            match e["operator"].as_str().unwrap_or_default() {
                "In" => among,
                "NotIn" => !among,
                "Exists" => !value.is_null(),
                "DoesNotExist" => value.is_null(),
                _ => false,
            }
        });
    by_labels && by_expressions
}

/// The private ranges an "internet" ipBlock must leave out.
const PRIVATE_V4: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// What one peer of a rule (`from` of an ingress rule, `to` of an egress rule) stands for:
/// "any address" is the browser as a source only. Problems (a selector that selects no pod)
/// go to `problems`.
fn peer_ends(
    pods: &Pods,
    peer: &Value,
    ingress: bool,
    policy: &str,
    problems: &mut Vec<String>,
) -> Vec<End> {
    if let Some(block) = peer["ipBlock"].as_object() {
        let cidr = block["cidr"].as_str().unwrap_or_default();
        let except: Vec<&str> = block
            .get("except")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str())
            .collect();
        return vec![match (cidr, except.is_empty()) {
            ("0.0.0.0/0" | "::/0", true) if ingress => End::Browser,
            ("0.0.0.0/0" | "::/0", true) => End::Other(format!("any address ({cidr})")),
            ("0.0.0.0/0", false) if PRIVATE_V4.iter().all(|p| except.contains(p)) => End::Internet,
            ("::/0", false) if except.contains(&"fc00::/7") => End::Internet,
            _ => End::Other(format!("the addresses {cidr} except {except:?}")),
        }];
    }
    let ns = &peer["namespaceSelector"];
    if !ns.is_null() {
        let kube_dns = ns["matchLabels"]
            .as_object()
            .is_some_and(|m| m.len() == 1 && m["kubernetes.io/metadata.name"] == "kube-system")
            && peer["podSelector"]["matchLabels"]
                .as_object()
                .is_some_and(|m| m.len() == 1 && m["k8s-app"] == "kube-dns");
        return vec![if kube_dns {
            End::Dns
        } else {
            End::Other(format!(
                "pods of the namespaces {ns} (selector {})",
                peer["podSelector"]
            ))
        }];
    }
    let selected = pods.selected(&peer["podSelector"]);
    if selected.is_empty() {
        problems.push(format!(
            "NetworkPolicy/{policy}: the peer {peer} selects no pod of the namespace"
        ));
    }
    selected.into_iter().map(End::Pod).collect()
}

/// What the network policies of a rendered set allow, each grant with the policies that
/// allow it: the ingress half (who may connect to a pod) and the egress half (where a pod
/// may connect to). A pod that no policy of a type selects is not isolated for it: it
/// gets a grant from (or to) "anything". Problems the sets do not show (a policy that
/// selects no pod) go to `problems`.
type Grants = BTreeMap<Grant, BTreeSet<String>>;

fn granted(docs: &[Value], problems: &mut Vec<String>) -> (Grants, Grants) {
    let pods = Pods::of(docs);
    let (mut ingress, mut egress) = (Grants::new(), Grants::new());
    let mut isolated: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for policy in docs.iter().filter(|d| d["kind"] == "NetworkPolicy") {
        let name = policy["metadata"]["name"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        let spec = &policy["spec"];
        let selected = pods.selected(&spec["podSelector"]);
        if selected.is_empty() {
            problems.push(format!(
                "NetworkPolicy/{name}: its podSelector {} selects no pod",
                spec["podSelector"]
            ));
        }
        let types: Vec<&str> = match spec["policyTypes"].as_array() {
            Some(t) => t.iter().filter_map(|t| t.as_str()).collect(),
            None if spec["egress"].is_array() => vec!["Ingress", "Egress"],
            None => vec!["Ingress"],
        };
        for (kind, rules, peers_field) in
            [("Ingress", "ingress", "from"), ("Egress", "egress", "to")]
        {
            if !types.contains(&kind) {
                continue;
            }
            isolated
                .entry(kind)
                .or_default()
                .extend(selected.iter().cloned());
            for rule in spec[rules].as_array().into_iter().flatten() {
                let peers: Vec<End> = match rule[peers_field].as_array() {
                    Some(list) if !list.is_empty() => list
                        .iter()
                        .flat_map(|p| peer_ends(&pods, p, kind == "Ingress", &name, problems))
                        .collect(),
                    _ => vec![End::Other("anything (a rule without peers)".into())],
                };
                let ports: Vec<&Value> = match rule["ports"].as_array() {
                    Some(list) if !list.is_empty() => list.iter().collect(),
                    _ => vec![&Value::Null],
                };
                for me in &selected {
                    for peer in &peers {
                        for p in &ports {
                            let protocol = p["protocol"].as_str().unwrap_or("TCP").to_owned();
                            // a port name is a container port of the pod that accepts it
                            let accepting = if kind == "Ingress" {
                                Some(me.as_str())
                            } else if let End::Pod(to) = peer {
                                Some(to.as_str())
                            } else {
                                None
                            };
                            let port = if p.is_null() || p["port"].is_null() {
                                Port::Any
                            } else if !p["endPort"].is_null() {
                                Port::Unresolved(format!("{}-{}", p["port"], p["endPort"]))
                            } else if let (Some(pod), false) = (accepting, p["port"].is_u64()) {
                                pods.resolve(pod, &p["port"])
                            } else if let Some(n) = p["port"].as_u64() {
                                Port::Number(n as u16)
                            } else {
                                Port::Unresolved(format!("port name {}", p["port"]))
                            };
                            let (from, to, grants) = if kind == "Ingress" {
                                (peer.clone(), End::Pod(me.clone()), &mut ingress)
                            } else {
                                (End::Pod(me.clone()), peer.clone(), &mut egress)
                            };
                            grants
                                .entry(Grant {
                                    from,
                                    to,
                                    port,
                                    protocol,
                                })
                                .or_default()
                                .insert(name.clone());
                        }
                    }
                }
            }
        }
    }
    // a pod no policy isolates may be reached by, or reach, anything
    for pod in pods.by_name.keys() {
        let anything = |to: bool| Grant {
            from: if to {
                End::Other("anything (not isolated for ingress)".into())
            } else {
                End::Pod(pod.clone())
            },
            to: if to {
                End::Pod(pod.clone())
            } else {
                End::Other("anything (not isolated for egress)".into())
            },
            port: Port::Any,
            protocol: "any".into(),
        };
        if !isolated.get("Ingress").is_some_and(|s| s.contains(pod)) {
            ingress.insert(anything(true), BTreeSet::from(["no policy".to_owned()]));
        }
        if !isolated.get("Egress").is_some_and(|s| s.contains(pod)) {
            egress.insert(anything(false), BTreeSet::from(["no policy".to_owned()]));
        }
    }
    (ingress, egress)
}

/// The rendered ConfigMap's `SWAPI_BASE_URL`: where favorites looks for SWAPI.
fn swapi_host(docs: &[Value]) -> String {
    let url = docs
        .iter()
        .find(|d| d["kind"] == "ConfigMap" && !d["data"]["SWAPI_BASE_URL"].is_null())
        .and_then(|d| d["data"]["SWAPI_BASE_URL"].as_str())
        .expect("a ConfigMap with SWAPI_BASE_URL");
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or_default().to_owned()
}

/// One Kubernetes path of the network map in a rendered set: in words, and the two halves
/// a policy grants (ingress at the pod that accepts it, none for the internet; egress at
/// the pod that opens it, none for the browser).
struct Expected {
    words: String,
    ingress: Option<Grant>,
    egress: Option<Grant>,
}

/// The Kubernetes paths of the network map that exist in a rendered set. A path exists
/// when both its ends do: the pods by their `app.kubernetes.io/name`, SWAPI where the
/// ConfigMap's `SWAPI_BASE_URL` points (the Service `swapi`: the stand-in; a public name:
/// the internet).
fn map_paths(docs: &[Value]) -> Vec<Expected> {
    let pods = Pods::of(docs);
    let swapi = swapi_host(docs);
    let present = |name: &str| pods.by_name.contains_key(name);
    let mut out = vec![];
    for path in paths::on(Platform::Kubernetes) {
        let from = match path.from.service() {
            Some(s) if present(s) => End::Pod(s.to_owned()),
            Some(_) => continue,
            None => End::Browser,
        };
        let to = match path.to {
            Target::SwapiInternet if swapi.contains('.') => End::Internet,
            Target::SwapiStandIn if swapi == "swapi" && present("swapi") => {
                End::Pod("swapi".into())
            }
            Target::SwapiInternet | Target::SwapiStandIn => continue,
            t => match t.service() {
                Some(s) if present(s) => End::Pod(s.to_owned()),
                _ => continue,
            },
        };
        let grant = Grant {
            from: from.clone(),
            to: to.clone(),
            port: Port::Number(path.port),
            protocol: "TCP".into(),
        };
        out.push(Expected {
            words: format!(
                "{} → {} on {} ({})",
                path.from.label(),
                path.to.label(),
                path.port,
                path.case
                    .map_or("host → a published port".to_owned(), |c| format!(
                        "case {c}"
                    ))
            ),
            ingress: matches!(to, End::Pod(_)).then(|| grant.clone()),
            egress: matches!(from, End::Pod(_)).then_some(grant),
        });
    }
    out
}

/// What the policies must allow in a rendered set, as the two halves: the map's paths
/// ([`map_paths`]), and DNS (kube-dns, 53 over UDP and TCP) from every pod, which is no
/// path of the map.
fn expected(docs: &[Value]) -> (BTreeSet<Grant>, BTreeSet<Grant>) {
    let paths = map_paths(docs);
    let ingress = paths.iter().filter_map(|p| p.ingress.clone()).collect();
    let mut egress: BTreeSet<Grant> = paths.iter().filter_map(|p| p.egress.clone()).collect();
    for pod in Pods::of(docs).by_name.keys() {
        for protocol in ["UDP", "TCP"] {
            egress.insert(Grant {
                from: End::Pod(pod.clone()),
                to: End::Dns,
                port: Port::Number(53),
                protocol: protocol.into(),
            });
        }
    }
    (ingress, egress)
}

/// Where the network policies of a rendered set differ from the network map: policies
/// that select no pod, peers that select no pod, ports no container of the accepting pod
/// listens on, and each half (ingress, egress) compared with the map's Kubernetes paths
/// that exist in the set: what is allowed and is no path, what is a path and is not
/// allowed.
fn policy_check(docs: &[Value]) -> Vec<String> {
    let mut problems = vec![];
    if !docs.iter().any(|d| d["kind"] == "NetworkPolicy") {
        problems.push("no NetworkPolicy at all: every pod can reach every other".to_owned());
    }
    let (ingress, egress) = granted(docs, &mut problems);
    let (want_in, want_out) = expected(docs);
    let pods = Pods::of(docs);
    for grant in ingress.keys() {
        if let (End::Pod(pod), Port::Number(n)) = (&grant.to, &grant.port) {
            if !pods.listens(pod, *n) {
                problems.push(format!(
                    "ingress {grant}: no container of {pod} listens on {n}"
                ));
            }
        }
    }
    for (half, got, want) in [
        ("ingress", &ingress, &want_in),
        ("egress", &egress, &want_out),
    ] {
        for (grant, by) in got {
            if !want.contains(grant) {
                problems.push(format!(
                    "{half}: {grant} is allowed (by {}) but is no Kubernetes path of the network map",
                    by.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        for grant in want {
            if !got.contains_key(grant) {
                problems.push(format!(
                    "{half}: {grant} is a Kubernetes path of the network map but no policy allows it"
                ));
            }
        }
    }
    problems
}

#[test]
fn network_policies_allow_exactly_the_kubernetes_paths_of_the_network_map() {
    for (name, yaml) in rendered() {
        let docs = documents(&yaml);
        let problems = policy_check(&docs);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        let (ingress, egress) = granted(&docs, &mut vec![]);
        let by = |grants: &Grants, g: &Option<Grant>| {
            g.as_ref().map_or("-".to_owned(), |g| {
                grants[g].iter().cloned().collect::<Vec<_>>().join("+")
            })
        };
        let policies = docs.iter().filter(|d| d["kind"] == "NetworkPolicy").count();
        let paths = map_paths(&docs);
        println!(
            "{name}: {policies} policies allow exactly these {} paths (and DNS from every pod):",
            paths.len()
        );
        for p in &paths {
            println!(
                "  {}: in by {}, out by {}",
                p.words,
                by(&ingress, &p.ingress),
                by(&egress, &p.egress)
            );
        }
    }
    // the check can fail, each way: a rule wider than the map (MongoDB on every port from
    // anything), a path the map has and no policy allows (the backend's egress gone), a
    // policy that selects no pod
    let mut docs = documents(&rendered()[0].1);
    for d in docs.iter_mut() {
        match id(d).as_str() {
            "NetworkPolicy/mongodb" => {
                d["spec"]["ingress"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({}));
            }
            "NetworkPolicy/backend" => {
                d["spec"]["egress"] = serde_json::json!([]);
            }
            "NetworkPolicy/frontend" => {
                d["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] =
                    "frontent".into();
            }
            _ => {}
        }
    }
    let problems = policy_check(&docs);
    for want in [
        "ingress: anything (a rule without peers) → mongodb on every port/TCP is allowed (by mongodb)",
        "egress: backend → mongodb on 27017/TCP is a Kubernetes path of the network map but no policy allows it",
        "NetworkPolicy/frontend: its podSelector",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "no {want:?} in {problems:#?}"
        );
    }
}
