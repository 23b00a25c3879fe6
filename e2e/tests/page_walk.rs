//! The page walk: every exercise page's shell blocks (` ```bash `), English and Korean, run in
//! order in one `bash`, as a student types them: starting in a copy of the project's folder,
//! with a scratch home (`~`), so that every `cd`, `mkdir`, file written, `sed`, `cp` and `tar`
//! really happens and every later command runs from the folder the page has put the student
//! in. A file the page asks the student to save (a Dockerfile block after "`Dockerfile.good`:")
//! is written there. What needs a Docker engine, a cluster, a database or the network
//! (`docker`, `curl`, `kubectl`, `kind`, `ansible-playbook`, `mongosh`, `cargo`, `sudo`, …) is
//! the stand-in `page_standin` (see its docs). It starts nothing; it checks what the student's
//! place and the page's earlier steps decide:
//! - every host path a command names exists from that folder (build contexts, Dockerfiles,
//!   bind-mount sources, env files, stack files, manifests, playbooks);
//! - `docker compose` and `docker stack deploy` files load with the real Compose CLI
//!   (`config`, no engine), with their env files, build contexts and bind-mount sources;
//! - a container a command names (`docker exec`, `logs`, `stop`, …) and a network `--network`
//!   names were made earlier on the page (`docker run --name`, `network create`, compose, a
//!   stack, `hosts.sh up`);
//! - a project image (`goals-…`, `course-…`: no registry has them) that a page runs, tags or
//!   pushes was built, tagged or pulled earlier on it (for a stack deployed with
//!   `--resolve-image never`, with the stack's tag), and each image a page builds is used there;
//! - `sed -i` (the real sed) changes the file it edits.
//!
//! The engine's side of each command is what the page's check runs (`tests/pages.rs` keeps the
//! two together). A page fails when a stand-in finds a problem, when bash or a real command
//! says a file or a command is not there ("No such file or directory", "command not found", …),
//! when the script stops before its last block, or when it runs for over 30 s.
//!
//! Modelled: `cd /path/to/the/project` (the pages' name for your checkout) goes to the
//! project's copy; a placeholder the student fills in (`<your machine's IP>`) becomes a word and
//! `docker ps -q` answers an ID; a block that opens a shell in a container (`docker exec -it
//! goals-hosts-1 sh`) and later `exit`s runs the lines between in a subshell whose paths under
//! `/course` are the project's (`scripts/hosts.sh` mounts the checkout there), and
//! `scripts/hosts.sh` itself is the stand-in; what a container writes into a bind mount and an
//! error a page shows on purpose are listed in [`ACCEPTED`]. `PAGE_WALK_ONLY=11` walks the pages
//! whose path has "11"; `PAGE_WALK_KEEP=1` keeps each page's folder, script and call log.

use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::pages::{code_blocks, exercise_pages, CodeBlock};
use e2e::workspace_root;

/// Tools the stand-in plays (on `PATH` before the machine's own).
const STANDINS: &[&str] = &[
    "docker",
    "curl",
    "wget",
    "kubectl",
    "kind",
    "minikube",
    "ansible-playbook",
    "mongosh",
    "mongod",
    "nc",
    "ip",
    "sudo",
    "sleep",
    "python3",
    "less",
    "cargo",
    "sed",
];

/// A stderr line with one of these is a problem of the page (the stand-in's own start with
/// `page-walk:`).
const FAILURE_MARKS: &[&str] = &[
    "page-walk:",
    "No such file or directory",
    "command not found",
    "syntax error",
    "unexpected end of file",
    "Not a directory",
    "cannot access",
    "cannot stat",
    "can't cd",
    "Permission denied",
];

/// Lines of the walk's stderr that are not a problem of the page (page, the text of the line,
/// why): what a container writes into a bind-mounted folder, which the page then looks at (the
/// stand-in starts no container), and an error the page shows on purpose. Each must still turn
/// up (a stale entry fails the walk).
const ACCEPTED: &[(&str, &str, &str)] = &[
    (
        "03-container-to-container",
        "the network favorites-net is not made earlier",
        "§3 shows the error of a network not made yet, then makes it",
    ),
    (
        "10-volumes",
        "from-container.txt",
        "§6's container writes it into the bind-mounted folder",
    ),
    (
        "16-hot-reload",
        "'target'",
        "§1's container builds into target/ of the bind-mounted folder",
    ),
    (
        "16-hot-reload",
        "'target/debug/hello'",
        "§1's container builds into target/ of the bind-mounted folder",
    ),
];

