//! The `arm64` phase: the images for every student's machine, and the pull path.
//! - The four service images are built for linux/amd64 and linux/arm64 from the one
//!   Dockerfile (the Rust stages cross-compile; nothing of theirs runs under emulation) and
//!   published to a local registry (the CI stand-in of `registry:2`) by
//!   `scripts/publish-images.sh`, the steps the GitHub workflow runs: one name per image, a
//!   manifest list with both platforms; `docker pull --platform` of each gets its own.
//! - The whole stack runs on the arm64 images under emulation (qemu-user through binfmt_misc;
//!   the MongoDB stand-in stays amd64: a stack may mix platforms): every service says it is
//!   `aarch64`, the goals API round-trips, favorites answers from the offline SWAPI stand-in,
//!   the frontend renders its pages.
//! - The pull path: with `IMAGE_PREFIX` at the registry and `IMAGE_PULL_POLICY=missing`,
//!   `docker compose up` pulls the images and builds nothing; the time from the command to the
//!   first page is printed.
//!
//! Needs a Docker engine with Compose, and qemu-user-static registered for aarch64 (the test
//! command's `arm64` phase installs it: `scripts/ensure-debian.sh qemu-user-static
//! binfmt-support`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use e2e::compose::Project;
use e2e::docker::{docker, docker_try, require_compose};
use e2e::http::Http;
use e2e::report::{ensure, Report};
use e2e::wait::{secs, until};
use e2e::workspace_root;
use test_support::free_port;
use test_support::process::output_text;

/// The registry stand-in (docker/ci/registry), built when missing.
const REGISTRY_IMAGE: &str = "goals-ci-registry";
const REGISTRY: &str = "goals-arm64-registry";
const SERVICES: [&str; 4] = ["backend", "favorites", "swapi", "frontend"];

/// Removes the registry container when the test ends (a panic included).
struct RegistryContainer;

impl Drop for RegistryContainer {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", "-v", REGISTRY]);
    }
}

