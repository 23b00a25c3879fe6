//! The hot-reload development stack (docker-compose.dev.yml) end to end
//! (`scripts/test.sh dev`):
//!   1. copy the sources to a temporary directory (never the checkout itself);
//!   2. bring backend + favorites up under cargo-watch (project `$DEV_PROJECT`, default
//!      `goals-dev-e2e`);
//!   3. change a handler's response text in the bind-mounted copy, poll until the new text
//!      is served, and report the seconds from the save to the changed response; restore,
//!      again;
//!   4. bring the frontend up under cargo-watch (scripts/build-frontend.sh: server + wasm,
//!      then the server, with LIVE_RELOAD=1); change a visible text of a page, poll until
//!      the server-rendered HTML has it (save → served seconds) and the live-reload boot id
//!      has changed; restore, again (`DEV_FRONTEND=0` leaves the frontend out;
//!      `DEV_FRONTEND_LIMIT`, default 600, is the seconds a frontend rebuild may take);
//!   5. check that the host's target/ (a marker file) and every other file of the copy are
//!      untouched.
//!
//! Ports: `BACKEND_PORT` and `FAVORITES_PORT` when set, else free ports; the frontend on a
//! free port. The database is the CI stand-in (`docker/ci/compose.ci.yml`) where no
//! registry has the `mongo` image (`MONGO_OVERRIDE=none` uses the official one).
//! Containers, networks and the database and logs volumes are removed at the end, even on
//! failure; the `target` and `cargo-home` volumes stay as build caches (remove them with
//! `docker volume rm goals-dev-e2e_target goals-dev-e2e_cargo-home`).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use e2e::clip;
use e2e::compose::{env_port, Project};
use e2e::docker::{health, require_compose};
use e2e::http::Http;
use e2e::report::{ensure, same, Report};
use e2e::wait::{secs, until, Ticker, PROGRESS_EVERY};
use e2e::{copy_sources, edit, workspace_root};
use test_support::process::output_text;
use test_support::{free_port, unique_suffix, TempDir};

/// The backend's answer to deleting a goal that does not exist (the contract's message).
const NOT_FOUND: &str = "\"Goal not found.\"";
/// The code of the backend's handler that answers it (backend/src/routes.rs): a save
/// replaces it with a literal of its own (the backend alone rebuilds, not the contract's
/// other users).
const NOT_FOUND_CODE: &str = "ApiError::not_found(goals::NOT_FOUND)";
/// The start of the page's lead text, as frontend/src/goals.rs has it.
const LEAD: &str = "What do you want to learn in this course?";

fn var_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