/// Container name prefixes a page opens a shell in, and the container's path that is the
/// project's folder there.
const SESSION_MOUNTS: &[(&str, &str)] = &[("goals-hosts-", "/course")];

/// The scratch machine of one page: a copy of the project, a home, the stand-ins.
struct Scratch {
    root: PathBuf,
    project: PathBuf,
    home: PathBuf,
    bin: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("page-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (project, home, bin) = (root.join("project"), root.join("home"), root.join("bin"));
        for dir in [&project, &home, &bin] {
            std::fs::create_dir_all(dir).unwrap();
        }
        copy_checkout(&project);
        let standin = Path::new(env!("CARGO_BIN_EXE_page_standin"));
        for tool in STANDINS {
            std::os::unix::fs::symlink(standin, bin.join(tool)).unwrap();
        }
        // hosts.sh starts engines and waits for them: the page runs it by its path
        let hosts = project.join("scripts/hosts.sh");
        assert!(hosts.exists(), "scripts/hosts.sh is not in the checkout");
        let hosts_name = regex::Regex::new(r"(?m)^NAME=\$\{HOSTS_NAME:-([a-z0-9-]+)\}")
            .unwrap()
            .captures(&std::fs::read_to_string(&hosts).unwrap())
            .map(|c| c[1].to_string())
            .expect("scripts/hosts.sh names its hosts NAME=${HOSTS_NAME:-…}");
        std::fs::write(root.join("hosts-name"), hosts_name).unwrap();
        std::fs::remove_file(&hosts).unwrap();
        std::os::unix::fs::symlink(standin, &hosts).unwrap();
        Scratch {
            root,
            project,
            home,
            bin,
        }
    }
}

/// Copies the checkout's tracked files (`git ls-files`) to `to`, with their modes.
fn copy_checkout(to: &Path) {
    let root = workspace_root();
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(&root)
        .output()
        .expect("the page walk copies the checkout with `git ls-files`: git is not installed");
    assert!(
        out.status.success(),
        "git ls-files failed in {}",
        root.display()
    );
    for file in out.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let rel = Path::new(std::str::from_utf8(file).unwrap());
        let (from, dest) = (root.join(rel), to.join(rel));
        if from.is_file() {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&from, &dest).unwrap();
        }
    }
}

/// The bash script of a page: its shell blocks in order, and each file the page asks the
/// student to save (a Dockerfile, `app.env`, …) written where the student then is; each block
/// after a `::block N` marker on stderr (N: its index in `blocks`), and `::end` at the end.
fn page_script(blocks: &[CodeBlock]) -> String {
    let mut script = String::from("cd \"$PAGE_WALK_PROJECT\" || exit 90\n");
    for (i, block) in blocks.iter().enumerate() {
        let text = if block.lang == "bash" {
            with_sessions(&filled_in(&block.text))
        } else if let Some(file) = &block.saved_as {
            format!(
                "cat > '{file}' <<'PAGE_WALK_EOF'\n{}PAGE_WALK_EOF\n",
                block.text
            )
        } else {
            continue;
        };
        script.push_str(&format!("printf '::block {i}\\n' >&2\n"));
        script.push_str(&text);
    }
    script.push_str("printf '::end\\n' >&2\n");
    script
}

/// A block as the student types it: `/path/to/the/project` is the project's copy, and a
/// placeholder the student replaces (`<your machine's IP>`, `<that id>`: words in angle
/// brackets with a space) becomes a word.
fn filled_in(block: &str) -> String {
    let placeholder = regex::Regex::new(r"<[A-Za-z][^<>'\n]* [^<>\n]*>").unwrap();
    let text = block.replace("/path/to/the/project", "\"$PAGE_WALK_PROJECT\"");
    placeholder.replace_all(&text, "placeholder").into_owned()
}

/// A block's lines, where a shell opened in a container (`docker exec -it NAME sh`) and left
/// with `exit` later in the block becomes a subshell with that container's mounts.
fn with_sessions(block: &str) -> String {
    let lines: Vec<&str> = block.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        out.push_str(lines[i]);
        out.push('\n');
        let opened = session_container(lines[i]);
        let closes = lines[i + 1..].iter().position(|l| {
            let l = l.split('#').next().unwrap_or("").trim();
            l == "exit" || l.starts_with("exit ")
        });
        if let (Some(container), Some(n)) = (opened, closes) {
            let mounts = SESSION_MOUNTS
                .iter()
                .find(|(prefix, _)| container.starts_with(prefix))
                .map(|(_, inside)| format!("{inside}=$PAGE_WALK_PROJECT"))
                .unwrap_or_default();
            out.push_str(&format!("( export PAGE_WALK_MOUNTS=\"{mounts}\"\n"));
            for l in &lines[i + 1..=i + 1 + n] {
                out.push_str(l);
                out.push('\n');
            }
            out.push_str(")\n");
            i += n + 2;
        } else {
            i += 1;
        }
    }
    out
}

