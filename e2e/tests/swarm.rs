//! The stack file on a real single-node Docker Swarm (`scripts/test.sh swarm`, after the
//! compose phase has built the images): deploy; every replica converges healthy;
//! `tasks.backend` resolves to three addresses on the overlay; requests reach more than
//! one replica; a rolling update of the backend under a steady stream of writes loses
//! nothing; a killed task is replaced; the data survives `docker stack rm` and a new deploy.
//!
//! This machine's kernel has no IPVS, so Swarm's virtual IPs and ingress ports cannot
//! work here: the test deploys the stack file with the documented override
//! ([`for_this_machine`]: `endpoint_mode: dnsrr`, no published ports) and sends its traffic
//! from a client container attached to the overlay network. The browser path through the
//! ingress ports is documented, not tested here.
//!
//! It leaves nothing behind but what it found: the stack, its volume, network and secret,
//! the client container, and the swarm itself when this engine was in none before.

use std::process::Command;
use std::time::{Duration, Instant};

use e2e::docker::{docker, docker_ok as ok};
use e2e::report::ensure;
use e2e::wait::until;
use e2e::workspace_root;
use serde_json::Value;

const STACK: &str = "goals-swarm-test";
const SECRET: &str = "goals-swarm-test-mongo-password";
const CLIENT: &str = "goals-swarm-test-client";
/// The client image's Python, with pymongo (the CI MongoDB stand-in's own).
const CLIENT_PYTHON: &str = "/opt/secantus/bin/python";

fn say(what: &str) {
    eprintln!("[swarm] {what}");
}

/// The stack file as deployed on these machines: every service `endpoint_mode: dnsrr`
/// (no virtual IP: no IPVS here) and no published ports (no ingress routing mesh here).
fn for_this_machine(stack: &str) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(stack).expect("stack.yml is YAML");
    doc.apply_merge().expect("merge keys");
    let services = doc["services"].as_mapping_mut().expect("services");
    for (_, svc) in services.iter_mut() {
        let svc = svc.as_mapping_mut().unwrap();
        svc.remove("ports");
        let deploy = svc
            .entry("deploy".into())
            .or_insert_with(|| serde_yaml::Value::Mapping(Default::default()));
        deploy
            .as_mapping_mut()
            .unwrap()
            .insert("endpoint_mode".into(), "dnsrr".into());
    }
    if let Some(m) = doc.as_mapping_mut() {
        m.retain(|k, _| !k.as_str().is_some_and(|k| k.starts_with("x-")));
    }
    serde_yaml::to_string(&doc).unwrap()
}

/// Undoes what the test made, newest first, even when it fails.
struct Cleanup {
    left_swarm: bool,
    gwbridge_before: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        say("cleaning up");
        let _ = docker(&["rm", "-f", CLIENT]);
        let _ = docker(&["stack", "rm", STACK]);
        wait_gone();
        remove_volume();
        let _ = docker(&["secret", "rm", SECRET]);
        if self.left_swarm {
            let _ = docker(&["swarm", "leave", "--force"]);
            if !self.gwbridge_before {
                let _ = docker(&["network", "rm", "docker_gwbridge"]);
            }
        }
    }
}

/// Removes the stack's data volume, once the last (stopped) task container that used it
/// is gone; the MongoDB root user lives in it, with the password of the run that made it.
fn remove_volume() {
    let volume = format!("{STACK}_data");
    let removed = until(
        &format!("the volume {volume} is removed"),
        Duration::from_secs(60),
        Duration::from_millis(500),
        || {
            let _ = docker(&["volume", "rm", &volume]);
            let there = docker(&["volume", "inspect", &volume]).status.success();
            ensure(!there, || "still there".into())
        },
    );
    if let Err(e) = removed {
        say(&format!("{e}: remove it by hand"));
    }
}

/// Waits (up to 60 s) until the stack's network and task containers are gone.
fn wait_gone() {
    let _ = until(
        "the stack is gone",
        Duration::from_secs(60),
        Duration::from_millis(500),
        || {
            let net = docker(&["network", "inspect", &format!("{STACK}_goals-net")]);
            let tasks = docker(&[
                "ps",
                "-aq",
                "--filter",
                &format!("label=com.docker.stack.namespace={STACK}"),
            ]);
            let left = String::from_utf8_lossy(&tasks.stdout).trim().to_owned();
            ensure(!net.status.success() && left.is_empty(), || {
                format!("network or tasks left: {left}")
            })
        },
    );
}