/// Every file below `dir` but its top-level `target/`, with a hash of its content (of its
/// target for a link).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, u64> {
    fn walk(dir: &Path, base: &Path, into: &mut BTreeMap<PathBuf, u64>) {
        for entry in std::fs::read_dir(dir).expect("read a directory of the copy") {
            let path = entry.expect("a directory entry").path();
            let rel = path.strip_prefix(base).unwrap().to_owned();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if rel == Path::new("target") {
                continue;
            }
            let mut h = std::collections::hash_map::DefaultHasher::new();
            if meta.is_dir() {
                walk(&path, base, into);
                continue;
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&path).unwrap().hash(&mut h);
            } else {
                std::fs::read(&path).unwrap_or_default().hash(&mut h);
            }
            into.insert(rel, h.finish());
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The files that differ between two snapshots (changed, new or gone), at most five.
fn changed(before: &BTreeMap<PathBuf, u64>, after: &BTreeMap<PathBuf, u64>) -> Vec<String> {
    let keys: std::collections::BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .take(5)
        .map(|k| k.display().to_string())
        .collect()
}

/// Whether cargo-watch's log says the command it ran failed (`Exit status: 1`…`9…`).
fn run_failed(log: &str) -> bool {
    log.match_indices("Exit status: ").any(|(i, m)| {
        log[i + m.len()..]
            .bytes()
            .next()
            .is_some_and(|b| (b'1'..=b'9').contains(&b))
    })
}

/// Waits up to `limit` until `svc` is healthy under cargo-watch, printing the newest log
/// line every 30 s (the first build compiles every dependency). A check either way.
fn wait_healthy(r: &mut Report, p: &Project, svc: &str, limit: Duration) -> bool {
    let mut ticker = Ticker::new(PROGRESS_EVERY);
    let waited = until(
        &format!("{svc} healthy"),
        limit,
        Duration::from_secs(1),
        || {
            let Some(c) = p.container(svc) else {
                return Ok(Err(format!("the {svc} container is gone")));
            };
            let state = health(&c);
            if state == "healthy" {
                return Ok(Ok(()));
            }
            let last = p.logs(&[svc], Some(1)).trim().to_owned();
            if run_failed(&last) {
                let logs = p.logs(&[svc], Some(30));
                let shown: Vec<&str> = logs.lines().filter(|l| !l.contains("Compiling")).collect();
                return Ok(Err(format!(
                    "the first build of {svc} failed inside the container:\n{}",
                    shown.join("\n")
                )));
            }
            if ticker.due() {
                println!(
                    "  ... still building ({} s): {}",
                    ticker.elapsed().as_secs(),
                    clip(&last, 120)
                );
            }
            Err(state)
        },
    );
    let name = format!("{svc} becomes healthy under cargo-watch");
    match waited {
        Ok((Ok(()), took)) => {
            r.pass(&format!("{name}: after {} s", secs(took)));
            true
        }
        Ok((Err(why), _)) | Err(why) => {
            r.fail(&name, &why);
            false
        }
    }
}

/// Polls `url` (`method`) every 0.1 s until its body contains `text`: the seconds since
/// the save.
fn served(
    http: &Http,
    method: &str,
    url: &str,
    text: &str,
    limit: Duration,
) -> Result<Duration, String> {
    until(
        &format!("{text:?} served"),
        limit,
        Duration::from_millis(100),
        || {
            let reply = http.send(method, url, None, None);
            reply.contains(text).map(drop)
        },
    )
    .map(|((), took)| took)
}

/// The times the stack's reloads took, for the closing lines.
#[derive(Default)]
struct Timings {
    /// From `compose up` to the first page served (the first build included).
    up_to_first_page: Option<Duration>,
    /// The first save of the backend after the first page, then every one.
    backend: Vec<Duration>,
    frontend_first: Option<String>,
    frontend: Vec<Duration>,
    shared: Vec<Duration>,
    /// One backend save with cargo-watch polling (`WATCH_POLL=1`).
    polled: Option<Duration>,
}

/// The median of `times` (the middle one; the mean of the two middle ones), or `None`.
fn median(times: &[Duration]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// `"2.1 s, 1.9 s (median 2.0 s)"`.
fn listed(times: &[Duration]) -> String {
    let all: Vec<String> = times.iter().map(|t| format!("{} s", secs(*t))).collect();
    match median(times) {
        Some(m) => format!("{} (median {} s)", all.join(", "), secs(m)),
        None => "not measured".into(),
    }
}

/// How many edit-and-restore pairs each reload is measured with: `DEV_ROUNDS`, default 1
/// (the benchmark passes 2: four saves, a median of four).
fn rounds() -> usize {
    var_or("DEV_ROUNDS", "1")
        .parse()
        .expect("DEV_ROUNDS: a count")
}

#[test]
fn dev_stack_serves_edited_backend_and_frontend_code_without_touching_the_host() {
    require_compose("dev_stack");
    let root = workspace_root();
    let work = TempDir::new("goals-dev-e2e");
    copy_sources(&root, work.path());
    let before = snapshot(work.path());
    // stands for the host's own build output: the containers must leave it as it is
    let marker = work.path().join("target/HOST_MARKER");
    std::fs::create_dir_all(marker.parent().unwrap()).unwrap();
    std::fs::write(&marker, "host build output").unwrap();

    let (project, [backend_port, favorites_port, frontend_port]) =
        dev_project(work.path(), "docker-compose.dev.yml");
    let p = &project;
    let http = Http::with_timeout(Duration::from_secs(5));
    let mut times = Timings::default();
    let mut r = Report::new("dev");

    // the database image is the images phase's (scripts/docker-prepare.sh), as in the
    // compose suite; the services share the development image
    r.phase("build the development image");
    p.clean(); // what an aborted run left
    if let Err(e) = p.build(&["prebuild"]) {
        r.fatal("compose build prebuild", &e);
    }
    let with_frontend = var_or("DEV_FRONTEND", "1") == "1";
    let services: &[&str] = if with_frontend {
        &["mongodb", "prebuild", "backend", "favorites", "frontend"]
    } else {
        &["mongodb", "prebuild", "backend", "favorites"]
    };
    r.phase("up: the first build (prebuild: backend, favorites, frontend), then the watchers");
    let up = std::time::Instant::now();
    if let Err(e) = up_with_progress(p, services) {
        r.fatal("compose up -d", &e);
    }
    let first_page = if with_frontend {
        format!("http://127.0.0.1:{frontend_port}/")
    } else {
        format!("http://127.0.0.1:{backend_port}/goals")
    };
    match served(&http, "GET", &first_page, "", Duration::from_secs(600)) {
        Ok(_) => {
            let took = up.elapsed();
            r.pass(&format!("compose up -> the first page: {} s", secs(took)));
            r.note(&prebuild_steps(&p.logs(&["prebuild"], None)));
            times.up_to_first_page = Some(took);
        }
        Err(e) => r.fatal("the first page is served", &e),
    }

    if r.failures() == 0 {
        backend_edits(
            &mut r,
            work.path(),
            &http,
            backend_port,
            "backend hot reload: the first save after the first page, then more",
            &mut times.backend,
        );
    }

    if r.failures() == 0 && with_frontend {
        let limit: u64 = var_or("DEV_FRONTEND_LIMIT", "600")
            .parse()
            .expect("DEV_FRONTEND_LIMIT: seconds");
        frontend(
            &mut r,
            p,
            work.path(),
            &http,
            frontend_port,
            Duration::from_secs(limit),
            &mut times,
        );
    }

    if r.failures() == 0 {
        r.phase("the host's files: untouched by the containers");
        // the build output lives in the volume, not in the bind-mounted sources
        r.check(
            "the host's target/ is untouched (the volume shields it)",
            || {
                let left: Vec<String> = std::fs::read_dir(work.path().join("target"))
                    .map_err(|e| e.to_string())?
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                same("target/", left, vec!["HOST_MARKER".to_owned()])?;
                same(
                    "HOST_MARKER",
                    std::fs::read_to_string(&marker)
                        .unwrap_or_default()
                        .as_str(),
                    "host build output",
                )
            },
        );
        let after = snapshot(work.path());
        r.check(
            "no file of the bind-mounted sources was changed by the containers",
            || {
                let files = changed(&before, &after);
                ensure(files.is_empty(), || {
                    format!("changed by the containers: {files:?}")
                })
            },
        );
        r.check("the binary is in the target volume", || {
            ensure(
                p.exec_ok(
                    "backend",
                    &["test", "-x", "/workspace/target/debug/backend"],
                ),
                || "no /workspace/target/debug/backend".into(),
            )
        });
    }

    if r.failures() == 0 && with_frontend {
        shared_edit(
            &mut r,
            work.path(),
            &http,
            [backend_port, favorites_port, frontend_port],
            &mut times,
        );
    }

    if r.failures() == 0 {
        polled_edit(&mut r, p, work.path(), &http, backend_port, &mut times);
    }

    print_timings("the bind-mount way (docker-compose.dev.yml)", &times);
    r.finish();
}

/// The second way (docker-compose.watch.yml, for Docker Desktop): the sources copied into
/// the image, Compose's file watching syncing each save into the containers, cargo-watch
/// there. The same project as the bind-mount way, so the same `target` volume: its build
/// cache is warm.
#[test]
fn dev_stack_watch_serves_saves_synced_by_compose_watch() {
    require_compose("dev_stack");
    let root = workspace_root();
    let work = TempDir::new("goals-dev-watch-e2e");
    copy_sources(&root, work.path());
    let (project, [backend_port, _, frontend_port]) =
        dev_project(work.path(), "docker-compose.watch.yml");
    let p = &project;
    let http = Http::with_timeout(Duration::from_secs(5));
    let mut times = Timings::default();
    let mut r = Report::new("dev (compose watch)");

    r.phase("build the development image with the sources in it (target dev-src)");
    p.clean();
    if let Err(e) = p.build(&["prebuild"]) {
        r.fatal("compose build prebuild", &e);
    }
    r.phase("docker compose watch: up, then every save synced into the containers");
    let log_path = p.scratch().join("watch.log");
    let log = std::fs::File::create(&log_path).expect("the watch log");
    let up = std::time::Instant::now();
    let mut watch = p
        .command(&["watch"])
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().expect("the watch log"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("docker compose watch: {e}"));
    struct Stop<'a>(&'a mut std::process::Child);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            let _ = Command::new("kill")
                .args(["-INT", &self.0.id().to_string()])
                .status();
            let _ = self.0.wait();
        }
    }
    let _stop = Stop(&mut watch);
    let mut ticker = Ticker::new(PROGRESS_EVERY);
    let url = format!("http://127.0.0.1:{frontend_port}/");
    let first = until(
        "the first page",
        Duration::from_secs(1500),
        Duration::from_millis(250),
        || {
            if ticker.due() {
                let text = std::fs::read_to_string(&log_path).unwrap_or_default();
                println!(
                    "  ... ({} s): {}",
                    ticker.elapsed().as_secs(),
                    clip(text.lines().last().unwrap_or(""), 120)
                );
            }
            http.get(&url).contains(LEAD).map(drop)
        },
    );
    match first {
        Ok(((), _)) => {
            let took = up.elapsed();
            r.pass(&format!(
                "compose watch -> the first page: {} s",
                secs(took)
            ));
            r.note(&prebuild_steps(&p.logs(&["prebuild"], None)));
            times.up_to_first_page = Some(took);
        }
        Err(e) => {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            r.fatal(
                "the first page under compose watch",
                &format!("{e}\n{}", clip(&text, 2000)),
            );
        }
    }
    backend_edits(
        &mut r,
        work.path(),
        &http,
        backend_port,
        "backend: saves synced by Compose, the first after the first page, then more",
        &mut times.backend,
    );
    if r.failures() == 0 {
        frontend(
            &mut r,
            p,
            work.path(),
            &http,
            frontend_port,
            Duration::from_secs(600),
            &mut times,
        );
    }
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    r.check("Compose synced the saves (its watch log)", || {
        ensure(text.contains("Syncing"), || {
            format!("the watch log: {}", clip(&text, 1500))
        })
    });
    print_timings("the watch way (docker-compose.watch.yml)", &times);
    r.finish();
}