/// The container a line opens an interactive shell in: `docker exec -it NAME sh|bash`.
fn session_container(line: &str) -> Option<String> {
    let words: Vec<&str> = line
        .split('#')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    match words.as_slice() {
        ["docker", "exec", "-it", name, "sh" | "bash"] => Some(name.to_string()),
        _ => None,
    }
}

/// What one page's walk found wrong, each a line naming the block (by its page line).
fn walk(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(page).unwrap();
    let blocks = code_blocks(&text);
    let name = page.file_name().unwrap().to_string_lossy().to_string();
    let scratch = Scratch::new(&name);
    let script = scratch.root.join("page.sh");
    std::fs::write(&script, page_script(&blocks)).unwrap();
    let log = scratch.root.join("calls.log");
    let path = format!(
        "{}:{}",
        scratch.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let docker = which(
        "docker",
        "to read compose files (its compose plugin; no engine needed; scripts/docker-prepare.sh \
         installs both)",
    );
    let out = Command::new("timeout")
        .args(["30", "bash", "--noprofile", "--norc"])
        .arg(&script)
        .current_dir(&scratch.home)
        .env("HOME", &scratch.home)
        .env("PATH", path)
        .env("PAGE_WALK_PROJECT", &scratch.project)
        .env("PAGE_WALK_LOG", &log)
        .env("PAGE_WALK_STATE", scratch.root.join("state"))
        .env(
            "PAGE_WALK_HOSTS_NAME",
            std::fs::read_to_string(scratch.root.join("hosts-name")).unwrap(),
        )
        .env("PAGE_WALK_DOCKER", &docker)
        .env("PAGE_WALK_SED", which("sed", "for the pages' edits"))
        .env_remove("PAGE_WALK_MOUNTS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = vec![];
    let stem = name.trim_end_matches(".md").trim_end_matches(".ko");
    let accepted: Vec<_> = ACCEPTED.iter().filter(|(p, _, _)| *p == stem).collect();
    let mut used = vec![false; accepted.len()];
    let mut block: Option<usize> = None;
    let mut ended = false;
    let at = |b: Option<usize>| {
        b.and_then(|b| blocks.get(b))
            .map_or("before the first block".to_string(), |b| {
                format!("block at line {}", b.line)
            })
    };
    for line in stderr.lines() {
        if let Some(n) = line.strip_prefix("::block ") {
            block = n.trim().parse().ok();
            continue;
        }
        if line == "::end" {
            ended = true;
            continue;
        }
        if FAILURE_MARKS.iter().any(|m| line.contains(m)) {
            match accepted.iter().position(|(_, text, _)| line.contains(text)) {
                Some(k) => used[k] = true,
                None => problems.push(format!("{name}, {}: {line}", at(block))),
            }
        }
    }
    if out.status.code() == Some(124) {
        problems.push(format!(
            "{name}: still running after 30 s, in the {}",
            at(block)
        ));
    } else if !ended {
        problems.push(format!(
            "{name}: the script stopped in the {} (exit {:?})",
            at(block),
            out.status.code()
        ));
    }
    for ((_, text, why), used) in accepted.iter().zip(&used) {
        if !used {
            problems.push(format!(
                "{name}: ACCEPTED lists {text} ({why}), but the walk no longer meets it"
            ));
        }
    }
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    problems.extend(
        unused_images(&calls, &blocks)
            .into_iter()
            .map(|i| format!("{name}: builds {i}, which nothing on the page uses")),
    );
    if !calls.lines().any(|l| l.starts_with("docker\t")) {
        problems.push(format!(
            "{name}: no docker command ran (is the walk reading the page?)"
        ));
    }
    let kept = format!(
        "{name}: its script, calls and files are kept in {}",
        scratch.root.display()
    );
    if !problems.is_empty() {
        problems.push(kept);
    } else if std::env::var_os("PAGE_WALK_KEEP").is_some() {
        eprintln!("{kept}");
    } else {
        let _ = std::fs::remove_dir_all(&scratch.root);
    }
    problems
}

/// The images a page builds (`docker build -t`, directly or by `exercises/build-images.sh`)
/// that no later command names and no file the page saves uses (`FROM goals-dev`): a
/// "Before you start" that builds more than the page needs costs the student minutes.
fn unused_images(calls: &str, blocks: &[CodeBlock]) -> Vec<String> {
    // (the call's words, whether the page made it rather than a script it ran)
    let lines: Vec<(Vec<&str>, bool)> = calls
        .lines()
        .filter(|l| !l.starts_with("PROBLEM\t"))
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            let words = fields.get(2).unwrap_or(&"").split(' ').collect();
            (words, fields.get(3).is_none_or(|s| s.is_empty()))
        })
        .collect();
    let saved: String = blocks
        .iter()
        .filter(|b| b.saved_as.is_some())
        .map(|b| b.text.as_str())
        .collect();
    let mut unused = vec![];
    for (i, (words, _)) in lines.iter().enumerate() {
        if words.first() != Some(&"build") {
            continue;
        }
        for tag in words.windows(2).filter(|w| w[0] == "-t").map(|w| w[1]) {
            let bare = tag.strip_suffix(":latest").unwrap_or(tag);
            let named_later = lines[i + 1..]
                .iter()
                .filter(|(_, page)| *page)
                .any(|(l, _)| {
                    l.iter().any(|w| {
                        let w = w.trim_matches(['"', '\'']);
                        w == tag || w == bare || w.starts_with(&format!("{bare}:"))
                    })
                });
            if !named_later && !saved.contains(bare) && !unused.contains(&tag.to_string()) {
                unused.push(tag.to_string());
            }
        }
    }
    unused
}

