//! Schemathesis (PyPI), the API fuzzer the services' OpenAPI descriptions are checked
//! with: pinned, installed once ([`crate::pytool`]), run against a live service.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The pinned version.
pub const VERSION: &str = "4.32.5";

/// The `schemathesis` command, installed on first use.
pub fn binary() -> PathBuf {
    crate::pytool::install("schemathesis", VERSION, "schemathesis")
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
