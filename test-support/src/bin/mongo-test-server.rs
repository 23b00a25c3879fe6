//! The MongoDB-compatible test server for scripts and people (what the tests use through
//! `test_support::mongo_server`):
//!
//!   cargo run -q -p test-support --bin mongo-test-server -- start     install if needed, start (or reuse)
//!   cargo run -q -p test-support --bin mongo-test-server -- stop      stop the shared server
//!   cargo run -q -p test-support --bin mongo-test-server -- status    exit 0 when it runs and answers
//!   cargo run -q -p test-support --bin mongo-test-server -- env       the MONGO_TEST_* lines (host, port, user, password)
//!   cargo run -q -p test-support --bin mongo-test-server -- install   install SecantusDB; print the server command's path
//!   cargo run -q -p test-support --bin mongo-test-server -- version   the pinned SecantusDB version

use test_support::mongo_server as server;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "start".into());
    match arg.as_str() {
        "start" => {
            server::start();
        }
        "stop" => server::stop(),
        "status" => match server::running(&server::state_dir(), server::shared_port()) {
            Some(pid) => eprintln!(
                "[mongo-test] running on {}:{} (pid {pid})",
                server::HOST,
                server::shared_port()
            ),
            None => {
                eprintln!("[mongo-test] not running");
                std::process::exit(1);
            }
        },
        "env" => {
            let path = server::state_dir().join("env");
            match std::fs::read_to_string(&path) {
                Ok(text) => print!("{text}"),
                Err(e) => {
                    eprintln!(
                        "[mongo-test] no {} ({e}): run `start` first",
                        path.display()
                    );
                    std::process::exit(1);
                }
            }
        }
        "install" => println!("{}", server::install().display()),
        "version" => println!("{}", server::SECANTUS_VERSION),
        other => {
            eprintln!(
                "usage: mongo-test-server [start|stop|status|env|install|version] (not {other:?})"
            );
            std::process::exit(2);
        }
    }
}
