//! The `docker` command line, for the suites that drive a real engine: running it, asking
//! a container for its state, and failing clearly where no engine answers.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

use test_support::process::output_text;

/// `docker args…` run to the end. Where the client cannot be run, a failed output
/// (exit 127) saying so: never a panic, as clean-ups run this while unwinding.
pub fn docker(args: &[&str]) -> Output {
    finished(Command::new("docker").args(args).output(), "docker")
}

/// The output of a finished command, or where `program` could not be started, a failed
/// output (exit 127) whose stderr says why.
pub fn finished(out: std::io::Result<Output>, program: &str) -> Output {
    out.unwrap_or_else(|e| Output {
        status: std::process::ExitStatus::from_raw(127 << 8),
        stdout: Vec::new(),
        stderr: format!("cannot run {program} (is the Docker client installed?): {e}").into_bytes(),
    })
}

/// `docker args…`: its stdout, trimmed. Panics with the command and docker's own error
/// when it fails.
pub fn docker_ok(args: &[&str]) -> String {
    docker_try(args).unwrap_or_else(|e| panic!("{e}"))
}

/// `docker args…`: its stdout, trimmed; `Err("docker args… failed: what it printed")` when
/// it fails.
pub fn docker_try(args: &[&str]) -> Result<String, String> {
    stdout_of(docker(args), &format!("docker {}", args.join(" ")))
}

/// The trimmed stdout of a finished `command`; `Err("{command} failed (status): all it
/// printed")` when it failed.
pub fn stdout_of(out: Output, command: &str) -> Result<String, String> {
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "{command} failed ({}):\n{}",
            out.status,
            output_text(&out).trim_end()
        ))
    }
}

/// Panics, naming `suite`, unless a Docker engine answers (`docker info`): the suites
/// that need Docker fail where there is none, never skip.
pub fn require_engine(suite: &str) {
    assert!(
        docker(&["info"]).status.success(),
        "{suite}: no Docker engine answers (docker info failed): start one first \
         (scripts/docker-prepare.sh on a registry-less machine)"
    );
}

/// [`require_engine`], and Compose v2 (`docker compose`) installed; panics naming `suite`.
pub fn require_compose(suite: &str) {
    require_engine(suite);
    assert!(
        docker(&["compose", "version"]).status.success(),
        "{suite}: Docker Compose v2 (`docker compose`) is missing"
    );
}

/// `docker inspect -f format target`: the text, trimmed; empty when the target is gone.
pub fn inspect(target: &str, format: &str) -> String {
    docker_try(&["inspect", "-f", format, target]).unwrap_or_default()
}

/// A container's health: `healthy`, `unhealthy`, `starting`, `none` (no healthcheck), or
/// empty when the container is gone.
pub fn health(container: &str) -> String {
    inspect(
        container,
        "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
    )
}