/// The development project of the copy at `work`: `docker-compose.yml` with `way` (the
/// bind-mount way or the watch way) and the CI database where no registry has `mongo`
/// (`MONGO_OVERRIDE=none` uses the official one); project `$DEV_PROJECT` (default
/// `goals-dev-e2e`, one for both ways: they share the build cache volumes, which the clean-up
/// keeps). Its published ports, `[backend, favorites, frontend]`: `BACKEND_PORT` and
/// `FAVORITES_PORT` when set, else free ones.
fn dev_project(work: &Path, way: &str) -> (Project, [u16; 3]) {
    let ports = [
        env_port("BACKEND_PORT").unwrap_or_else(free_port),
        env_port("FAVORITES_PORT").unwrap_or_else(free_port),
        free_port(),
    ];
    let mut files = vec![work.join("docker-compose.yml"), work.join(way)];
    if var_or("MONGO_OVERRIDE", "ci") != "none" {
        files.push(work.join("docker/ci/compose.ci.yml"));
    }
    let name = var_or("DEV_PROJECT", "goals-dev-e2e");
    let mut project = Project::new(&name, work, &files).keep_volumes(&["target", "cargo-home"]);
    for (var, port) in ["BACKEND_PORT", "FAVORITES_PORT", "FRONTEND_PORT"]
        .iter()
        .zip(ports)
    {
        project.set_env(var, &port.to_string());
    }
    (project, ports)
}

