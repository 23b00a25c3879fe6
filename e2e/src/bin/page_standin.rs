//! The page walk's stand-in for the tools of a student page that need a Docker engine, a
//! cluster, a database or the network (`docker`, `curl`, `kubectl`, `kind`, `ansible-playbook`,
//! `mongosh`, `sudo`, …): `tests/page_walk.rs` runs every page's shell blocks for real with
//! this program on `PATH` under those names (it looks at the name it was called by).
//!
//! It starts nothing. It checks what can go wrong because of *where* the student stands and
//! what the page did before: every host path a command names (a build context and its
//! Dockerfile, a bind mount's source, an `--env-file`, a compose or stack file, `kubectl
//! -f`/`-k`, a playbook, `curl -d @file`) must exist from the folder it is run in; `docker
//! compose` and `docker stack deploy` files are read by the real Compose CLI (`config`, which
//! needs no engine), so the project must load from that folder with its env files, build
//! contexts, Dockerfiles and bind-mount sources; a container, a network or one of the project's
//! images that a command names must have been made earlier on the page (see [`remember`]).
//!
//! Environment (set by the page walk):
//! - `PAGE_WALK_LOG`: a file; one line per call (`tool<TAB>folder<TAB>arguments<TAB>script`,
//!   the last the name of the script that made the call, "" for the page itself), and one
//!   `PROBLEM<TAB>…` line per problem found;
//! - `PAGE_WALK_DOCKER`: the real `docker` CLI (for `docker compose … config`);
//! - `PAGE_WALK_STATE`: a file of what the page has made (see [`remember`]), so that a
//!   command naming a container finds it made earlier on the page;
//! - `PAGE_WALK_SED`: the real `sed`, which `sed` runs after its check (see [`sed`]);
//! - `PAGE_WALK_MOUNTS`: `/inside=/outside` pairs, `:`-separated: inside a shell the page opened
//!   in a container (`docker exec -it goals-hosts-1 sh`), the container's paths that are the
//!   host's folders (hosts.sh mounts the checkout at `/course`).
//!
//! Exit status: 0, or 1 after printing each problem to stderr as `page-walk: TOOL: PROBLEM`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A command's findings: what is wrong, each a sentence naming the path and the folder.
type Problems = Vec<String>;

fn main() {
    let mut argv = std::env::args();
    let called = argv.next().unwrap_or_default();
    let tool = Path::new(&called)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let args: Vec<String> = argv.collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    log(&format!(
        "{tool}\t{}\t{}\t{}",
        cwd.display(),
        args.join(" "),
        calling_script()
    ));
    let at = Here::new(cwd);
    let problems = match tool.as_str() {
        "docker" => docker(&at, &args),
        "kubectl" => kubectl(&at, &args),
        "kind" => option_paths(&at, &args, &["--config", "--kubeconfig"]),
        "ansible-playbook" => ansible_playbook(&at, &args),
        "curl" => curl(&at, &args),
        "less" | "more" => positional_paths(&at, &args),
        "python3" | "python" => python(&at, &args),
        "pip" | "pip3" => pip(&called, &args),
        "cargo" => cargo(&at, &args),
        "hosts.sh" => hosts(&args),
        "sed" => sed(&at, &args),
        // mongosh, mongod, nc, ip, sudo, sleep, wget, minikube, a venv's programs:
        // nothing of theirs depends on the folder (sudo's commands touch the engine's machine)
        _ => vec![],
    };
    if problems.is_empty() {
        return;
    }
    for p in &problems {
        eprintln!("page-walk: {tool}: {p}");
        log(&format!("PROBLEM\t{tool}: {p}"));
    }
    std::process::exit(1);
}

/// The script this call comes from when it is not the page's own shell: the name of a `*.sh`
/// on the parent process's command line (`build-images.sh`), else "" (read from Linux's
/// `/proc`; "" elsewhere).
fn calling_script() -> String {
    let parent = std::os::unix::process::parent_id();
    let cmdline = std::fs::read(format!("/proc/{parent}/cmdline")).unwrap_or_default();
    cmdline
        .split(|b| *b == 0)
        .skip(1)
        .map(String::from_utf8_lossy)
        .find(|a| a.ends_with(".sh") && !a.ends_with("page.sh"))
        .and_then(|a| a.rsplit('/').next().map(str::to_string))
        .unwrap_or_default()
}

