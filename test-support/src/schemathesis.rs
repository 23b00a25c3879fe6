//! Schemathesis (PyPI), the API fuzzer the services' OpenAPI descriptions are checked
//! with: installed once into `$GOALS_CACHE/schemathesis-venv` (default
//! `~/.cache/goals-stack`), pinned, and run against a live service.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The pinned version.
pub const VERSION: &str = "4.32.5";

fn cache_dir() -> PathBuf {
    std::env::var_os("GOALS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                .join(".cache/goals-stack")
        })
}

/// The `schemathesis` command, installed on first use (one installer at a time across
/// test processes: a lock file). Panics with what to do when it cannot be installed.
pub fn binary() -> PathBuf {
    let venv = cache_dir().join("schemathesis-venv");
    let bin = venv.join("bin/schemathesis");
    std::fs::create_dir_all(cache_dir()).expect("cache dir");
    let lock = std::fs::File::create(cache_dir().join("schemathesis.lock")).expect("lock file");
    use std::os::fd::AsRawFd;
    unsafe {
        libc::flock(lock.as_raw_fd(), libc::LOCK_EX);
    }
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION))
        .unwrap_or(false);
    if !installed {
        eprintln!(
            "[schemathesis] installing schemathesis {VERSION} into {} (once)",
            venv.display()
        );
        let _ = std::fs::remove_dir_all(&venv);
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", &format!("schemathesis=={VERSION}")])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot install schemathesis {VERSION} from PyPI into {} (needs python3 with venv: apt-get install python3-venv)",
            venv.display()
        );
    }
    bin
}

/// Runs every schemathesis check against the description at
/// `http://127.0.0.1:{port}/openapi.json` for at most `budget`; the exit status and
/// the report. `exclude` names checks left out (each with its reason, printed).
pub fn run(port: u16, budget: Duration, exclude: &[(&str, &str)]) -> (bool, String) {
    let bin = binary();
    // schemathesis keeps a cache in its working directory: a scratch one, not the checkout
    let cwd = crate::TempDir::new("schemathesis-run");
    let mut cmd = Command::new(bin);
    cmd.current_dir(cwd.path())
        .arg("run")
        .arg(format!("http://127.0.0.1:{port}/openapi.json"))
        .args([
            "--checks",
            "all",
            "--workers",
            "2",
            "--request-timeout",
            "10",
        ])
        .args(["--max-time", &budget.as_secs().max(1).to_string()])
        .args(["--max-response-time", "5"])
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_TELEMETRY", "false");
    let mut report = String::new();
    for (check, why) in exclude {
        cmd.args(["--exclude-checks", check]);
        report.push_str(&format!("check {check} excluded: {why}\n"));
    }
    let out = cmd.output().expect("run schemathesis");
    report.push_str(&String::from_utf8_lossy(&out.stdout));
    report.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}