/// The closing lines: save → served per service, first save and median.
fn print_timings(way: &str, times: &Timings) {
    println!(
        "hot reload, {way}: save -> served (the frontend: its page; service-kit/: all three):"
    );
    if let Some(t) = times.up_to_first_page {
        println!("  compose up -> the first page: {} s", secs(t));
    }
    let first = |v: &[Duration]| v.first().map_or("–".into(), |t| format!("{} s", secs(*t)));
    println!(
        "  backend     first save {}; all {}",
        first(&times.backend),
        listed(&times.backend)
    );
    if !times.frontend.is_empty() {
        println!(
            "  frontend    first save {}; all {} ({})",
            first(&times.frontend),
            listed(&times.frontend),
            times.frontend_first.as_deref().unwrap_or("")
        );
    }
    if !times.shared.is_empty() {
        println!("  service-kit/ {}", listed(&times.shared));
    }
    if let Some(t) = times.polled {
        println!(
            "  backend with WATCH_POLL=1 (cargo-watch polls): {} s",
            secs(t)
        );
    }
}

/// `WATCH_POLL=1`: the backend's watcher restarted polling the files instead of waiting
/// for file events (what Docker Desktop users set when events do not cross the bind mount);
/// one save served.
fn polled_edit(
    r: &mut Report,
    p: &Project,
    work: &Path,
    http: &Http,
    port: u16,
    times: &mut Timings,
) {
    r.phase("WATCH_POLL=1: the backend's cargo-watch polls the files");
    let polled = {
        let mut cmd = p.command(&["up", "-d", "--no-deps", "backend"]);
        cmd.env("WATCH_POLL", "1");
        e2e::docker::finished(cmd.output(), "docker compose")
    };
    if !polled.status.success() {
        return r.fail(
            "compose up -d backend with WATCH_POLL=1",
            &output_text(&polled),
        );
    }
    if !wait_healthy(r, p, "backend", Duration::from_secs(300)) {
        return;
    }
    let logs = p.logs(&["backend"], Some(50));
    r.check("the watcher polls (cargo watch --poll)", || {
        let c = p.container("backend").unwrap_or_default();
        let cmd = e2e::docker::inspect(&c, "{{json .Config.Env}}");
        ensure(cmd.contains("WATCH_POLL=1"), || {
            format!("env {cmd}; log {}", clip(&logs, 300))
        })
    });
    let mut saves = vec![];
    backend_edits(r, work, http, port, "a save with polling", &mut saves);
    times.polled = saves.first().copied();
}