/// Appends `line` to the file the environment variable `var` names (nothing without it).
fn append(var: &str, line: &str) {
    if let Some(file) = std::env::var_os(var) {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// Appends a line to `PAGE_WALK_LOG`.
fn log(line: &str) {
    append("PAGE_WALK_LOG", line);
}

/// The folder a command runs in, and how the paths it names are found on this machine.
struct Here {
    cwd: PathBuf,
    /// (inside, outside): a container's path prefix that is a host folder
    mounts: Vec<(String, PathBuf)>,
}

impl Here {
    fn new(cwd: PathBuf) -> Self {
        let mounts = std::env::var("PAGE_WALK_MOUNTS")
            .unwrap_or_default()
            .split(':')
            .filter_map(|pair| pair.split_once('='))
            .map(|(i, o)| (i.to_string(), PathBuf::from(o)))
            .collect();
        Here { cwd, mounts }
    }

    /// Where `path` (as the command was given it) is on this machine.
    fn resolve(&self, path: &str) -> PathBuf {
        if let Some(rest) = path.strip_prefix("~/") {
            return PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(rest);
        }
        for (inside, outside) in &self.mounts {
            if let Some(rest) = path.strip_prefix(inside.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return outside.join(rest.trim_start_matches('/'));
                }
            }
        }
        self.cwd.join(path)
    }

    /// A problem if `path` does not exist (`what` says what it is: "the build context").
    fn exists(&self, what: &str, path: &str, problems: &mut Problems) {
        if !self.resolve(path).exists() {
            problems.push(format!(
                "{what} {path} does not exist in {}",
                self.cwd.display()
            ));
        }
    }

    /// A problem if the folder a file would be written to does not exist.
    fn parent_exists(&self, what: &str, path: &str, problems: &mut Problems) {
        let full = self.resolve(path);
        if !full.parent().is_some_and(Path::exists) {
            problems.push(format!(
                "the folder of {what} {path} does not exist in {}",
                self.cwd.display()
            ));
        }
    }
}

/// A command line read as options and operands: `value_options` take the next word (or
/// `=value`, or for a short option the rest of its word: `-v/data`); every other word starting
/// with `-` is a flag, reported as unknown when `flags` is given and does not list it. Stops at
/// the first operand when `stop_at_operand` (after it come a subcommand's or a container's own
/// words, in `rest`).
#[derive(Default)]
struct Parsed<'a> {
    options: Vec<(String, String)>,
    operands: Vec<String>,
    rest: &'a [String],
    unknown: Vec<String>,
}

impl Parsed<'_> {
    /// The values of the options named `names`, in order.
    fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> + 's {
        self.options
            .iter()
            .filter(move |(n, _)| names.contains(&n.as_str()))
            .map(|(_, v)| v.as_str())
    }
}

fn parse<'a>(
    args: &'a [String],
    value_options: &[&str],
    flags: Option<&[&str]>,
    stop_at_operand: bool,
) -> Parsed<'a> {
    let mut p = Parsed::default();
    let known_flag = |name: &str| flags.is_none_or(|f| f.contains(&name));
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "--" {
            p.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (a.to_string(), None),
            };
            if value_options.contains(&name.as_str()) {
                let value = inline.or_else(|| {
                    i += 1;
                    args.get(i - 1).cloned()
                });
                p.options.push((name, value.unwrap_or_default()));
            } else if !known_flag(&name) {
                p.unknown.push(name);
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            // a cluster of short options: -it, -dp 80:80, -v/data
            let chars: Vec<char> = a[1..].chars().collect();
            for (k, c) in chars.iter().enumerate() {
                let name = format!("-{c}");
                if value_options.contains(&name.as_str()) {
                    let tail: String = chars[k + 1..].iter().collect();
                    let value = if tail.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned().unwrap_or_default()
                    } else {
                        tail
                    };
                    p.options.push((name, value));
                    break;
                } else if !known_flag(&name) {
                    p.unknown.push(name);
                }
            }
            continue;
        }
        p.operands.push(a.to_string());
        if stop_at_operand {
            p.rest = &args[i..];
            break;
        }
    }
    p
}

/// Appends a fact of what the page made to `PAGE_WALK_STATE`, one of: `container NAME`,
/// `prefix P` (containers `P1`, `P2`, …: compose's `PROJECT-SERVICE-`, hosts.sh's hosts),
/// `network NAME`, `image NAME:TAG`.
fn remember(fact: &str) {
    append("PAGE_WALK_STATE", fact);
}

/// What the page has made so far (`PAGE_WALK_STATE`), a fact a line; "" without it.
fn made() -> String {
    std::env::var_os("PAGE_WALK_STATE")
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default()
}

