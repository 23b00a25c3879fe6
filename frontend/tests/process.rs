//! The real `frontend` binary: the start-up contract (exit 2 for a setting, 1 for the
//! outside world, one line naming the variable) and the header-read timeout.

use test_support::process::{assert_slow_headers_cut_off, assert_start_error, StartCase};
use test_support::{free_port, ServiceProcess, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_frontend");

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A stand-in site tree (the server checks the built assets are there).
fn site() -> TempDir {
    let dir = TempDir::new("frontend-site");
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    for f in [
        "pkg/frontend.css",
        "pkg/frontend.js",
        "pkg/frontend.wasm",
        "favicon.svg",
    ] {
        std::fs::write(dir.path().join(f), "x").unwrap();
    }
    dir
}

#[test]
fn start_up_errors_have_one_line_naming_the_variable_and_their_exit_code() {
    let site = site();
    let root = site.path().display().to_string();
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    let cases: &[StartCase] = &[
        (&[("PORT", "web")], 2, "PORT"),
        (
            &[("LEPTOS_SITE_ROOT", "/nonexistent/site")],
            2,
            "LEPTOS_SITE_ROOT",
        ),
        (
            &[("BACKEND_INTERNAL_URL", "backend:80")],
            2,
            "BACKEND_INTERNAL_URL",
        ),
        (
            &[("FAVORITES_PUBLIC_URL", "ftp://x")],
            2,
            "FAVORITES_PUBLIC_URL",
        ),
        (&[("LIVE_RELOAD", "maybe")], 2, "LIVE_RELOAD"),
        (&[("PORT", &taken_port)], 1, "PORT"),
    ];
    for (env, code, var) in cases {
        let mut env = vars(env);
        if !env.iter().any(|(k, _)| k == "LEPTOS_SITE_ROOT") {
            env.push(("LEPTOS_SITE_ROOT".into(), root.clone()));
        }
        assert_start_error(BIN, "frontend", &env, *code, var, &[]);
    }
    drop(taken);
}

/// The frontend binary serving a stand-in site on a free port, with `extra` settings:
/// the process (serving) and the site it keeps alive.
fn serving(extra: &[(&str, &str)]) -> (ServiceProcess, TempDir) {
    let site = site();
    let port = free_port();
    let mut env = vars(&[
        ("PORT", &port.to_string()),
        ("LEPTOS_SITE_ROOT", &site.path().display().to_string()),
    ]);
    env.extend(vars(extra));
    let mut svc = ServiceProcess::spawn(BIN, port, &env);
    svc.wait_serving();
    (svc, site)
}

#[test]
fn a_client_that_never_finishes_its_request_line_is_cut_off() {
    let (svc, _site) = serving(&[]);
    let port = svc.port;
    assert_slow_headers_cut_off(port);
    assert_eq!(test_support::http_status(port, "/healthz"), Some(200));
}

/// The request line as a client sends it, byte for byte (no client library normalises
/// it): every redirect the server answers stays on the site.
#[test]
fn no_request_is_redirected_to_another_site() {
    use std::io::{Read, Write};
    let (svc, _site) = serving(&[]);
    let port = svc.port;
    for path in [
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "/\\/evil.example/",
        "//evil.example//",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%2f%5c/evil.example/",
        "//evil.example/?next=//evil.example",
    ] {
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            conn,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = conn.read_to_string(&mut answer);
        let status = answer.split_whitespace().nth(1).unwrap_or_default();
        let location = answer
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .unwrap_or_default();
        if status.starts_with('3') {
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.starts_with("/\\"),
                "{path}: {status} to {location:?}"
            );
        }
        println!("{path} -> {status} {location}");
    }
}

/// A stand-in goals API on a thread of its own that answers `GET /goals` with `body`.
fn goals_api(body: String) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for conn in listener.incoming().flatten() {
            let body = body.clone();
            std::thread::spawn(move || {
                let mut conn = conn;
                let mut buf = [0u8; 4096];
                // one request per connection is all the page's client needs to be served
                if conn.read(&mut buf).unwrap_or(0) == 0 {
                    return;
                }
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(body.as_bytes());
            });
        }
    });
    port
}

/// `/healthz` never waits behind a render: while pages over 20,000 goals of 1,000
/// characters each are rendered one after the other (the largest page: 100 of them, from a
/// 20 MB list read and parsed by the render), `/healthz` answers within 100 ms.
#[test]
fn health_answers_at_once_while_the_largest_page_renders() {
    use std::time::{Duration, Instant};
    let goals: Vec<serde_json::Value> = (0..20_000)
        .map(|i| serde_json::json!({ "id": format!("{i:024x}"), "text": "x".repeat(1000) }))
        .collect();
    let api = goals_api(serde_json::json!({ "goals": goals }).to_string());
    let (svc, _site) = serving(&[
        ("BACKEND_INTERNAL_URL", &format!("http://127.0.0.1:{api}")),
        ("RUST_LOG", "warn"),
    ]);
    let port = svc.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let renders = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let renderer = {
        let (stop, renders) = (stop.clone(), renders.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let html = test_support::http_get_text(port, "/");
                assert!(
                    html.contains("Page 1 of 200"),
                    "{}",
                    &html[..html.len().min(300)]
                );
                renders.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })
    };
    let mut slowest = Duration::ZERO;
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(6) {
        let asked = Instant::now();
        assert_eq!(test_support::http_status(port, "/healthz"), Some(200));
        slowest = slowest.max(asked.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    renderer.join().unwrap();
    let renders = renders.load(std::sync::atomic::Ordering::Relaxed);
    println!("{renders} renders; the slowest /healthz: {slowest:?}");
    assert!(
        renders >= 2,
        "only {renders} renders: the test proves nothing"
    );
    assert!(
        slowest < Duration::from_millis(100),
        "/healthz took {slowest:?} while pages rendered"
    );
}

/// With the goals API accepting connections and never answering, `/` sends the page's
/// shell at once (the header, the navigation, the form that works before the page's code
/// has loaded): only the list waits, and then says what went wrong.
#[test]
fn the_shell_arrives_before_a_hung_apis_timeout() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_port = hung.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in hung.incoming().flatten() {
            held.push(conn); // accepted, never answered
        }
    });
    let (svc, _site) = serving(&[
        (
            "BACKEND_INTERNAL_URL",
            &format!("http://127.0.0.1:{hung_port}"),
        ),
        ("RUST_LOG", "error"),
    ]);
    let port = svc.port;
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(
        &mut conn,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let t0 = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    let mut shell_at = None;
    loop {
        let n = conn.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if shell_at.is_none()
            && text.contains("id=\"goal-text\"")
            && text.contains("Star Wars Favorites")
        {
            shell_at = Some(t0.elapsed());
        }
    }
    let all = t0.elapsed();
    let text = String::from_utf8_lossy(&seen);
    let shell_at = shell_at.unwrap_or_else(|| panic!("no form in the page:\n{text}"));
    println!("shell after {shell_at:?}, the whole page after {all:?}");
    assert!(
        shell_at < Duration::from_secs(2),
        "the shell came after {shell_at:?}"
    );
    assert!(
        all > shell_at + Duration::from_secs(3),
        "the list did not wait: {all:?}"
    );
    assert!(
        text.contains("did not answer in time"),
        "the list's error:\n{text}"
    );
}