fn version() -> String {
    let manifest = std::fs::read_to_string(workspace_root().join("backend/Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("backend's version")
        .to_owned()
}

/// Runs `cmd` from the checkout: its stdout; a failure stops the suite with all it printed.
fn run_script(r: &mut Report, what: &str, cmd: &mut Command) -> String {
    let t0 = Instant::now();
    let out = cmd
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    if !out.status.success() {
        r.fatal(what, &output_text(&out));
    }
    r.pass(&format!("{what} ({} s)", secs(t0.elapsed())));
    // what the script printed on stdout (its progress lines go to stderr)
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn platforms_arm64_images_run_and_publish_and_the_pull_path_builds_nothing() {
    require_compose("platforms");
    let mut r = Report::new("arm64");
    let root = workspace_root();
    let tag = version();

    r.phase("emulation: arm64 binaries run on this machine");
    let binfmt =
        std::fs::read_to_string("/proc/sys/fs/binfmt_misc/qemu-aarch64").unwrap_or_default();
    if !binfmt.contains("enabled")
        || !binfmt
            .lines()
            .any(|l| l.starts_with("flags:") && l.contains('F'))
    {
        r.fatal(
            "qemu-aarch64 registered with the F flag in /proc/sys/fs/binfmt_misc",
            "install it: apt-get install qemu-user-static binfmt-support (scripts/ensure-debian.sh)",
        );
    }
    r.pass("qemu-aarch64 is registered (flags F: it works inside containers too)");

    r.phase("a local registry (the CI stand-in of registry:2)");
    if docker(&["image", "inspect", REGISTRY_IMAGE])
        .status
        .success()
    {
        r.pass(&format!("{REGISTRY_IMAGE} is here"));
    } else {
        run_script(
            &mut r,
            &format!("docker build -t {REGISTRY_IMAGE} docker/ci/registry"),
            Command::new("docker").args([
                "build",
                "-q",
                "-t",
                REGISTRY_IMAGE,
                "docker/ci/registry",
            ]),
        );
    }
    let _ = docker(&["rm", "-f", "-v", REGISTRY]);
    let port = free_port();
    let publish = format!("127.0.0.1:{port}:5000");
    if let Err(e) = docker_try(&[
        "run",
        "-d",
        "--name",
        REGISTRY,
        "-p",
        &publish,
        REGISTRY_IMAGE,
    ]) {
        r.fatal("the registry starts", &e);
    }
    let _registry = RegistryContainer;
    let registry = format!("127.0.0.1:{port}");
    let http = Http::with_timeout(Duration::from_secs(10));
    let ready = until(
        "the registry's /v2/",
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            http.get(&format!("http://{registry}/v2/"))
                .status_is(200)
                .map(drop)
        },
    );
    match ready {
        Ok(((), took)) => r.pass(&format!(
            "the registry answers /v2/ on {registry} after {} s",
            secs(took)
        )),
        Err(e) => r.fatal("the registry answers", &e),
    }

    r.phase("the runtime base for linux/arm64 (a stand-in made from Debian's arm64 packages)");
    let base = run_script(
        &mut r,
        "scripts/platform-base.sh arm64",
        Command::new("bash").args(["scripts/platform-base.sh", "arm64"]),
    );
    let base = base.lines().last().unwrap_or_default().trim().to_owned();

    r.phase("build both platforms, publish, one tag for both (scripts/publish-images.sh)");
    let prefix = format!("{registry}/goals");
    // its progress (a line per image: platform, size, seconds) shows as it goes
    run_script(
        &mut r,
        &format!("scripts/publish-images.sh {prefix} {tag}"),
        Command::new("bash")
            .args(["scripts/publish-images.sh", &prefix, &tag])
            .env("RUNTIME_IMAGE_ARM64", &base)
            .stderr(std::process::Stdio::inherit()),
    );
    for svc in SERVICES {
        let image = format!("{prefix}-{svc}:{tag}");
        let listed = docker_try(&["manifest", "inspect", "--insecure", &image]).unwrap_or_default();
        r.check(
            &format!("{image} is one name for linux/amd64 and linux/arm64"),
            || {
                ensure(
                    listed.contains("\"amd64\"") && listed.contains("\"arm64\""),
                    || format!("docker manifest inspect: {}", e2e::clip(&listed, 400)),
                )
            },
        );
    }
    for arch in ["arm64", "amd64"] {
        let image = format!("{prefix}-backend:{tag}");
        let platform = format!("linux/{arch}");
        let pulled = docker_try(&["pull", "-q", "--platform", &platform, &image]);
        let got = docker_try(&["image", "inspect", "-f", "{{.Architecture}}", &image])
            .unwrap_or_default();
        r.check(
            &format!("docker pull --platform {platform} {image}: its own image"),
            || {
                pulled.map(drop)?;
                ensure(got == arch, || format!("got {got}"))
            },
        );
    }
    for arch in ["amd64", "arm64"] {
        let image = format!("{prefix}-backend:{tag}-{arch}");
        let size = docker_try(&["image", "inspect", "-f", "{{.Size}}", &image])
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
        r.note(&format!(
            "backend image, linux/{arch}: {:.1} MB",
            size / 1e6
        ));
    }

    // what the checks above pulled last is amd64: compose pulls each platform's own
    for svc in SERVICES {
        let _ = docker(&["image", "rm", &format!("{prefix}-{svc}:{tag}")]);
    }
    arm64_stack(&mut r, &root, &prefix, &tag);
    pull_path(&mut r, &root, &prefix, &tag);

    // the registry's images are not the project's: they go, the project's stay
    for svc in SERVICES {
        for suffix in ["", "-amd64", "-arm64"] {
            let _ = docker(&["image", "rm", &format!("{prefix}-{svc}:{tag}{suffix}")]);
        }
    }
    r.finish();
}

/// A compose project on the published images of `prefix`, with the CI database.
fn project(name: &str, root: &Path, prefix: &str, tag: &str, extra: Option<&Path>) -> Project {
    let mut files = vec![
        root.join("docker-compose.yml"),
        root.join("docker/ci/compose.ci.yml"),
    ];
    files.extend(extra.map(Path::to_path_buf));
    let mut p = Project::new(name, root, &files).profile("offline");
    p.set_env("IMAGE_PREFIX", prefix);
    p.set_env("IMAGE_TAG", tag);
    p.set_env("IMAGE_PULL_POLICY", "missing");
    p.set_env("SWAPI_BASE_URL", "http://swapi:8000/api");
    for var in ["BACKEND_PORT", "FAVORITES_PORT", "FRONTEND_PORT"] {
        p.set_env(var, &free_port().to_string());
    }
    p
}

fn port_of(p: &Project, var: &str) -> u16 {
    // the ports were set by `project`; compose publishes them as given
    let published = p.ok(&["config", "--format", "json"]).unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_str(&published).unwrap_or_default();
    let svc = match var {
        "BACKEND_PORT" => "backend",
        "FAVORITES_PORT" => "favorites",
        _ => "frontend",
    };
    doc["services"][svc]["ports"][0]["published"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| {
            doc["services"][svc]["ports"][0]["published"]
                .as_u64()
                .map(|n| n as u16)
        })
        .unwrap_or_else(|| panic!("{svc}'s published port in {published}"))
}

/// The stack on the arm64 images, under emulation.
fn arm64_stack(r: &mut Report, root: &Path, prefix: &str, tag: &str) {
    r.phase("the stack on linux/arm64 images, under emulation");
    let p_dir = test_support::TempDir::new("arm64-override");
    let override_file = p_dir.path().join("compose.arm64.yml");
    // our services on arm64; the MongoDB stand-in stays amd64 (a stack may mix platforms)
    let mut yaml = String::from("services:\n  mongodb:\n    platform: linux/amd64\n");
    for svc in SERVICES {
        yaml.push_str(&format!("  {svc}:\n    platform: linux/arm64\n"));
    }
    std::fs::write(&override_file, yaml).unwrap();
    let p = project("goals-arm64", root, prefix, tag, Some(&override_file));
    p.clean();
    match p.up_wait(&[]) {
        Ok(took) => r.pass(&format!(
            "compose up -d --wait on arm64 images: healthy in {} s",
            secs(took)
        )),
        Err(e) => {
            r.fail("compose up on arm64 images", &e);
            r.note(&p.logs(&[], Some(30)));
            return;
        }
    }
    for svc in SERVICES {
        let logs = p.logs(&[svc], Some(200));
        r.check(
            &format!("{svc} reports aarch64 (its 'listening' line)"),
            || {
                ensure(
                    logs.contains("arch=aarch64") || logs.contains("arch=\"aarch64\""),
                    || format!("no arch=aarch64 in: {}", e2e::clip(&logs, 600)),
                )
            },
        );
        let image = p.ok(&["images", "-q", svc]).unwrap_or_default();
        let arch = docker_try(&["image", "inspect", "-f", "{{.Architecture}}", image.trim()])
            .unwrap_or_default();
        r.check(&format!("{svc}'s image is arm64"), || {
            ensure(arch == "arm64", || format!("{arch:?}"))
        });
    }
    let http = Http::with_timeout(Duration::from_secs(30));
    let backend = port_of(&p, "BACKEND_PORT");
    let favorites = port_of(&p, "FAVORITES_PORT");
    let frontend = port_of(&p, "FRONTEND_PORT");
    let text = format!("arm64 goal {}", test_support::unique_suffix());
    r.check("POST /goals then GET /goals on the arm64 backend", || {
        http.post_json(
            &format!("http://127.0.0.1:{backend}/goals"),
            &serde_json::json!({ "text": text }).to_string(),
        )
        .status_is(201)?;
        http.get(&format!("http://127.0.0.1:{backend}/goals"))
            .status_is(200)?
            .contains(&text)
            .map(drop)
    });
    r.check(
        "favorites answers /movies from the offline SWAPI stand-in",
        || {
            http.get(&format!("http://127.0.0.1:{favorites}/movies"))
                .status_is(200)?
                .contains("A New Hope")
                .map(drop)
        },
    );
    r.check(
        "the frontend renders / (with the goal) and /favorites on the server",
        || {
            http.get(&format!("http://127.0.0.1:{frontend}/"))
                .status_is(200)?
                .contains(&text)?;
            http.get(&format!("http://127.0.0.1:{frontend}/favorites"))
                .status_is(200)
                .map(drop)
        },
    );
    p.clean();
}

/// `docker compose up` with the registry's images: pulled, nothing built, and the time to
/// the first page.
fn pull_path(r: &mut Report, root: &Path, prefix: &str, tag: &str) {
    r.phase("the pull path: IMAGE_PREFIX at the registry, nothing compiled");
    // a student's machine has none of them: the arm64 pulls above are removed first
    for svc in SERVICES {
        let _ = docker(&["image", "rm", &format!("{prefix}-{svc}:{tag}")]);
    }
    let p = project("goals-pull", root, prefix, tag, None);
    p.clean();
    let frontend = port_of(&p, "FRONTEND_PORT");
    let t0 = Instant::now();
    let up = p.run(&["up", "-d"]);
    let said = output_text(&up);
    if !up.status.success() {
        r.fail("compose up with IMAGE_PREFIX at the registry", &said);
        p.clean();
        return;
    }
    let http = Http::with_timeout(Duration::from_secs(5));
    let first = until(
        "the first page",
        Duration::from_secs(300),
        Duration::from_millis(250),
        || {
            http.get(&format!("http://127.0.0.1:{frontend}/"))
                .status_is(200)
                .map(drop)
        },
    );
    match first {
        Ok(((), _)) => r.pass(&format!(
            "docker compose up -> the first page in {} s (goal: under 60 s)",
            secs(t0.elapsed())
        )),
        Err(e) => r.fail("the first page", &e),
    }
    r.check("nothing was built: every image of ours was pulled", || {
        ensure(
            !said.contains("Building") && !said.contains("load build definition"),
            || format!("compose built: {}", e2e::clip(&said, 600)),
        )?;
        for svc in ["backend", "favorites", "frontend"] {
            let image = format!("{prefix}-{svc}:{tag}");
            let digests = docker_try(&["image", "inspect", "-f", "{{.RepoDigests}}", &image])?;
            ensure(digests.contains(prefix), || format!("{image}: {digests}"))?;
        }
        Ok(())
    });
    p.clean();
}
