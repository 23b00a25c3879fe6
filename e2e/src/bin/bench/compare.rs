//! `bench compare`: the same load against this checkout's backend and another server of the
//! same goals API, side by side in one run, each on its own database, so that both sides'
//! database CPU per request is measured:
//!
//!   cargo run --release -p e2e --bin bench -- compare --against-bin PATH[=LABEL]...
//!       other builds of the backend (a previous commit's), started here like ours, each on
//!       a fresh test server of its own
//!   cargo run --release -p e2e --bin bench -- compare --against URL --db-pid PID
//!       any server of the API at URL (`http://127.0.0.1:8081`; the course's Node original,
//!       say), whose database process is PID (or `--db-port PORT`: the process listening
//!       there); its own process is found by the port it listens on (or `--server-pid PID`)
//!
//! Both kinds can be given together: every side is measured in the same run. Options:
//! `--label NAME` (the server at URL's name), `--rounds N` (default 3: each row is run N times
//! per side, in an order that turns each round, and the medians are printed); the ratios are
//! against the last side given. Each side is given 100
//! goals first (through its API); then `GET /goals` at 16 and 64 connections, and
//! `POST /goals` at 16 and 64. Printed per row and side: requests/s, the database's CPU and
//! voluntary context switches per request, the server's CPU per request, and the ratios.

use std::path::PathBuf;

use e2e::http::Http;
use test_support::{free_port, shared_mongo, ServiceProcess, TempDir};

use crate::load::{backend_env, cpu_seconds, ensure_wrk, post_goal_script, post_json, rss_mb, wrk};

/// One side of the comparison.
struct Side {
    label: String,
    /// The API's base URL, `http://127.0.0.1:PORT`.
    base: String,
    port: u16,
    server_pid: Option<u32>,
    db_pid: u32,
    /// What keeps it running (our processes, their databases); dropped at the end.
    _kept: Vec<Box<dyn std::any::Any>>,
}

/// Figures of one run.
#[derive(Clone, Copy, Default)]
struct Figures {
    rps: f64,
    db_ms: f64,
    db_switches: f64,
    server_ms: Option<f64>,
}

pub fn main(args: &[String]) {
    ensure_wrk();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rounds: usize = opt("--rounds").and_then(|r| r.parse().ok()).unwrap_or(3);
    crate::build_release();
    let mut sides = vec![backend_side("this checkout", crate::release_bin("backend"))];
    // --against-bin PATH[=LABEL], as many as given
    for spec in args
        .windows(2)
        .filter(|w| w[0] == "--against-bin")
        .map(|w| &w[1])
    {
        let (path, label) = spec.split_once('=').unwrap_or((spec, spec));
        sides.push(backend_side(label, PathBuf::from(path)));
    }
    if let Some(url) = opt("--against") {
        sides.push(external_side(
            &opt("--label").unwrap_or_else(|| "the other server".into()),
            &url,
            opt("--db-pid").and_then(|p| p.parse().ok()),
            opt("--db-port").and_then(|p| p.parse().ok()),
            opt("--server-pid").and_then(|p| p.parse().ok()),
        ));
    }
    if sides.len() < 2 {
        eprintln!(
            "bench compare: --against-bin PATH[=LABEL]..., and/or --against URL with --db-pid/--db-port"
        );
        std::process::exit(2);
    }
    for side in &sides {
        seed(side);
    }
    let idle: Vec<Option<f64>> = sides
        .iter()
        .map(|s| s.server_pid.map(|p| rss_mb(p).0))
        .collect();

    let lua = TempDir::new("bench-compare-lua");
    let post = post_goal_script(lua.path());
    let seconds = crate::seconds();
    // the last side given is the reference of the ratios (the Node original, say)
    let reference = sides.len() - 1;
    println!(
        "\n| request | connections | side | req/s | DB CPU ms/req | DB switches/req | server CPU ms/req | req/s vs {r} | DB CPU vs {r} | server CPU: {r} / side |",
        r = sides[reference].label
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (what, connections, script) in [
        ("GET /goals", 16u32, None),
        ("GET /goals", 64, None),
        ("POST /goals", 16, Some(&post)),
        ("POST /goals", 64, Some(&post)),
    ] {
        let mut runs: Vec<Vec<Figures>> = vec![vec![]; sides.len()];
        for round in 0..rounds {
            // each round in another order: no side always goes first on a machine whose
            // load drifts
            let n = sides.len();
            for k in 0..n {
                let i = if round % 2 == 0 { k } else { n - 1 - k };
                runs[i].push(measure(&sides[i], connections, seconds, script));
            }
        }
        let figures: Vec<Figures> = runs.iter().map(|r| median(r)).collect();
        let base = figures[reference];
        let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
        for (side, f) in sides.iter().zip(&figures) {
            let ms = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.3}"));
            let server = match (f.server_ms, base.server_ms) {
                (Some(x), Some(y)) => format!("{:.1}×", ratio(y, x)),
                _ => "–".into(),
            };
            println!(
                "| {what} | {connections} | {} | {:.0} | {:.3} | {:.1} | {} | {:.2}× | {:.2}× | {server} |",
                side.label,
                f.rps,
                f.db_ms,
                f.db_switches,
                ms(f.server_ms),
                ratio(f.rps, base.rps),
                ratio(f.db_ms, base.db_ms),
            );
        }
    }
    let rss: Vec<String> = sides
        .iter()
        .zip(&idle)
        .map(|(s, m)| {
            format!(
                "{} {}",
                s.label,
                m.map_or("–".into(), |v| format!("{v:.1} MB"))
            )
        })
        .collect();
    println!(
        "\nRSS idle: {}. {rounds} rounds of {seconds} s per row and side (medians), wrk -t2, {} cores; each side on a database of its own.",
        rss.join(", "),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
}

/// A backend binary on a fresh test server of its own (authentication on, root user).
fn backend_side(label: &str, bin: PathBuf) -> Side {
    let db = shared_mongo().dedicated();
    let db_pid = db.pid().expect("the side's database runs");
    let logs = TempDir::new("bench-compare-logs");
    let port = free_port();
    let env = backend_env(db.port, port, logs.path());
    let mut svc = ServiceProcess::spawn(&bin, port, &env);
    svc.wait_ready();
    Side {
        label: label.to_owned(),
        base: format!("http://127.0.0.1:{port}"),
        port,
        server_pid: Some(svc.pid()),
        db_pid,
        _kept: vec![
            Box::new(svc),
            Box::new(logs),
            Box::new(db) as Box<dyn std::any::Any>,
        ],
    }
}

/// A server of the API that runs already, at `url`.
fn external_side(
    label: &str,
    url: &str,
    db_pid: Option<u32>,
    db_port: Option<u16>,
    server_pid: Option<u32>,
) -> Side {
    let base = url.trim_end_matches('/').to_owned();
    let port: u16 = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("bench compare: {url} names no port"));
    let db_pid = db_pid
        .or_else(|| db_port.and_then(listener_pid))
        .unwrap_or_else(|| {
            panic!(
                "bench compare: the other side's database process: --db-pid PID or --db-port PORT"
            )
        });
    Side {
        label: label.to_owned(),
        base,
        port,
        server_pid: server_pid.or_else(|| listener_pid(port)),
        db_pid,
        _kept: vec![],
    }
}