/// Whether a container called `name` was made earlier on the page: by `docker run --name`, by
/// compose (its `PROJECT-SERVICE-N` or `container_name`), or is one `PAGE_WALK_STATE` starts
/// with (the walk lists what the page's scripts make, as hosts.sh's hosts).
fn known_container(name: &str) -> bool {
    let state = made();
    state.lines().any(|fact| match fact.split_once(' ') {
        Some(("container", c)) => c == name,
        Some(("prefix", p)) => name
            .strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
        _ => false,
    })
}

/// `NAME` as `NAME:latest` when it has no tag (a `:` after the last `/`) and no digest.
fn with_tag(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') || image.contains('@') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

/// A problem when `image` is one of this project's, which no registry has (its repository is
/// `goals-…` or `course-…`), and the page has not built, tagged or pulled it before (`docker
/// build -t`, `exercises/build-images.sh`, `docker tag`, `docker pull`): `docker run` would
/// answer "pull access denied".
fn local_image_made(image: &str) -> Problems {
    let repository = image.rsplit('/').next().unwrap_or(image);
    let ours = repository.starts_with("goals-") || repository.starts_with("course-");
    if !ours || image.starts_with('$') || image.starts_with("placeholder") {
        return vec![];
    }
    let state = made();
    let wanted = format!("image {}", with_tag(image));
    if state.lines().any(|l| l == wanted) {
        return vec![];
    }
    vec![format!(
        "the image {image} is not built, tagged or pulled earlier on this page (its \
         \"Before you start\" builds the project's images)"
    )]
}

/// Remembers the networks a compose project or stack makes: `PROJECT_KEY`, or the `name:`
/// one gives (compose's `config` prints every network's full name; a stack's is
/// `STACK_KEY` unless its file gives a name).
fn remember_networks(project: &serde_json::Value, prefix: &str) {
    for (key, network) in project["networks"].as_object().into_iter().flatten() {
        remember(&format!("network {prefix}_{key}"));
        if let Some(name) = network["name"].as_str() {
            remember(&format!("network {name}"));
        }
    }
}

/// A problem when `--network NAME` names a network that is not Docker's own (`bridge`, `host`,
/// `none`, `container:…`) and the page did not make earlier (`docker network create`, a
/// compose project or a stack): the student would get "network NAME not found".
fn network_made(name: &str) -> Problems {
    if matches!(name, "bridge" | "host" | "none" | "default")
        || name.starts_with("container:")
        || name.starts_with('$')
    {
        return vec![];
    }
    let state = made();
    if state
        .lines()
        .any(|l| l.strip_prefix("network ") == Some(name))
    {
        return vec![];
    }
    vec![format!(
        "the network {name} is not made earlier on this page"
    )]
}

/// `scripts/hosts.sh up N` makes the hosts `NAME-1` … `NAME-N` (`PAGE_WALK_HOSTS_NAME`, read
/// by the walk from the real script).
fn hosts(args: &[String]) -> Problems {
    if args.first().is_some_and(|a| a == "up") {
        let name = std::env::var("PAGE_WALK_HOSTS_NAME").unwrap_or_default();
        remember(&format!("prefix {name}-"));
    }
    vec![]
}

/// `docker exec NAME …`, `docker logs NAME`, `docker stop NAME…` and the like: each container
/// they name was made earlier on the page (a name that changed between two steps is a
/// "No such container" for the student).
fn named_containers(sub: &str, args: &[String]) -> Problems {
    let values: &[&str] = match sub {
        "exec" => &[
            "-e",
            "--env",
            "-u",
            "--user",
            "-w",
            "--workdir",
            "--env-file",
        ],
        "logs" => &["-n", "--tail", "--since", "--until"],
        "stop" | "restart" => &["-t", "--time", "-s", "--signal"],
        "kill" => &["-s", "--signal"],
        "top" => &[],
        _ => &["--detach-keys"],
    };
    // exec and port name one container (then its command or port); the others, several
    let one = matches!(sub, "exec" | "port" | "top");
    let p = parse(args, values, None, one);
    let names: Vec<&String> = if one {
        p.operands.iter().take(1).collect()
    } else {
        p.operands.iter().collect()
    };
    names
        .into_iter()
        // an ID the student copies from an output (`<one of their IDs>`, `$(docker ps -q …)`)
        .filter(|n| !n.starts_with("placeholder") && !known_container(n))
        .map(|n| format!("docker {sub} {n}: no container of that name was made on this page"))
        .collect()
}

/// `docker`'s options before its subcommand that take a value.
const DOCKER_GLOBAL: &[&str] = &[
    "-H",
    "--host",
    "--context",
    "-c",
    "--config",
    "-l",
    "--log-level",
];

fn docker(at: &Here, args: &[String]) -> Problems {
    let global = parse(args, DOCKER_GLOBAL, None, true);
    let (Some(sub), rest) = (global.operands.first().map(String::as_str), global.rest) else {
        return vec![];
    };
    let (sub, rest) = match (sub, rest.first().map(String::as_str)) {
        ("container", Some(s @ ("run" | "create" | "cp"))) => (s, &rest[1..]),
        ("image" | "buildx", Some("build")) => ("build", &rest[1..]),
        ("image", Some(s @ ("tag" | "pull" | "push"))) => (s, &rest[1..]),
        (s, _) => (s, rest),
    };
    match sub {
        "build" => docker_build(at, rest),
        "run" | "create" => docker_run(at, rest),
        "exec" | "logs" | "stop" | "start" | "restart" | "kill" | "port" | "top" | "pause"
        | "unpause" | "wait" | "diff" | "attach" => named_containers(sub, rest),
        "cp" => docker_cp(at, rest),
        "compose" => docker_compose(at, rest),
        "stack" if rest.first().is_some_and(|s| s == "deploy") => stack_deploy(at, &rest[1..]),
        "secret" | "config" if rest.first().is_some_and(|s| s == "create") => {
            let p = parse(
                &rest[1..],
                &["-l", "--label", "-d", "--driver"],
                None,
                false,
            );
            let mut problems = vec![];
            if let Some(file) = p.operands.get(1).filter(|f| *f != "-") {
                at.exists("the file", file, &mut problems);
            }
            problems
        }
        "ps" if rest
            .iter()
            .any(|a| a == "-q" || a == "--quiet" || a == "-aq" || a == "-qa") =>
        {
            println!("placeholder-id");
            vec![]
        }
        "network" => {
            let values = [
                "-d",
                "--driver",
                "--subnet",
                "--gateway",
                "--ip-range",
                "-o",
                "--opt",
                "--label",
                "--ip",
                "--alias",
            ];
            let p = parse(rest.get(1..).unwrap_or_default(), &values, None, false);
            match (rest.first().map(String::as_str), p.operands.first()) {
                (Some("create"), Some(name)) => {
                    remember(&format!("network {name}"));
                    vec![]
                }
                (Some("connect" | "disconnect"), Some(name)) => network_made(name),
                _ => vec![],
            }
        }
        "load" => option_paths(at, rest, &["-i", "--input"]),
        "tag" => match rest {
            [from, to] => {
                remember(&format!("image {}", with_tag(to)));
                local_image_made(from)
            }
            _ => vec!["docker tag takes a source and a target".into()],
        },
        "pull" | "push" => {
            let p = parse(rest, &["--platform"], None, false);
            let mut problems = vec![];
            for image in &p.operands {
                if sub == "pull" {
                    remember(&format!("image {}", with_tag(image)));
                } else {
                    problems.extend(local_image_made(image));
                }
            }
            problems
        }
        "save" => {
            let p = parse(rest, &["-o", "--output", "--platform"], None, false);
            let mut problems = vec![];
            for file in p.values(&["-o", "--output"]) {
                at.parent_exists("the output file", file, &mut problems);
            }
            problems
        }
        _ => vec![],
    }
}

fn docker_build(at: &Here, args: &[String]) -> Problems {
    let values = [
        "-f",
        "--file",
        "-t",
        "--tag",
        "--build-arg",
        "--target",
        "--platform",
        "--progress",
        "--secret",
        "--ssh",
        "--cache-from",
        "--cache-to",
        "--label",
        "--network",
        "--iidfile",
        "-o",
        "--output",
        "--build-context",
        "--add-host",
        "--shm-size",
        "--ulimit",
    ];
    let flags = [
        "--no-cache",
        "--pull",
        "-q",
        "--quiet",
        "--load",
        "--push",
        "--rm",
        "--force-rm",
        "--check",
    ];
    let p = parse(args, &values, Some(&flags), false);
    let mut problems = unknown("docker build", &p.unknown);
    for tag in p.values(&["-t", "--tag"]) {
        remember(&format!("image {}", with_tag(tag)));
    }
    let Some(context) = p.operands.last().map(String::as_str) else {
        problems.push("no build context (the PATH at the end of docker build)".into());
        return problems;
    };
    let remote = context == "-" || context.contains("://") || context.starts_with("git@");
    if !remote {
        at.exists("the build context", context, &mut problems);
    }
    match p.values(&["-f", "--file"]).last() {
        Some("-") => {}
        Some(file) => at.exists("the Dockerfile", file, &mut problems),
        None if !remote => at.exists(
            "the Dockerfile",
            &format!("{}/Dockerfile", context.trim_end_matches('/')),
            &mut problems,
        ),
        None => {}
    }
    for (name, value) in &p.options {
        match name.as_str() {
            "--secret" => {
                if let Some(src) = value
                    .split(',')
                    .find_map(|kv| kv.strip_prefix("src=").or(kv.strip_prefix("source=")))
                {
                    at.exists("the secret's file", src, &mut problems);
                }
            }
            "--iidfile" => at.parent_exists("the ID file", value, &mut problems),
            _ => {}
        }
    }
    problems
}

/// `docker run`'s and `docker create`'s options that take a value (the ones without are in
/// [`RUN_FLAGS`]; any other option is reported, so that a page's new option is not misread).
const RUN_VALUES: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-v",
    "--volume",
    "--mount",
    "-p",
    "--publish",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "-h",
    "--hostname",
    "--add-host",
    "--entrypoint",
    "-l",
    "--label",
    "--restart",
    "--link",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-timeout",
    "--health-start-period",
    "--memory",
    "-m",
    "--cpus",
    "--ip",
    "--dns",
    "--platform",
    "--stop-signal",
    "--stop-timeout",
    "--pid",
    "--ipc",
    "--cap-add",
    "--cap-drop",
    "--tmpfs",
    "--log-driver",
    "--log-opt",
    "--pull",
    "--security-opt",
    "--ulimit",
    "--volumes-from",
    "--expose",
    "--device",
    "--sysctl",
    "--shm-size",
    "--userns",
    "--cgroupns",
    "-a",
    "--attach",
    "--mac-address",
];
const RUN_FLAGS: &[&str] = &[
    "-d",
    "--detach",
    "-i",
    "--interactive",
    "-t",
    "--tty",
    "--rm",
    "--init",
    "-P",
    "--publish-all",
    "--privileged",
    "--read-only",
    "--no-healthcheck",
    "-q",
    "--quiet",
    "--sig-proxy",
    "--oom-kill-disable",
];