/// `compose up -d services…`, which waits while the first build (the `prebuild` service)
/// runs: its newest log line every 30 s. `Err` with compose's output when it fails.
fn up_with_progress(p: &Project, services: &[&str]) -> Result<(), String> {
    let mut args = vec!["up", "-d"];
    args.extend_from_slice(services);
    let mut child = p
        .command(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("docker compose up: {e}"))?;
    let mut ticker = Ticker::new(PROGRESS_EVERY);
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            return if status.success() {
                Ok(())
            } else {
                Err(format!(
                    "{}\n{}\nprebuild's last lines:\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr),
                    p.logs(&["prebuild"], Some(30))
                ))
            };
        }
        if ticker.due() {
            let last = p.logs(&["prebuild"], Some(1));
            println!(
                "  ... the first build ({} s): {}",
                ticker.elapsed().as_secs(),
                clip(last.trim(), 120)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The first build's time per service, from the `prebuild` log (`[dev-build] X built in N s`).
fn prebuild_steps(logs: &str) -> String {
    let steps: Vec<String> = logs
        .lines()
        .filter_map(|l| l.split_once("[dev-build] ").map(|(_, s)| s.to_owned()))
        .filter(|s| s.contains("built in"))
        .collect();
    format!("the first build: {}", steps.join(", "))
}

/// Saves of a backend handler and their restores: the seconds from each save until the
/// backend serves it, into `times` (the first is the first save after the first page).
fn backend_edits(
    r: &mut Report,
    work: &Path,
    http: &Http,
    port: u16,
    phase: &str,
    times: &mut Vec<Duration>,
) {
    r.phase(phase);
    let probe = format!("http://127.0.0.1:{port}/goals/000000000000000000000000");
    let original = http.send("DELETE", &probe, None, None);
    r.check("the original handler answers \"Goal not found.\"", || {
        original.contains(NOT_FOUND).map(drop)
    });
    let routes = work.join("backend/src/routes.rs");
    let mark = format!("\"Goal not found (hot reload {}).\"", unique_suffix());
    let code = format!("ApiError::not_found({mark})");
    let source = match edit(&routes, NOT_FOUND_CODE, &code) {
        Err(e) => return r.fail("edit backend/src/routes.rs", &e),
        Ok(source) => source,
    };
    let steps = [("edited", mark.as_str()), ("restored", NOT_FOUND)];
    for (round, (step, text)) in steps.iter().cycle().take(2 * rounds()).enumerate() {
        let (step, text) = (*step, *text);
        if step == "restored" {
            std::fs::write(&routes, &source).expect("restore routes.rs");
        } else if round > 0 {
            edit(&routes, NOT_FOUND_CODE, &code).expect("edit routes.rs again");
        }
        match served(http, "DELETE", &probe, text, Duration::from_secs(300)) {
            Ok(took) => {
                let first = if times.is_empty() {
                    " (the first save)"
                } else {
                    ""
                };
                r.pass(&format!(
                    "{step} handler served {} s after the save{first}",
                    secs(took)
                ));
                times.push(took);
            }
            Err(e) => r.fail(&format!("the {step} handler is served within 300 s"), &e),
        }
    }
}

/// The last step times of scripts/build-frontend.sh in the frontend's log `logs`, on one
/// line.
fn build_steps(logs: &str) -> String {
    let steps: Vec<&str> = logs
        .lines()
        .filter_map(|l| l.split_once("[build-frontend] ").map(|(_, s)| s))
        .filter(|s| s.contains("done in") || s.contains("total:"))
        .collect();
    steps[steps.len().saturating_sub(6)..].join(";")
}

/// Step 4: the frontend under cargo-watch; an edited page text served, a new boot id.
fn frontend(
    r: &mut Report,
    p: &Project,
    work: &Path,
    http: &Http,
    port: u16,
    limit: Duration,
    times: &mut Timings,
) {
    r.phase(&format!(
        "frontend hot reload (scripts/build-frontend.sh, LIVE_RELOAD=1) on :{port}: the first save, then more"
    ));
    if !wait_healthy(r, p, "frontend", Duration::from_secs(600)) {
        return;
    }
    let logs = p.logs(&["prebuild"], None);
    times.frontend_first = Some(
        logs.lines()
            .rev()
            .find_map(|l| {
                l.split_once("[dev-build] frontend built in ")
                    .map(|(_, t)| t.trim())
            })
            .map_or("first build: ?".into(), |t| format!("first build {t}")),
    );
    let url = format!("http://127.0.0.1:{port}/");
    let boot_url = format!("http://127.0.0.1:{port}/__live-reload");
    let page = http.get(&url);
    r.check("the server-rendered page has the original text", || {
        page.contains(LEAD).map(drop)
    });
    r.check(
        "the page carries the live-reload script (LIVE_RELOAD=1)",
        || page.contains("id=\"live-reload\"").map(drop),
    );
    let boot = |http: &Http| {
        let reply = http.get(&boot_url);
        reply
            .status_is(200)
            .ok()
            .map(|r| r.body.trim().to_owned())
            .filter(|b| !b.is_empty())
    };
    let boot1 = boot(http);
    let shown = boot1.as_deref().unwrap_or("none");
    r.check(
        &format!("the server answers its boot id at /__live-reload ({shown})"),
        || ensure(boot1.is_some(), || "no boot id at /__live-reload".into()),
    );

    for _ in 0..rounds() {
        let goals = work.join("frontend/src/goals.rs");
        let new_lead = format!(
            "What do you want to learn in this course (hot reload {})?",
            unique_suffix()
        );
        let source = match edit(&goals, &format!("\"{LEAD}"), &format!("\"{new_lead}")) {
            Ok(source) => source,
            Err(e) => {
                r.fail("edit frontend/src/goals.rs", &e);
                return;
            }
        };
        match served(http, "GET", &url, &new_lead, limit) {
            Ok(took) => {
                r.pass(&format!(
                    "edited page served {} s after the save (server + wasm rebuilt, server restarted)",
                    secs(took)
                ));
                r.note(&format!(
                    "the rebuild's steps: {}",
                    build_steps(&p.logs(&["frontend"], None))
                ));
                times.frontend.push(took);
                let boot2 = boot(http);
                r.check(
                    "the new server has a new boot id (open pages reload)",
                    || {
                        ensure(boot2.is_some() && boot2 != boot1, || {
                            format!("{boot1:?} -> {boot2:?}")
                        })
                    },
                );
            }
            Err(e) => r.fail(
                &format!(
                    "the edited page text is served within {} s",
                    limit.as_secs()
                ),
                &e,
            ),
        }
        std::fs::write(&goals, source).expect("restore goals.rs");
        match served(http, "GET", &url, LEAD, limit) {
            Ok(took) => {
                r.pass(&format!(
                    "restored page served {} s after the save",
                    secs(took)
                ));
                times.frontend.push(took);
            }
            Err(e) => r.fail(
                &format!(
                    "the restored page text is served within {} s",
                    limit.as_secs()
                ),
                &e,
            ),
        }
    }
    r.check("the frontend's site (wasm) is in the target volume", || {
        ensure(
            p.exec_ok(
                "frontend",
                &[
                    "test",
                    "-f",
                    "/workspace/target/debug/site/pkg/frontend.wasm",
                ],
            ),
            || "no /workspace/target/debug/site/pkg/frontend.wasm".into(),
        )
    });
}

/// An edit in `service-kit/` (`/healthz`'s status text, served by the backend and favorites;
/// the frontend links service-kit too): the seconds until the backend and favorites answer it
/// and the frontend serves again with a new boot id, per save (edit, then restore).
fn shared_edit(r: &mut Report, work: &Path, http: &Http, ports: [u16; 3], times: &mut Timings) {
    r.phase("an edit in service-kit/: backend, favorites and the frontend rebuilt");
    let [backend, favorites, frontend] = ports;
    let file = work.join("service-kit/src/openapi.rs");
    let original = "status: \"ok\".into()";
    let boot_url = format!("http://127.0.0.1:{frontend}/__live-reload");
    let boot = || http.get(&boot_url).body.trim().to_owned();
    for round in 0..rounds() {
        let mark = format!("ok (hot reload {})", unique_suffix());
        for (step, text) in [("edited", mark.as_str()), ("restored", "\"ok\"")] {
            let before = boot();
            let save = std::time::Instant::now();
            let applied = if step == "edited" {
                edit(&file, original, &format!("status: {mark:?}.into()")).map(drop)
            } else {
                edit(&file, &format!("status: {mark:?}.into()"), original).map(drop)
            };
            if let Err(e) = applied {
                r.fail(
                    &format!("edit service-kit/src/openapi.rs (round {})", round + 1),
                    &e,
                );
                return;
            }
            let limit = Duration::from_secs(600);
            // the three waits run one after the other: the last one ends when all serve it
            for (name, port) in [("backend", backend), ("favorites", favorites)] {
                let url = format!("http://127.0.0.1:{port}/healthz");
                if let Err(e) = served(http, "GET", &url, text, limit) {
                    return r.fail(&format!("{name} serves the {step} /healthz"), &e);
                }
            }
            let new_boot = until(
                "the frontend's new boot id",
                limit,
                Duration::from_millis(100),
                || {
                    let now = boot();
                    ensure(!now.is_empty() && now != before, || {
                        format!("boot id {now:?}")
                    })
                },
            );
            if let Err(e) = new_boot {
                return r.fail(
                    &format!("the frontend serves again after the {step} service-kit/"),
                    &e,
                );
            }
            let took = save.elapsed();
            r.pass(&format!(
                "{step} service-kit/ served by backend, favorites and the frontend {} s after the save",
                secs(took)
            ));
            times.shared.push(took);
        }
    }
}

#[test]
fn the_copy_has_the_sources_and_a_snapshot_sees_every_change() {
    let from = TempDir::new("dev-stack-from");
    let to = TempDir::new("dev-stack-to");
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(from.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(from.path().join("src")).unwrap();
    std::fs::write(from.path().join("src/a.rs"), "a").unwrap();
    std::fs::write(from.path().join(".gitignore"), "/target\n").unwrap();
    std::fs::create_dir_all(from.path().join("target")).unwrap();
    std::fs::write(from.path().join("target/out"), "built").unwrap();
    copy_sources(from.path(), to.path());
    assert_eq!(
        std::fs::read_to_string(to.path().join("src/a.rs")).unwrap(),
        "a"
    );
    assert!(
        !to.path().join("target").exists(),
        "ignored files are not copied"
    );

    let before = snapshot(to.path());
    assert!(before.contains_key(Path::new("src/a.rs")));
    std::fs::create_dir_all(to.path().join("target")).unwrap();
    std::fs::write(to.path().join("target/x"), "ignored").unwrap();
    assert!(
        changed(&before, &snapshot(to.path())).is_empty(),
        "target/ is not looked at"
    );
    std::fs::write(to.path().join("src/a.rs"), "b").unwrap();
    std::fs::write(to.path().join("Cargo.lock"), "new").unwrap();
    assert_eq!(
        changed(&before, &snapshot(to.path())),
        ["Cargo.lock", "src/a.rs"]
    );
}

#[test]
fn cargo_watch_failures_are_read_from_the_log() {
    assert!(run_failed("[Finished running. Exit status: 101]"));
    assert!(!run_failed("[Finished running. Exit status: 0]"));
    assert!(!run_failed("Compiling backend"));
}

#[test]
fn the_median_is_the_middle_time() {
    let s = |v: f64| Duration::from_secs_f64(v);
    assert_eq!(median(&[s(3.0), s(1.0), s(2.0)]), Some(s(2.0)));
    assert_eq!(median(&[s(4.0), s(1.0), s(2.0), s(3.0)]), Some(s(2.5)));
    assert_eq!(median(&[]), None);
}