/// The process listening on TCP `port` of this machine (from `ss -ltnpH`).
fn listener_pid(port: u16) -> Option<u32> {
    let out = std::process::Command::new("ss")
        .args(["-ltnpH", &format!("sport = :{port}")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("pid=")? + 4;
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// Tops the side up to 100 goals through its API (a side that has more is said to).
fn seed(side: &Side) {
    let list: serde_json::Value = Http::with_timeout(std::time::Duration::from_secs(10))
        .get(&format!("{}/goals", side.base))
        .json()
        .unwrap_or_else(|e| panic!("{}: GET /goals: {e}", side.label));
    let have = list["goals"].as_array().map_or(0, Vec::len);
    for i in have..100 {
        let status = post_json(side.port, "/goals", &format!("{{\"text\":\"goal {i}\"}}"));
        assert_eq!(status, Some(201), "{}: seeding /goals", side.label);
    }
    if have > 100 {
        eprintln!("[bench] {}: {have} goals stored, not 100", side.label);
    }
}

/// Voluntary context switches of every thread of a process so far.
fn switches(pid: u32) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("status")).ok())
        .filter_map(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .sum()
}

fn measure(side: &Side, connections: u32, seconds: u64, script: Option<&PathBuf>) -> Figures {
    let (d0, w0) = (cpu_seconds(side.db_pid), switches(side.db_pid));
    let s0 = side.server_pid.map(cpu_seconds);
    let run = wrk(
        &format!("{}/goals", side.base),
        connections,
        seconds,
        script,
    );
    let (d1, w1) = (cpu_seconds(side.db_pid), switches(side.db_pid));
    let s1 = side.server_pid.map(cpu_seconds);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let n = run.requests.max(1.0);
    Figures {
        rps: run.rps,
        db_ms: (d1 - d0) * 1000.0 / n,
        db_switches: (w1 - w0) / n,
        server_ms: s0.zip(s1).map(|(a, b)| (b - a) * 1000.0 / n),
    }
}

fn median(runs: &[Figures]) -> Figures {
    let pick = |f: fn(&Figures) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    Figures {
        rps: pick(|f| f.rps),
        db_ms: pick(|f| f.db_ms),
        db_switches: pick(|f| f.db_switches),
        server_ms: runs
            .iter()
            .all(|f| f.server_ms.is_some())
            .then(|| pick(|f| f.server_ms.unwrap_or(0.0))),
    }
}
