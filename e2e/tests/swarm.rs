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
use e2e::swarm::{
    client_json, create_secret, for_this_machine, remove_leftovers, stack_file_for_this_machine,
    start_client, Stack, CLIENT_PYTHON, READY, STORED, WRITER,
};
use e2e::workspace_root;

const STACK: &str = "goals-swarm-test";
const SECRET: &str = "goals-swarm-test-mongo-password";
const CLIENT: &str = "goals-swarm-test-client";
const STACK_NET: &str = "goals-swarm-test_goals-net";

fn say(what: &str) {
    eprintln!("[swarm] {what}");
}

/// Undoes what the test made, newest first, even when it fails.
struct Cleanup {
    left_swarm: bool,
    gwbridge_before: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        say("cleaning up");
        remove_leftovers(&Stack(STACK), CLIENT, SECRET);
        if self.left_swarm {
            let _ = docker(&["swarm", "leave", "--force"]);
            if !self.gwbridge_before {
                let _ = docker(&["network", "rm", "docker_gwbridge"]);
            }
        }
    }
}

const RESOLVE: &str = r#"
import json, socket
ips = sorted({a[4][0] for a in socket.getaddrinfo("tasks.backend", 80, proto=socket.IPPROTO_TCP)})
print(json.dumps(ips))
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
    let stack = Stack(STACK);
    remove_leftovers(&stack, CLIENT, SECRET);

    let password = format!("swarm-{}", test_support::unique_suffix());
    create_secret(SECRET, &password);

    let (_dir, file) = stack_file_for_this_machine("swarm-stack");
    let env = [
        ("IMAGE_PREFIX", prefix.as_str()),
        ("IMAGE_TAG", "latest"),
        ("MONGO_IMAGE", mongo_image.as_str()),
        ("MONGO_SECRET", SECRET),
        ("SWAPI_REPLICAS", "1"),
        ("SWAPI_BASE_URL", "http://swapi:8000/api"),
    ];
    say("docker stack deploy (dnsrr, no published ports: the override for this machine)");
    stack.deploy(&file, &env, "never");
    let took = stack.converge(Duration::from_secs(240));
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

    start_client(CLIENT, client_image, STACK_NET, &password);
    let ready = client_json(CLIENT, READY);
    say(&format!("every backend ready: {ready}"));
    assert!(ready.get("not_ready").is_none(), "{ready}");
    let ips = client_json(CLIENT, RESOLVE);
    say(&format!("tasks.backend -> {ips}"));
    assert_eq!(ips.as_array().unwrap().len(), 3, "tasks.backend: {ips}");
    // the network map shows the replicas behind the service name
    let map = client_json(CLIENT, NETWORK_MAP);
    say(&format!("the frontend's /connections: {map}"));
    assert_eq!(map["goals API"].as_array().map(Vec::len), Some(3), "{map}");
    let spread = client_json(CLIENT, SPREAD);
    say(&format!("40 requests answered by {spread}"));
    assert!(
        spread.as_object().unwrap().len() > 1,
        "one replica answered everything: {spread}"
    );

    // a rolling update under a steady stream of writes
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
    let result = client_json(CLIENT, STORED);
    println!(
        "[swarm] rolling update: requests {}, retries {}, unanswered {}, failed {}, acknowledged {}, stored {}",
        result["requests"],
        result["retries"],
        result["unanswered"],
        result["failed"].as_array().map_or(0, Vec::len),
        result["acked"],
        result["count"]
    );
    assert_eq!(result["failed"], serde_json::json!([]), "{result}");
    assert_eq!(result["lost"], serde_json::json!([]), "{result}");
    assert_eq!(result["doubled"], serde_json::json!([]), "{result}");
    // a rolling update stops each replica gracefully: no answer is ever lost
    assert_eq!(result["unanswered"], 0, "{result}");
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
    let took = stack.converge(Duration::from_secs(120));
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
    let before = client_json(CLIENT, STORED)["count"].as_u64().unwrap();
    ok(&["rm", "-f", CLIENT]);
    stack.remove();
    stack.deploy(&file, &env, "never");
    stack.converge(Duration::from_secs(240));
    start_client(CLIENT, client_image, STACK_NET, &password);
    let after = client_json(CLIENT, STORED)["count"].as_u64().unwrap();
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