/// The real program `name` on `PATH` (the stand-ins are not on this process's PATH), which
/// the walk needs for `why`.
fn which(name: &str, why: &str) -> PathBuf {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("the page walk needs the real `{name}` {why}: it is not on PATH"))
}

#[test]
fn every_page_runs_in_order_from_the_folders_it_names() {
    let mut pages = vec![];
    for en in exercise_pages() {
        let ko = PathBuf::from(en.to_string_lossy().replace(".md", ".ko.md"));
        pages.push(en);
        pages.push(ko);
    }
    // PAGE_WALK_ONLY=11: the pages whose name has "11" (PAGE_WALK_KEEP=1 keeps their folders)
    let only = std::env::var("PAGE_WALK_ONLY").unwrap_or_default();
    let chosen: Vec<&PathBuf> = pages
        .iter()
        .filter(|p| p.to_string_lossy().contains(only.as_str()))
        .collect();
    // the pages in parallel, a few at a time (each is a bash and its stand-ins)
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let problems: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = chosen
            .chunks(chosen.len().div_ceil(workers).max(1))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().flat_map(|p| walk(p)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(!chosen.is_empty(), "PAGE_WALK_ONLY={only} chooses no page");
    assert!(
        problems.is_empty(),
        "{} problems in the page walk:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(pages.len(), 36, "18 exercise pages and their Korean twins");
    assert!(pages.iter().all(|p| p.exists()), "a Korean twin is missing");
}

#[test]
fn placeholders_become_words_and_redirections_stay() {
    assert_eq!(
        filled_in("curl http://<your machine's IP>:8000 > out\necho '<h1>hi</h1>' > x\ncd /path/to/the/project\n"),
        "curl http://placeholder:8000 > out\necho '<h1>hi</h1>' > x\ncd \"$PAGE_WALK_PROJECT\"\n"
    );
}

#[test]
fn a_shell_opened_in_a_host_runs_as_a_subshell_with_its_mounts() {
    let block = "docker exec -it goals-hosts-1 sh   # a shell\ndocker stack deploy -c /course/x.yml g\nexit\ndocker ps\n";
    let out = with_sessions(block);
    assert_eq!(
        out,
        "docker exec -it goals-hosts-1 sh   # a shell\n( export PAGE_WALK_MOUNTS=\"/course=$PAGE_WALK_PROJECT\"\ndocker stack deploy -c /course/x.yml g\nexit\n)\ndocker ps\n"
    );
    // without an exit in the block, the shell is the student's to leave: nothing changes
    let single = "docker exec -it box bash\ndocker ps\n";
    assert_eq!(with_sessions(single), single);
}