fn deploy(file: &std::path::Path, env: &[(&str, &str)]) {
    let out = Command::new("docker")
        .args(["stack", "deploy", "--resolve-image", "never", "-c"])
        .arg(file)
        .arg(STACK)
        .envs(env.iter().copied())
        .output()
        .expect("docker stack deploy");
    assert!(
        out.status.success(),
        "docker stack deploy: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits until every service of the stack runs all its replicas; returns how long it took.
/// Panics with the pending services and `docker stack ps` after `within`.
fn converge(within: Duration) -> Duration {
    let converged = until(
        "every replica of the stack runs",
        within,
        Duration::from_secs(1),
        || {
            let list = ok(&[
                "service",
                "ls",
                "--filter",
                &format!("label=com.docker.stack.namespace={STACK}"),
                "--format",
                "{{.Name}} {{.Replicas}}",
            ]);
            let pending: Vec<&str> = list
                .lines()
                .filter(|l| {
                    let r = l.split_whitespace().nth(1).unwrap_or("0/1");
                    let (a, b) = r.split_once('/').unwrap_or(("0", "1"));
                    a != b.split_whitespace().next().unwrap_or(b)
                })
                .collect();
            ensure(!list.is_empty() && pending.is_empty(), || {
                format!("pending: {pending:?}")
            })
        },
    );
    match converged {
        Ok(((), took)) => took,
        Err(e) => {
            let ps = docker(&["stack", "ps", "--no-trunc", STACK]);
            panic!("{e}\n{}", String::from_utf8_lossy(&ps.stdout))
        }
    }
}

/// Runs a Python snippet in the client container on the overlay; its stdout as JSON.
fn client_json(script: &str) -> Value {
    let out = docker(&["exec", CLIENT, CLIENT_PYTHON, "-c", script]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client script failed: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

fn start_client(image: &str) {
    let _ = docker(&["rm", "-f", CLIENT]);
    ok(&[
        "run",
        "-d",
        "--name",
        CLIENT,
        "--network",
        &format!("{STACK}_goals-net"),
        "--entrypoint",
        "sleep",
        image,
        "infinity",
    ]);
}

const RESOLVE: &str = r#"
import json, socket
ips = sorted({a[4][0] for a in socket.getaddrinfo("tasks.backend", 80, proto=socket.IPPROTO_TCP)})
print(json.dumps(ips))
"#;

/// Waits (up to 120 s) until every backend task answers /readyz 200: the database is up
/// and lets them in (Swarm's own health is liveness only).
const READY: &str = r#"
import json, socket, time, urllib.request
deadline = time.time() + 120
while True:
    ips = sorted({a[4][0] for a in socket.getaddrinfo("tasks.backend", 80, proto=socket.IPPROTO_TCP)})
    ready = []
    for ip in ips:
        try:
            with urllib.request.urlopen("http://%s/readyz" % ip, timeout=3) as r:
                ready.append(r.status == 200)
        except Exception:
            ready.append(False)
    if ips and all(ready):
        print(json.dumps({"ready": ips, "seconds": round(120 - (deadline - time.time()), 1)}))
        break
    if time.time() > deadline:
        print(json.dumps({"not_ready": ips, "ready": ready}))
        break
    time.sleep(1)
"#;

const NETWORK_MAP: &str = r#"
import json, urllib.request
with urllib.request.urlopen("http://frontend:3000/connections", timeout=10) as r:
    view = json.load(r)
print(json.dumps({c["upstream"]: c["replicas"] for c in view["frontend"]["connections"]}))
"#;

const SPREAD: &str = r#"
import json, urllib.request
seen = {}
for _ in range(40):
    with urllib.request.urlopen("http://backend/goals", timeout=5) as r:
        h = r.headers.get("X-Served-By")
        seen[h] = seen.get(h, 0) + 1
print(json.dumps(seen))
"#;

/// Writes goals until /tmp/stop exists: each request to the first address `backend`
/// resolves to; a refused (or reset) connection is retried once on the next address.
const WRITER: &str = r#"
import json, os, socket, time, http.client
acked, failed, retries, requests, n = [], [], 0, 0, 0
def post(ip, text):
    c = http.client.HTTPConnection(ip, 80, timeout=10)
    c.request("POST", "/goals", json.dumps({"text": text}), {"Content-Type": "application/json"})
    r = c.getresponse(); body = r.read(); c.close()
    return r.status, body
while not os.path.exists("/tmp/stop"):
    n += 1; requests += 1
    text = "swarm write %d" % n
    ips = [a[4][0] for a in socket.getaddrinfo("backend", 80, proto=socket.IPPROTO_TCP)]
    for attempt, ip in enumerate((ips + ips)[:2]):
        try:
            status, body = post(ip, text)
            (acked if status == 201 else failed).append(text if status == 201 else "%d %s" % (status, body[:100]))
            break
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected) as e:
            if attempt == 0:
                retries += 1
                continue
            failed.append("%s: %s" % (ip, e))
    time.sleep(0.02)
json.dump({"requests": requests, "retries": retries, "failed": failed, "acked": acked}, open("/tmp/writes.json", "w"))
"#;

const STORED: &str = r#"
import json, os
from pymongo import MongoClient
pw = open("/tmp/pw").read()
c = MongoClient("mongodb", 27017, username="root", password=pw, authSource="admin", directConnection=True)
texts = [d.get("text") for d in c["course-goals"]["goals"].find({}, {"text": 1})]
out = {"count": len(texts)}
if os.path.exists("/tmp/writes.json"):
    w = json.load(open("/tmp/writes.json"))
    out["lost"] = [t for t in w["acked"] if texts.count(t) == 0]
    out["doubled"] = [t for t in w["acked"] if texts.count(t) > 1]
    out.update({k: w[k] for k in ("requests", "retries", "failed")})
    out["acked"] = len(w["acked"])
print(json.dumps(out))
"#;

#[test]
fn swarm_stack_deploys_scales_updates_and_keeps_data() {
    e2e::docker::require_engine("swarm_stack");
    let prefix = std::env::var("SWARM_IMAGE_PREFIX").unwrap_or_else(|_| "goals-e2e".into());
    for svc in ["backend", "favorites", "frontend", "swapi"] {
        let image = format!("{prefix}-{svc}:latest");
        assert!(
            docker(&["image", "inspect", &image]).status.success(),
            "image {image} is missing: the swarm phase uses the images of the compose phase \
             (scripts/test.sh images compose swarm), or set SWARM_IMAGE_PREFIX"
        );
    }
    let mongo_image = std::env::var("MONGO_IMAGE").unwrap_or_else(|_| {
        if docker(&["image", "inspect", "mongo:8"]).status.success() {
            "mongo:8".into()
        } else {
            "goals-ci-secantusdb".into()
        }
    });
    // the client has Python and pymongo: the CI stand-in image (a debian with both)
    let client_image = "goals-ci-secantusdb";

    let state = ok(&["info", "-f", "{{.Swarm.LocalNodeState}}"]);
    let gwbridge_before = docker(&["network", "inspect", "docker_gwbridge"])
        .status
        .success();
    let mut cleanup = Cleanup {
        left_swarm: false,
        gwbridge_before,
    };
    if state == "inactive" {
        say("docker swarm init (this engine was in no swarm; it leaves again at the end)");
        let out = docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
        if !out.status.success() {
            ok(&["swarm", "init"]);
        }
        cleanup.left_swarm = true;
    } else {
        say(&format!(
            "this engine is in a swarm already ({state}): using it"
        ));
    }
    // leftovers of an aborted run
    let _ = docker(&["rm", "-f", CLIENT]);
    let _ = docker(&["stack", "rm", STACK]);
    wait_gone();
    remove_volume();
    let _ = docker(&["secret", "rm", SECRET]);

    let password = format!("swarm-{}", test_support::unique_suffix());
    let mut secret = Command::new("docker")
        .args(["secret", "create", SECRET, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    secret
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    assert!(secret.wait().unwrap().success(), "docker secret create");

    let stack = std::fs::read_to_string(workspace_root().join("deploy/swarm/stack.yml")).unwrap();
    let dir = test_support::TempDir::new("swarm-stack");
    let file = dir.path().join("stack.yml");
    std::fs::write(&file, for_this_machine(&stack)).unwrap();
    let env = [
        ("IMAGE_PREFIX", prefix.as_str()),
        ("IMAGE_TAG", "latest"),
        ("MONGO_IMAGE", mongo_image.as_str()),
        ("MONGO_SECRET", SECRET),
        ("SWAPI_REPLICAS", "1"),
        ("SWAPI_BASE_URL", "http://swapi:8000/api"),
    ];
    say("docker stack deploy (dnsrr, no published ports: the override for this machine)");
    deploy(&file, &env);
    let took = converge(Duration::from_secs(240));
    say(&format!("all replicas running in {took:?}"));

    // no password in any service's environment
    for svc in ["mongodb", "backend", "favorites", "frontend"] {
        let spec = ok(&[
            "service",
            "inspect",
            &format!("{STACK}_{svc}"),
            "-f",
            "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
        ]);
        assert!(
            !spec.contains(&password),
            "{svc}: the password is in its environment: {spec}"
        );
    }

    start_client(client_image);
    let ready = client_json(READY);
    say(&format!("every backend ready: {ready}"));
    assert!(ready.get("not_ready").is_none(), "{ready}");
    let ips = client_json(RESOLVE);
    say(&format!("tasks.backend -> {ips}"));
    assert_eq!(ips.as_array().unwrap().len(), 3, "tasks.backend: {ips}");
    // the network map shows the replicas behind the service name
    let map = client_json(NETWORK_MAP);
    say(&format!("the frontend's /connections: {map}"));
    assert_eq!(map["goals API"].as_array().map(Vec::len), Some(3), "{map}");
    let spread = client_json(SPREAD);
    say(&format!("40 requests answered by {spread}"));
    assert!(
        spread.as_object().unwrap().len() > 1,
        "one replica answered everything: {spread}"
    );

    // a rolling update under a steady stream of writes
    ok(&[
        "exec",
        CLIENT,
        "sh",
        "-c",
        &format!("printf %s '{password}' > /tmp/pw"),
    ]);
    let writer = Command::new("docker")
        .args(["exec", CLIENT, CLIENT_PYTHON, "-c", WRITER])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    say("docker service update --force (start-first, one at a time) while writing");
    let t0 = Instant::now();
    ok(&[
        "service",
        "update",
        "--force",
        "--detach=false",
        "--quiet",
        &format!("{STACK}_backend"),
    ]);
    say(&format!("rolling update done in {:?}", t0.elapsed()));
    std::thread::sleep(Duration::from_secs(3));
    ok(&["exec", CLIENT, "touch", "/tmp/stop"]);
    let _ = writer.wait_with_output();
    let result = client_json(STORED);
    println!(
        "[swarm] rolling update: requests {}, retries {}, failed {}, acknowledged {}, stored {}",
        result["requests"],
        result["retries"],
        result["failed"].as_array().map_or(0, Vec::len),
        result["acked"],
        result["count"]
    );
    assert_eq!(result["failed"], serde_json::json!([]), "{result}");
    assert_eq!(result["lost"], serde_json::json!([]), "{result}");
    assert_eq!(result["doubled"], serde_json::json!([]), "{result}");
    assert!(result["acked"].as_u64().unwrap() > 50, "{result}");

    // a killed task is replaced
    let victim = ok(&[
        "ps",
        "-q",
        "--filter",
        &format!("label=com.docker.swarm.service.name={STACK}_backend"),
    ]);
    let victim = victim
        .lines()
        .next()
        .expect("a backend container")
        .to_owned();
    ok(&["kill", &victim]);
    say(&format!("killed backend container {victim}"));
    std::thread::sleep(Duration::from_secs(2));
    let took = converge(Duration::from_secs(120));
    let running = ok(&[
        "ps",
        "-q",
        "--filter",
        &format!("label=com.docker.swarm.service.name={STACK}_backend"),
    ]);
    assert_eq!(running.lines().count(), 3, "{running}");
    assert!(
        !running.lines().any(|c| c == victim),
        "the killed container is back?"
    );
    say(&format!("a new task took its place ({took:?})"));

    // the data survives docker stack rm and a new deploy
    let before = client_json(STORED)["count"].as_u64().unwrap();
    ok(&["rm", "-f", CLIENT]);
    ok(&["stack", "rm", STACK]);
    wait_gone();
    deploy(&file, &env);
    converge(Duration::from_secs(240));
    start_client(client_image);
    ok(&[
        "exec",
        CLIENT,
        "sh",
        "-c",
        &format!("printf %s '{password}' > /tmp/pw"),
    ]);
    let after = client_json(STORED)["count"].as_u64().unwrap();
    say(&format!(
        "goals stored before stack rm: {before}, after a new deploy: {after}"
    ));
    assert_eq!(after, before);
    drop(cleanup);
}

#[test]
fn swarm_override_for_this_machine_uses_dnsrr_and_publishes_nothing() {
    let stack = std::fs::read_to_string(workspace_root().join("deploy/swarm/stack.yml")).unwrap();
    // the students' file: Swarm's defaults (virtual IPs, ingress ports)
    assert!(stack.contains("\"${BACKEND_PORT:-80}:80\""));
    assert!(!stack.contains("dnsrr"));
    let doc: serde_yaml::Value = serde_yaml::from_str(&for_this_machine(&stack)).unwrap();
    for (name, svc) in doc["services"].as_mapping().unwrap() {
        assert!(svc.get("ports").is_none(), "{name:?}");
        assert_eq!(svc["deploy"]["endpoint_mode"], "dnsrr", "{name:?}");
    }
    assert_eq!(doc["services"]["backend"]["deploy"]["replicas"], 3);
    assert_eq!(
        doc["services"]["backend"]["deploy"]["update_config"]["order"],
        "start-first"
    );
    assert_eq!(
        doc["services"]["mongodb"]["deploy"]["update_config"]["order"],
        "stop-first"
    );
}