fn docker_run(at: &Here, args: &[String]) -> Problems {
    let p = parse(args, RUN_VALUES, Some(RUN_FLAGS), true);
    let mut problems = unknown("docker run", &p.unknown);
    match p.operands.first() {
        None => problems.push("no image named".into()),
        Some(image) => problems.extend(local_image_made(image)),
    }
    for name in p.values(&["--name"]) {
        remember(&format!("container {name}"));
    }
    for network in p.values(&["--network", "--net"]) {
        problems.extend(network_made(network));
    }
    for (name, value) in &p.options {
        match name.as_str() {
            "-v" | "--volume" => {
                // SOURCE:TARGET[:OPTIONS]; a lone path (`-v /data`) is an anonymous volume
                let source = value.split_once(':').map_or("", |(s, _)| s);
                if source.starts_with(['/', '.', '~']) {
                    at.exists("the bind mount's source", source, &mut problems);
                }
            }
            "--mount" => {
                let kv: Vec<(&str, &str)> = value
                    .split(',')
                    .filter_map(|kv| kv.split_once('='))
                    .collect();
                if kv.iter().any(|(k, v)| *k == "type" && *v == "bind") {
                    if let Some((_, src)) = kv.iter().find(|(k, _)| matches!(*k, "source" | "src"))
                    {
                        at.exists("the bind mount's source", src, &mut problems);
                    }
                }
            }
            "--env-file" => at.exists("the env file", value, &mut problems),
            _ => {}
        }
    }
    problems
}

