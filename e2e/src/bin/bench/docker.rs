//! The benchmark's Docker figures, on a copy of the checkout (the checkout itself is never
//! edited) with its own compose project (`goals-bench`, removed at the end; images and
//! build cache stay):
//! - image sizes of the four images of the stack;
//! - the image rebuild after a one-line change of the backend and of the frontend;
//! - `docker compose up -d --wait`: the whole stack started and healthy;
//! - `docker stop` of each service (they stop at once on SIGTERM);
//! - hot reload save → served, by the dev suite (`tests/dev_stack.rs`, `DEV_ROUNDS=2`).

use std::process::Command;
use std::time::Instant;

use e2e::compose::Project;
use e2e::docker::{docker, docker_ok, require_compose};
use e2e::wait::secs;
use test_support::{free_port, workspace_root, TempDir};

/// The stack's services built from the project's Dockerfile.
const OURS: [&str; 4] = ["backend", "favorites", "swapi", "frontend"];

/// Rows of the figures table: `| figure | value |`.
pub fn figures() -> Vec<String> {
    require_compose("bench");
    let work = TempDir::new("goals-bench");
    e2e::copy_sources(&workspace_root(), work.path());
    let files = [
        work.path().join("docker-compose.yml"),
        work.path().join("docker/ci/compose.ci.yml"),
    ];
    let mut p = Project::new("goals-bench", work.path(), &files).profile("offline");
    for (var, port) in [
        ("BACKEND_PORT", free_port()),
        ("FAVORITES_PORT", free_port()),
        ("FRONTEND_PORT", free_port()),
    ] {
        p.set_env(var, &port.to_string());
    }
    p.set_env("SWAPI_BASE_URL", "http://swapi:8000/api");
    p.clean();
    let mut rows = vec![];

    eprintln!("[bench] building the images (cached after the first run)");
    let cold = p.build(&OURS).expect("docker compose build");
    rows.push(format!(
        "| images: build (from this machine's cache) | {} s |",
        secs(cold)
    ));
    for svc in OURS {
        let size = docker_ok(&[
            "image",
            "inspect",
            "-f",
            "{{.Size}}",
            &format!("goals-bench-{svc}"),
        ]);
        let mb = size.trim().parse::<f64>().unwrap_or(0.0) / 1e6;
        rows.push(format!("| image size: {svc} | {mb:.1} MB |"));
    }

    eprintln!("[bench] one-line changes, rebuilt");
    let n = test_support::unique_suffix();
    for (svc, file, text, what) in [
        (
            "backend",
            "backend/src/routes.rs",
            "goal deleted",
            "backend",
        ),
        (
            "frontend",
            "frontend/src/goals.rs",
            "What do you want to learn in this course?",
            "frontend (server + wasm)",
        ),
    ] {
        e2e::edit(&work.path().join(file), text, &format!("{text} ({n})"))
            .expect("the one-line change");
        let t = p.build(&[svc]).expect("the rebuild");
        rows.push(format!(
            "| image rebuild after a one-line change: {what} | {} s |",
            secs(t)
        ));
    }

    eprintln!("[bench] docker compose up -d --wait");
    let up = p.up_wait(&[]).expect("docker compose up -d --wait");
    rows.push(format!(
        "| `docker compose up -d --wait`: all healthy | {} s |",
        secs(up)
    ));
    for svc in ["backend", "favorites", "frontend", "swapi"] {
        let id = p.container(svc).expect("a running container");
        let t0 = Instant::now();
        let out = docker(&["stop", &id]);
        let took = t0.elapsed();
        let code = docker_ok(&["inspect", "-f", "{{.State.ExitCode}}", &id]);
        rows.push(format!(
            "| `docker stop` {svc} | {} s (exit code {}){} |",
            secs(took),
            code.trim(),
            if out.status.success() { "" } else { ", failed" }
        ));
    }
    let down = p.down(true);
    rows.push(format!("| `docker compose down -v` | {} s |", secs(down)));
    rows
}

/// The dev suite with two edit-and-restore pairs per reload: its closing lines (the
/// save → served times and their medians).
pub fn hot_reload() -> Vec<String> {
    eprintln!("[bench] hot reload: the dev suite (tests/dev_stack.rs), DEV_ROUNDS=2");
    let t0 = Instant::now();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "-q",
            "-p",
            "e2e",
            "--test",
            "dev_stack",
            "--",
            "--nocapture",
            "dev_stack_",
        ])
        .env("DEV_ROUNDS", "2")
        .current_dir(workspace_root())
        .output()
        .expect("cargo test");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("hot reload, save -> served"))
        .take_while(|l| l.starts_with("hot reload") || l.starts_with("  "))
        .map(str::to_owned)
        .collect();
    if !out.status.success() || lines.is_empty() {
        lines.push(format!(
            "the dev suite failed after {} s: run `scripts/test.sh dev` to see why",
            t0.elapsed().as_secs()
        ));
    }
    lines
}
