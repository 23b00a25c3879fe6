//! What the Swarm suites share (`tests/swarm.rs` on one node, `tests/multihost.rs` on three):
//! the stack file as these machines deploy it, deploying a stack and waiting for it, the
//! MongoDB password as a Docker secret, a client container on the stack's overlay network
//! that runs Python (the CI MongoDB stand-in's, with pymongo), and the writer and the count
//! of what was stored that judge a run under faults.
//!
//! Every `docker` call goes to the engine of the process's `DOCKER_HOST` (this machine's by
//! default; the multi-host suite points it at its manager node).

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::docker::{docker, docker_ok as ok};
use crate::report::ensure;
use crate::wait::until;

/// The client image's Python, with pymongo (the CI MongoDB stand-in's own).
pub const CLIENT_PYTHON: &str = "/opt/secantus/bin/python";

fn say(what: &str) {
    eprintln!("[swarm] {what}");
}

/// The stack file as deployed on these machines: every service `endpoint_mode: dnsrr`
/// (no virtual IP: this kernel has no IPVS) and no published ports (no ingress routing mesh
/// here). `stack` is the text of `deploy/swarm/stack.yml`; the result is YAML.
pub fn for_this_machine(stack: &str) -> String {
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

/// A stack by its name (`docker stack deploy … NAME`).
pub struct Stack<'a>(pub &'a str);