fn docker_cp(at: &Here, args: &[String]) -> Problems {
    let p = parse(args, &[], None, false);
    let mut problems = vec![];
    if let [from, to] = &p.operands[..] {
        if !from.contains(':') && from != "-" {
            at.exists("the file to copy", from, &mut problems);
        }
        if !to.contains(':') && to != "-" {
            at.parent_exists("the destination", to, &mut problems);
        }
    } else {
        problems.push("docker cp takes a source and a destination".into());
    }
    problems
}

/// `docker compose`'s options before its subcommand that take a value.
const COMPOSE_GLOBAL: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--profile",
    "--env-file",
    "--project-directory",
    "--ansi",
    "--progress",
    "--parallel",
];

/// Subcommands that work from the project's name alone (`-p NAME`), without its file.
const COMPOSE_BY_NAME: &[&str] = &["down", "ps", "logs", "stop", "rm", "kill", "top", "ls"];

fn docker_compose(at: &Here, args: &[String]) -> Problems {
    let p = parse(args, COMPOSE_GLOBAL, None, true);
    let sub = p.operands.first().map_or("", String::as_str);
    let named = p.values(&["-p", "--project-name"]).next().is_some();
    let Some(docker) = std::env::var_os("PAGE_WALK_DOCKER") else {
        return vec!["PAGE_WALK_DOCKER is not set: the real docker CLI reads compose files".into()];
    };
    let mut globals: Vec<String> = vec!["compose".into()];
    for (name, value) in &p.options {
        globals.push(format!("{name}={value}"));
    }
    let config = |extra: &[&str]| {
        Command::new(&docker)
            .args(&globals)
            .arg("config")
            .args(extra)
            .current_dir(&at.cwd)
            .output()
    };
    let out = match config(&["--format", "json"]) {
        Ok(out) => out,
        Err(e) => return vec![format!("could not run the docker CLI for compose: {e}")],
    };
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        if named && COMPOSE_BY_NAME.contains(&sub) && stderr.contains("no configuration file") {
            return vec![];
        }
        return vec![format!(
            "the project does not load from {}: {stderr}",
            at.cwd.display()
        )];
    }
    let mut problems = vec![];
    if stderr.contains("variable is not set") {
        problems.push(format!("compose warns: {stderr}"));
    }
    let project: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => return vec![format!("compose config printed no JSON: {e}")],
    };
    let services = project["services"].as_object().cloned().unwrap_or_default();
    let project_name = project["name"].as_str().unwrap_or_default();
    log_images_used(at, &services);
    remember_networks(&project, project_name);
    for (name, service) in &services {
        match service["container_name"].as_str() {
            Some(fixed) => remember(&format!("container {fixed}")),
            None => remember(&format!("prefix {project_name}-{name}-")),
        }
    }
    for (name, service) in services {
        if let Some(context) = service["build"]["context"].as_str() {
            let context = PathBuf::from(context);
            if !context.is_dir() {
                problems.push(format!(
                    "service {name}: the build context {} does not exist",
                    context.display()
                ));
            } else if let Some(file) = service["build"]["dockerfile"].as_str() {
                if !context.join(file).exists() {
                    problems.push(format!(
                        "service {name}: the Dockerfile {file} is not in {}",
                        context.display()
                    ));
                }
            }
        }
        for volume in service["volumes"].as_array().into_iter().flatten() {
            if volume["type"] == "bind" {
                let source = volume["source"].as_str().unwrap_or("");
                let create = volume["bind"]["create_host_path"].as_bool() == Some(true);
                if !Path::new(source).exists() && !create {
                    problems.push(format!(
                        "service {name}: the bind mount's source {source} does not exist"
                    ));
                } else if !Path::new(source).exists() {
                    problems.push(format!(
                        "service {name}: the bind mount's source {source} does not exist \
                         (Docker would make it an empty folder)"
                    ));
                }
            }
        }
    }
    problems
}

