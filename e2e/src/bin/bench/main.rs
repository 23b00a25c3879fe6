//! The project's benchmark (not a test: these machines are noisy; compare figures taken
//! side by side in one run). Runs the release backend and favorites against the
//! MongoDB-compatible test server (authentication on), 100 documents stored, and drives
//! them with `wrk` (Debian's package, installed when missing) at 16 and 64 connections:
//!
//!   cargo run --release -p e2e --bin bench            (or: cargo run -p e2e --bin bench)
//!   BENCH_SECONDS=8 …                                  seconds per run (default 8)
//!   BENCH_DOCKER=0 …                                   leave out the Docker figures
//!
//! Prints a table: requests/s, p50/p99 latency, server and database CPU per request
//! (from /proc), the services' RSS idle and peak, and — the burst stall — how long the
//! first request after each 64-connection run took. Then, with a Docker engine (after
//! `scripts/docker-prepare.sh`), the Docker figures (`docker.rs`): image sizes, the image
//! rebuild after a one-line change, `compose up` until healthy, `docker stop`, and hot
//! reload save → served. Figures go, dated, into bench/RESULTS.md by hand.

mod callgrind;
mod compare;
mod docker;
mod load;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use load::{cpu_seconds, ensure_wrk, post_json, rss_mb, seed_body, wrk};
use test_support::{free_port, shared_mongo, workspace_root, ServiceProcess, TempDir};

/// Builds the release binaries of the backend and favorites (the current checkout).
pub fn build_release() {
    eprintln!("[bench] building the release binaries");
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // what `cargo run` set for this program (CARGO_PKG_*, CARGO_MANIFEST_DIR, …) reaches the
    // build scripts of the inner build, which then see a changed environment and run again
    for (key, _) in std::env::vars() {
        if [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|p| key.starts_with(p))
        {
            cargo.env_remove(key);
        }
    }
    let built = cargo
        .args([
            "build",
            "--release",
            "-p",
            "backend",
            "-p",
            "favorites",
            "--bins",
        ])
        .current_dir(workspace_root())
        .status()
        .expect("cargo");
    assert!(built.success(), "cargo build --release failed");
}

pub fn release_bin(name: &str) -> PathBuf {
    workspace_root().join("target/release").join(name)
}

/// Seconds per wrk run: `BENCH_SECONDS`, default 8.
pub fn seconds() -> u64 {
    std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("compare") => return compare::main(&args[1..]),
        Some("callgrind") => return callgrind::main(&args[1..]),
        Some(other) => {
            eprintln!("unknown mode {other:?}: bench [compare ... | callgrind ...]");
            std::process::exit(2);
        }
    }
    ensure_wrk();
    let seconds = seconds();
    build_release();
    let m = shared_mongo();
    let db_pid =
        test_support::mongo_server::running(&test_support::mongo_server::state_dir(), m.port)
            .expect("the shared test server runs");
    let logs = TempDir::new("bench-logs");
    let lua = TempDir::new("bench-lua");
    let post = load::post_goal_script(lua.path());
    let post_fav = lua.path().join("post-fav.lua");
    std::fs::write(
        &post_fav,
        "counter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format(\"POST\", nil, {[\"Content-Type\"] = \"application/json\"}, '{\"name\":\"bench ' .. math.random(1, 1e9) .. '\",\"type\":\"movie\",\"url\":\"u\"}')\nend\n",
    )
    .unwrap();

    let mut rows = vec![];
    for service in ["backend", "favorites"] {
        let port = free_port();
        let mut env = m.service_env();
        env.push(("PORT".into(), port.to_string()));
        env.push(("RUST_LOG".into(), "warn".into()));
        let (list, script) = if service == "backend" {
            env.push(("LOG_DIR".into(), logs.path().display().to_string()));
            env.push(("MONGODB_DATABASE".into(), m.fresh_db("bench-goals")));
            ("/goals", &post)
        } else {
            env.retain(|(k, _)| !k.starts_with("MONGODB_"));
            env.push(("MONGODB_URL".into(), m.url(&m.fresh_db("bench-fav"))));
            env.push(("SWAPI_BASE_URL".into(), "http://127.0.0.1:9/api".into()));
            ("/favorites", &post_fav)
        };
        let mut svc = ServiceProcess::spawn(release_bin(service), port, &env);
        svc.wait_ready();
        let pid = svc.pid();
        // exactly 100 documents, as the course's app would have after a while
        for i in 0..100 {
            let status = post_json(port, list, &seed_body(service, &i.to_string()));
            assert_eq!(status, Some(201), "seeding {list}");
        }
        let (idle_rss, _) = rss_mb(pid);
        let url = svc.url(list);
        // every GET first, on the 100 documents; then the POSTs (which add thousands)
        // one connection shows a lone client's save: no other save to share a command with
        let runs = [
            (16u32, "GET", None),
            (64, "GET", None),
            (1, "POST", Some(script)),
            (16, "POST", Some(script)),
            (64, "POST", Some(script)),
        ];
        {
            for (connections, what, s) in runs {
                let (c0, d0) = (cpu_seconds(pid), cpu_seconds(db_pid));
                let run = wrk(&url, connections, seconds, s);
                let (c1, d1) = (cpu_seconds(pid), cpu_seconds(db_pid));
                let per = |a: f64, b: f64| {
                    if run.requests > 0.0 {
                        (b - a) * 1000.0 / run.requests
                    } else {
                        0.0
                    }
                };
                // the burst stall: the first request of the same kind after the load
                // generator has gone (a save after saves: a list after thousands of saves
                // would measure the list's length)
                let t0 = Instant::now();
                let status = if s.is_some() {
                    post_json(
                        port,
                        list,
                        &seed_body(service, &format!("after {connections}")),
                    )
                } else {
                    test_support::http_status(port, list)
                };
                let after = t0.elapsed();
                rows.push(format!(
                    "| {service} | {what} {list} | {connections} | {:.0} | {} | {} | {:.3} | {:.3} | {} in {:.0} ms |",
                    run.rps,
                    run.p50,
                    run.p99,
                    per(c0, c1),
                    per(d0, d1),
                    status.map_or("no answer".into(), |s| s.to_string()),
                    after.as_secs_f64() * 1000.0,
                ));
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        let (_, peak) = rss_mb(pid);
        rows.push(format!(
            "| {service} | RSS idle / peak | | {idle_rss:.1} / {peak:.1} MB | | | | | |"
        ));
    }
    println!();
    println!(
        "| service | request | connections | req/s | p50 | p99 | server CPU ms/req | database CPU ms/req | next request after the run |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    println!(
        "\n{} s per run, wrk -t2 (-t1 for one connection), {} cores; database: the MongoDB-compatible test server",
        seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if std::env::var("BENCH_DOCKER").as_deref() != Ok("0") {
        let rows = docker::figures();
        println!("\n| figure | value |\n|---|---|");
        for row in rows {
            println!("{row}");
        }
        println!();
        for line in docker::hot_reload() {
            println!("{line}");
        }
    }
}