impl Stack<'_> {
    /// `docker stack deploy -c file NAME` with `env` set; `resolve_image` is `never` for
    /// images that exist only on this engine, `always` for images from a registry. Panics
    /// with docker's output when it fails.
    pub fn deploy(&self, file: &std::path::Path, env: &[(&str, &str)], resolve_image: &str) {
        let out = Command::new("docker")
            .args(["stack", "deploy", "--resolve-image", resolve_image, "-c"])
            .arg(file)
            .arg(self.0)
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

    /// The service's full name (`NAME_service`).
    pub fn service(&self, service: &str) -> String {
        format!("{}_{service}", self.0)
    }

    /// Services of the stack not running all their replicas, as `name running/wanted`.
    pub fn pending(&self) -> Vec<String> {
        let list = ok(&[
            "service",
            "ls",
            "--filter",
            &format!("label=com.docker.stack.namespace={}", self.0),
            "--format",
            "{{.Name}} {{.Replicas}}",
        ]);
        if list.is_empty() {
            return vec!["(no service yet)".into()];
        }
        list.lines()
            .filter(|l| {
                let r = l.split_whitespace().nth(1).unwrap_or("0/1");
                let (a, b) = r.split_once('/').unwrap_or(("0", "1"));
                a != b.split_whitespace().next().unwrap_or(b)
            })
            .map(str::to_owned)
            .collect()
    }

    /// Waits until every service of the stack runs all its replicas; returns how long it
    /// took. Panics with the pending services and `docker stack ps` after `within`.
    pub fn converge(&self, within: Duration) -> Duration {
        let converged = until(
            "every replica of the stack runs",
            within,
            Duration::from_secs(1),
            || {
                let pending = self.pending();
                ensure(pending.is_empty(), || format!("pending: {pending:?}"))
            },
        );
        match converged {
            Ok(((), took)) => took,
            Err(e) => {
                let ps = docker(&["stack", "ps", "--no-trunc", self.0]);
                panic!("{e}\n{}", String::from_utf8_lossy(&ps.stdout))
            }
        }
    }

    /// Waits (up to 60 s) until the stack's network and task containers are gone from this
    /// engine.
    pub fn wait_gone(&self) {
        let _ = until(
            "the stack is gone",
            Duration::from_secs(60),
            Duration::from_millis(500),
            || {
                let net = docker(&["network", "inspect", &format!("{}_goals-net", self.0)]);
                let tasks = docker(&[
                    "ps",
                    "-aq",
                    "--filter",
                    &format!("label=com.docker.stack.namespace={}", self.0),
                ]);
                let left = String::from_utf8_lossy(&tasks.stdout).trim().to_owned();
                ensure(!net.status.success() && left.is_empty(), || {
                    format!("network or tasks left: {left}")
                })
            },
        );
    }

    /// Removes the stack's data volume once the last (stopped) task container that used it
    /// is gone; the MongoDB root user lives in it, with the password of the run that made it.
    pub fn remove_volume(&self) {
        let volume = format!("{}_data", self.0);
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

    /// `docker stack rm`, then [`Stack::wait_gone`].
    pub fn remove(&self) {
        let _ = docker(&["stack", "rm", self.0]);
        self.wait_gone();
    }
}

/// Removes what a Swarm suite makes on its engine, if there: the client container, the stack
/// (waiting until it is gone), its data volume and the secret. Before a run (leftovers of an
/// aborted one) and in its clean-up.
pub fn remove_leftovers(stack: &Stack, client: &str, secret: &str) {
    let _ = docker(&["rm", "-f", "-v", client]);
    stack.remove();
    stack.remove_volume();
    let _ = docker(&["secret", "rm", secret]);
}

/// `deploy/swarm/stack.yml` made [`for_this_machine`], written to a new temporary folder
/// named after `prefix`: the folder (removed when dropped) and the file's path.
pub fn stack_file_for_this_machine(prefix: &str) -> (test_support::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(crate::workspace_root().join("deploy/swarm/stack.yml"))
        .expect("deploy/swarm/stack.yml");
    let dir = test_support::TempDir::new(prefix);
    let file = dir.path().join("stack.yml");
    std::fs::write(&file, for_this_machine(&text)).expect("write the stack file");
    (dir, file)
}

/// `docker secret create name -` with `value` on its standard input (never in an argument or
/// the environment). Panics when it fails.
pub fn create_secret(name: &str, value: &str) {
    use std::io::Write;
    let mut secret = Command::new("docker")
        .args(["secret", "create", name, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("docker secret create");
    secret
        .stdin
        .take()
        .unwrap()
        .write_all(value.as_bytes())
        .unwrap();
    assert!(secret.wait().unwrap().success(), "docker secret create");
}

/// A client container named `name`, from `image` (one with [`CLIENT_PYTHON`]), attached to
/// `network`, idle until removed; `password` (the database's) written to its `/tmp/pw` for
/// [`STORED`].
pub fn start_client(name: &str, image: &str, network: &str, password: &str) {
    let _ = docker(&["rm", "-f", "-v", name]);
    ok(&[
        "run",
        "-d",
        "--name",
        name,
        "--network",
        network,
        "--entrypoint",
        "sleep",
        image,
        "infinity",
    ]);
    ok(&[
        "exec",
        name,
        "sh",
        "-c",
        &format!("printf %s '{password}' > /tmp/pw"),
    ]);
}

/// Runs a Python snippet in the client container; its stdout as JSON. Panics with what it
/// printed when it fails.
pub fn client_json(client: &str, script: &str) -> Value {
    let out = docker(&["exec", client, CLIENT_PYTHON, "-c", script]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client script failed: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Waits (up to 120 s) until every backend task answers /readyz 200: the database is up
/// and lets them in (Swarm's own health is liveness only).
pub const READY: &str = r#"
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

/// Writes goals (`"<prefix> <n>"`, unique) through the backend until `/tmp/stop` exists in
/// the client, `WRITERS` threads at once, one request each every `PAUSE` seconds (both read
/// from the environment of `docker exec`; defaults 1 and 0.02). Each request goes to the
/// first address `backend` resolves to (dnsrr: every replica's, in the order Swarm's DNS
/// gives them). A connection that cannot be made (refused, reset, no answer within 2 s) is
/// retried once on the next address; so is a request sent whose answer never came (10 s):
/// its text is noted as `unanswered`, since the first attempt may have been stored. Writes
/// `/tmp/writes.json`: `requests`, `retries`, `failed` (what went wrong, each), `acked` (texts
/// answered 201), `unanswered`, `served_by` (answers per replica host name).
pub const WRITER: &str = r#"
import json, os, socket, threading, time, http.client
PAUSE = float(os.environ.get("PAUSE", "0.02"))
lock = threading.Lock()
out = {"requests": 0, "retries": 0, "failed": [], "acked": [], "unanswered": [], "served_by": {}}
def post(ip, text):
    c = http.client.HTTPConnection(ip, 80, timeout=2)
    try:
        c.connect()
    except OSError as e:
        raise ConnectionError("no connection: %s" % e)
    c.sock.settimeout(10)
    try:
        c.request("POST", "/goals", json.dumps({"text": text}), {"Content-Type": "application/json"})
        r = c.getresponse(); body = r.read()
    except (OSError, http.client.HTTPException) as e:
        raise TimeoutError("no answer: %s" % e)
    finally:
        c.close()
    return r.status, body, r.headers.get("X-Served-By")
def writer(name):
    n = 0
    while not os.path.exists("/tmp/stop"):
        n += 1
        text = "%s %d" % (name, n)
        try:
            ips = [a[4][0] for a in socket.getaddrinfo("backend", 80, proto=socket.IPPROTO_TCP)]
        except OSError as e:
            ips = []
        with lock: out["requests"] += 1
        last = "backend resolves to nothing"
        for attempt, ip in enumerate((ips + ips)[:2]):
            try:
                status, body, by = post(ip, text)
                with lock:
                    if status == 201:
                        out["acked"].append(text)
                        out["served_by"][by] = out["served_by"].get(by, 0) + 1
                    else:
                        out["failed"].append("%s: %d %s" % (text, status, body[:100]))
                break
            except (ConnectionError, TimeoutError) as e:
                last = "%s: %s" % (ip, e)
                with lock:
                    if isinstance(e, TimeoutError): out["unanswered"].append(text)
                    if attempt == 0: out["retries"] += 1
        else:
            with lock: out["failed"].append("%s: %s" % (text, last))
        time.sleep(PAUSE)
threads = [threading.Thread(target=writer, args=("%s-%d" % (os.environ.get("PREFIX", "write"), i),))
           for i in range(int(os.environ.get("WRITERS", "1")))]
for t in threads: t.start()
for t in threads: t.join()
json.dump(out, open("/tmp/writes.json", "w"))
"#;

/// Counts the goals stored (pymongo, straight to `mongodb`, with the password in `/tmp/pw`)
/// and judges `/tmp/writes.json` against them: `count` (all goals), `lost` (acknowledged,
/// not stored), `doubled` (acknowledged, stored more than once, without a lost answer to
/// explain it), `stored_unacknowledged` (copies of texts beyond the acknowledged one: stored
/// by an attempt whose answer was lost), and the writer's `requests`, `retries`, `failed`,
/// `acked` (a count), `unanswered` (a count), `served_by`.
pub const STORED: &str = r#"
import json, os, collections
from pymongo import MongoClient
pw = open("/tmp/pw").read()
c = MongoClient("mongodb", 27017, username="root", password=pw, authSource="admin", directConnection=True)
texts = collections.Counter(d.get("text") for d in c["course-goals"]["goals"].find({}, {"text": 1}))
out = {"count": sum(texts.values())}
if os.path.exists("/tmp/writes.json"):
    w = json.load(open("/tmp/writes.json"))
    acked, unanswered = set(w["acked"]), set(w["unanswered"])
    out["lost"] = [t for t in w["acked"] if texts[t] == 0]
    out["doubled"] = [t for t in w["acked"] if texts[t] > 1 and t not in unanswered]
    out["stored_unacknowledged"] = sum(texts[t] - (1 if t in acked else 0) for t in unanswered if texts[t] > 0)
    out.update({k: w[k] for k in ("requests", "retries", "failed", "served_by")})
    out["acked"] = len(w["acked"])
    out["unanswered"] = len(w["unanswered"])
print(json.dumps(out))
"#;