/// Logs the images a compose project's or stack's services name (`uses<TAB>folder<TAB>images`),
/// so that the walk sees them used.
fn log_images_used(at: &Here, services: &serde_json::Map<String, serde_json::Value>) {
    let images: Vec<&str> = services
        .values()
        .filter_map(|s| s["image"].as_str())
        .collect();
    log(&format!(
        "uses\t{}\t{}\t",
        at.cwd.display(),
        images.join(" ")
    ));
}

/// `docker stack deploy -c FILE… NAME`: each file exists and loads (the real Compose CLI reads
/// it, with the variables the page set); with `--resolve-image never` the engine uses only
/// its own images, so each of this project's images the stack names must have been built or
/// tagged earlier on the page, with that tag.
fn stack_deploy(at: &Here, args: &[String]) -> Problems {
    let p = parse(
        args,
        &["-c", "--compose-file", "--resolve-image"],
        None,
        false,
    );
    let mut problems = vec![];
    let local_only = p.values(&["--resolve-image"]).any(|v| v == "never");
    for file in p.values(&["-c", "--compose-file"]) {
        let path = at.resolve(file);
        if !path.exists() {
            problems.push(format!(
                "the stack file {file} does not exist in {}",
                at.cwd.display()
            ));
            continue;
        }
        let Some(docker) = std::env::var_os("PAGE_WALK_DOCKER") else {
            return vec![
                "PAGE_WALK_DOCKER is not set: the real docker CLI reads stack files".into(),
            ];
        };
        let out = Command::new(&docker)
            .args(["compose", "-f"])
            .arg(&path)
            .args(["config", "--format", "json"])
            .current_dir(&at.cwd)
            .output();
        let project: serde_json::Value = match out {
            Ok(out) if out.status.success() => {
                serde_json::from_slice(&out.stdout).unwrap_or_default()
            }
            Ok(out) => {
                problems.push(format!(
                    "the stack file {file} does not load: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                continue;
            }
            Err(e) => return vec![format!("could not run the docker CLI: {e}")],
        };
        let services = project["services"].as_object().cloned().unwrap_or_default();
        log_images_used(at, &services);
        if let Some(stack) = p.operands.last() {
            remember_networks(&project, stack);
        }
        if local_only {
            for image in services.values().filter_map(|s| s["image"].as_str()) {
                problems.extend(local_image_made(image));
            }
        }
    }
    problems
}

fn kubectl(at: &Here, args: &[String]) -> Problems {
    let p = parse(
        args,
        &[
            "-f",
            "--filename",
            "-k",
            "--kustomize",
            "--from-file",
            "--from-env-file",
            "--kubeconfig",
            "-n",
            "--namespace",
            "-o",
            "--output",
            "-l",
            "--selector",
            "--image",
            "--restart",
            "--context",
            "--type",
            "--for",
            "--timeout",
            "-c",
            "--container",
            "--overrides",
            "--override-type",
            "--replicas",
            "--port",
            "--from-literal",
            "--field-selector",
            "--tail",
        ],
        None,
        false,
    );
    let mut problems = vec![];
    for (name, value) in &p.options {
        match name.as_str() {
            "-f" | "--filename" if value != "-" && !value.contains("://") => {
                at.exists("the manifest", value, &mut problems)
            }
            "-k" | "--kustomize" => at.exists("the kustomization folder", value, &mut problems),
            "--from-file" | "--from-env-file" => {
                let path = value.split_once('=').map_or(value.as_str(), |(_, p)| p);
                at.exists("the file", path, &mut problems)
            }
            "--kubeconfig" => at.exists("the kubeconfig", value, &mut problems),
            _ => {}
        }
    }
    problems
}

fn ansible_playbook(at: &Here, args: &[String]) -> Problems {
    let p = parse(
        args,
        &[
            "-i",
            "--inventory",
            "-e",
            "--extra-vars",
            "-t",
            "--tags",
            "--skip-tags",
            "-l",
            "--limit",
            "-c",
            "--connection",
            "-u",
            "--user",
        ],
        None,
        false,
    );
    let mut problems = vec![];
    for playbook in &p.operands {
        at.exists("the playbook", playbook, &mut problems);
    }
    for (name, value) in &p.options {
        match name.as_str() {
            "-i" | "--inventory" if !value.contains(',') => {
                at.exists("the inventory", value, &mut problems)
            }
            "-e" | "--extra-vars" if value.starts_with('@') => {
                at.exists("the variables file", &value[1..], &mut problems)
            }
            _ => {}
        }
    }
    problems
}

fn curl(at: &Here, args: &[String]) -> Problems {
    let p = parse(
        args,
        &[
            "-d",
            "--data",
            "--data-binary",
            "--data-urlencode",
            "-F",
            "--form",
            "-T",
            "--upload-file",
            "-o",
            "--output",
            "-K",
            "--config",
            "-H",
            "--header",
            "-X",
            "--request",
            "-u",
            "--user",
            "-m",
            "--max-time",
            "-w",
            "--write-out",
            "--cacert",
            "--cert",
            "--key",
            "--connect-timeout",
            "--retry",
            "-A",
            "--user-agent",
        ],
        None,
        false,
    );
    let mut problems = vec![];
    for (name, value) in &p.options {
        match name.as_str() {
            "-d" | "--data" | "--data-binary" | "--data-urlencode" | "-F" | "--form" => {
                if let Some(file) = value.split_once('@').map(|(_, f)| f) {
                    if !file.is_empty() && file != "-" && (name != "-F" || !file.contains(';')) {
                        at.exists("the file to send", file, &mut problems);
                    }
                }
            }
            "-T" | "--upload-file" | "-K" | "--config" | "--cacert" | "--cert" | "--key" => {
                at.exists("the file", value, &mut problems)
            }
            "-o" | "--output" if value != "/dev/null" => {
                at.parent_exists("the output file", value, &mut problems)
            }
            _ => {}
        }
    }
    problems
}

fn option_paths(at: &Here, args: &[String], names: &[&str]) -> Problems {
    let p = parse(args, names, None, false);
    let mut problems = vec![];
    for (_, value) in &p.options {
        at.exists("the file", value, &mut problems);
    }
    problems
}

fn positional_paths(at: &Here, args: &[String]) -> Problems {
    let mut problems = vec![];
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        at.exists("the file", a, &mut problems);
    }
    problems
}

/// `python3 -m venv DIR` makes what a venv has that a page then runs: `DIR/bin/python` and
/// `DIR/bin/pip`, as this stand-in.
fn python(at: &Here, args: &[String]) -> Problems {
    if let [m, venv, dir, ..] = args {
        if m == "-m" && venv == "venv" {
            let bin = at.resolve(dir).join("bin");
            if std::fs::create_dir_all(&bin).is_err() {
                return vec![format!("cannot make the venv {dir}")];
            }
            for name in ["python", "python3", "pip"] {
                link_standin(&bin.join(name));
            }
        }
    }
    vec![]
}

/// `DIR/bin/pip install PACKAGE…` adds the programs a package installs to `DIR/bin`.
fn pip(called: &str, args: &[String]) -> Problems {
    /// (package, the console scripts it installs)
    const SCRIPTS: &[(&str, &[&str])] = &[("secantusdb", &["secantusd-py"])];
    if args.first().is_some_and(|a| a == "install") {
        let bin = Path::new(called).parent().unwrap_or(Path::new("."));
        for spec in &args[1..] {
            let name = spec
                .split(['=', '<', '>', '[', '~', '!'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            for (package, scripts) in SCRIPTS {
                if name == *package {
                    for s in *scripts {
                        link_standin(&bin.join(s));
                    }
                }
            }
        }
    }
    vec![]
}

/// Makes `at` a link to this program (the stand-in's own file, wherever it was called from).
fn link_standin(at: &Path) {
    if let Ok(me) = std::env::current_exe() {
        let _ = std::fs::remove_file(at);
        #[cfg(unix)]
        let _ = std::os::unix::fs::symlink(me, at);
    }
}

/// `sed -i EXPRESSION FILE…` (a page's edit of a file): the real sed, run first without `-i`
/// to see that the edit changes the file (a pattern that no longer matches leaves the student
/// wondering why nothing reloads), then for real. Without `-i`, just the real sed.
fn sed(at: &Here, args: &[String]) -> Problems {
    let Some(real) = std::env::var_os("PAGE_WALK_SED") else {
        return vec!["PAGE_WALK_SED is not set: sed is the real one, after a check".into()];
    };
    let mut problems = vec![];
    let in_place = args.iter().any(|a| a == "-i" || a.starts_with("-i"));
    if in_place {
        let dry: Vec<&String> = args.iter().filter(|a| !a.starts_with("-i")).collect();
        let files: Vec<&String> = args
            .iter()
            .skip_while(|a| a.starts_with('-'))
            .skip(1)
            .collect();
        let before: String = files
            .iter()
            .map(|f| std::fs::read_to_string(at.resolve(f)).unwrap_or_default())
            .collect();
        match Command::new(&real).args(&dry).current_dir(&at.cwd).output() {
            Ok(out) if out.status.success() && out.stdout == before.as_bytes() => problems.push(
                format!("sed {} changes nothing in {}", dry[0], at.cwd.display()),
            ),
            _ => {}
        }
    }
    match Command::new(&real).args(args).current_dir(&at.cwd).status() {
        Ok(status) if status.success() => problems,
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => vec![format!("could not run the real sed: {e}")],
    }
}

/// `cargo run -p PACKAGE` (the pages run the services on the machine): the folder must be in
/// a Cargo workspace (a `Cargo.toml` here or above) that has the package.
fn cargo(at: &Here, args: &[String]) -> Problems {
    let Some(root) = at.cwd.ancestors().find(|d| d.join("Cargo.toml").is_file()) else {
        return vec![format!(
            "no Cargo.toml in {} or above: cargo runs from the project's folder",
            at.cwd.display()
        )];
    };
    let p = parse(
        args,
        &["-p", "--package", "--bin", "--features", "--manifest-path"],
        None,
        false,
    );
    let mut problems = vec![];
    for package in p.values(&["-p", "--package"]) {
        let line = format!("name = \"{package}\"");
        let found = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .any(|d| {
                std::fs::read_to_string(d.path().join("Cargo.toml"))
                    .is_ok_and(|t| t.lines().any(|l| l.trim() == line))
            });
        if !found {
            problems.push(format!(
                "the workspace at {} has no package {package}",
                root.display()
            ));
        }
    }
    problems
}

fn unknown(command: &str, options: &[String]) -> Problems {
    options
        .iter()
        .map(|o| format!("{command}: option {o} is not known to the page walk's stand-in (add it to its table)"))
        .collect()
}
