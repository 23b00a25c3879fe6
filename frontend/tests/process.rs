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

#[test]
fn a_client_that_never_finishes_its_request_line_is_cut_off() {
    let site = site();
    let port = free_port();
    let mut svc = ServiceProcess::spawn(
        BIN,
        port,
        &vars(&[
            ("PORT", &port.to_string()),
            ("LEPTOS_SITE_ROOT", &site.path().display().to_string()),
        ]),
    );
    svc.wait_serving();
    assert_slow_headers_cut_off(port);
    assert_eq!(test_support::http_status(port, "/healthz"), Some(200));
}

/// The request line as a client sends it, byte for byte (no client library normalises
/// it): every redirect the server answers stays on the site.
#[test]
fn no_request_is_redirected_to_another_site() {
    use std::io::{Read, Write};
    let site = site();
    let port = free_port();
    let mut svc = ServiceProcess::spawn(
        BIN,
        port,
        &vars(&[
            ("PORT", &port.to_string()),
            ("LEPTOS_SITE_ROOT", &site.path().display().to_string()),
        ]),
    );
    svc.wait_serving();
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
