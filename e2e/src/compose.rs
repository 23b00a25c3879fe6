//! A `docker compose` project of the suite's own: its `-p` name, its `-f` files, its
//! profiles and environment, and the commands the suites run on it (build with progress
//! lines, up, down, ps, logs, exec, one-off containers, reading a file from a volume).
//!
//! One run per project name at a time on a machine (a lock file, `/tmp/{name}.lock`: a
//! second run of the project would tear down the first's stack, so it waits). What the project made
//! is removed when the handle is dropped, after a panic too: its containers (one-off ones
//! included), networks and volumes (but those named in [`Project::keep_volumes`]); images
//! and the build cache stay, so the next run is fast. After a panic the stack's state
//! (`ps -a`, the last log lines) is printed first.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use test_support::process::output_text;
use test_support::TempDir;

use crate::clip;
use crate::docker::{docker, docker_try, finished, stdout_of};
use crate::wait::{secs, Ticker, PROGRESS_EVERY};

/// The image the suites run one-off helper containers from (it is on every machine that
/// built the project's images: the Dockerfile's runtime base).
pub const HELPER_IMAGE: &str = "debian:bookworm-slim";

/// The port in `$key` (a compose file's `${…_PORT}`), when it is set. Panics naming the
/// variable when it is not a port.
pub fn env_port(key: &str) -> Option<u16> {
    let value = std::env::var(key).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{key}={value}: not a port")),
    )
}

/// A compose project driven by a suite.
pub struct Project {
    name: String,
    dir: PathBuf,
    files: Vec<PathBuf>,
    profiles: Vec<String>,
    env: Vec<(String, Option<String>)>,
    keep_volumes: Vec<String>,
    one_offs: Vec<String>,
    scratch: TempDir,
    _lock: std::fs::File,
}

impl Project {
    /// The project `name` (`docker compose -p name`) of the compose `files`, run from
    /// `dir` (`--project-directory`; relative paths in the files are from there). Waits
    /// while another run of the same project holds its lock.
    pub fn new(name: &str, dir: &Path, files: &[PathBuf]) -> Self {
        Self {
            name: name.to_owned(),
            dir: dir.to_owned(),
            files: files.to_vec(),
            profiles: Vec::new(),
            env: Vec::new(),
            keep_volumes: Vec::new(),
            one_offs: Vec::new(),
            scratch: TempDir::new(name),
            _lock: test_support::lock_file(Path::new(&format!("/tmp/{name}.lock"))),
        }
    }

    /// Adds `--profile profile` to every command.
    pub fn profile(mut self, profile: &str) -> Self {
        self.profiles.push(profile.to_owned());
        self
    }

    /// Volumes (their names in the compose file) the clean-up keeps: build caches.
    pub fn keep_volumes(mut self, volumes: &[&str]) -> Self {
        self.keep_volumes = volumes.iter().map(|v| v.to_string()).collect();
        self
    }

    /// Sets `key=value` in the environment of every later compose command (the compose
    /// files' `${…}` variables).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), Some(value.to_owned())));
    }

    /// Removes `key` from the environment of every later compose command, also when this
    /// process has it.
    pub fn unset_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), None));
    }

    /// The project name (`-p`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `-f` files, space-separated, for messages.
    pub fn files(&self) -> String {
        let files: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        files.join(" ")
    }

    /// A directory of the run's own (removed with the project), for logs and copies.
    pub fn scratch(&self) -> &Path {
        self.scratch.path()
    }

    /// `docker compose -p … --project-directory … -f … --profile … args…`, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("docker");
        cmd.args(["compose", "-p", &self.name, "--project-directory"])
            .arg(&self.dir)
            .current_dir(&self.dir);
        for f in &self.files {
            cmd.arg("-f").arg(f);
        }
        for p in &self.profiles {
            cmd.args(["--profile", p]);
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.args(args);
        cmd
    }

    /// Runs `docker compose … args…` to the end. Where the Docker client cannot be run,
    /// a failed output saying so (never a panic: the clean-up runs this while unwinding).
    pub fn run(&self, args: &[&str]) -> Output {
        finished(
            self.command(args).stdin(Stdio::null()).output(),
            "docker compose",
        )
    }

    /// Runs `docker compose … args…`: its stdout, trimmed; `Err` with the command and all
    /// it printed when it fails.
    pub fn ok(&self, args: &[&str]) -> Result<String, String> {
        stdout_of(
            self.run(args),
            &format!("docker compose {}", args.join(" ")),
        )
    }

    /// `docker compose build --progress=plain services…` (all when empty), printing the
    /// newest build step every 30 s (a cold build takes many minutes). Returns how long it
    /// took; `Err` with the last 40 lines of the build's output when it fails.
    pub fn build(&self, services: &[&str]) -> Result<Duration, String> {
        let log = self.scratch().join("build.log");
        let file = std::fs::File::create(&log).expect("the build log");
        let mut args = vec!["build", "--progress=plain"];
        args.extend_from_slice(services);
        let mut child = self
            .command(&args)
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("the build log"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run docker compose build: {e}"));
        let mut ticker = Ticker::new(PROGRESS_EVERY);
        let status = loop {
            if let Some(status) = child.try_wait().expect("docker compose build") {
                break status;
            }
            if ticker.due() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                println!(
                    "  ... building ({} s): {}",
                    secs(ticker.elapsed()),
                    clip(newest_step(&text), 110)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        if status.success() {
            Ok(ticker.elapsed())
        } else {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            Err(format!(
                "docker compose build failed ({status}):\n{}",
                lines[lines.len().saturating_sub(40)..].join("\n")
            ))
        }
    }

    /// `docker compose up -d --wait services…`: every service started and healthy. How
    /// long it took; `Err` with compose's output when it fails.
    pub fn up_wait(&self, services: &[&str]) -> Result<Duration, String> {
        let t0 = Instant::now();
        let mut args = vec!["up", "-d", "--wait"];
        args.extend_from_slice(services);
        self.ok(&args).map(|_| t0.elapsed())
    }

    /// `docker compose up -d services…` (no waiting for health).
    pub fn up_detached(&self, services: &[&str]) -> Result<(), String> {
        let mut args = vec!["up", "-d"];
        args.extend_from_slice(services);
        self.ok(&args).map(drop)
    }

    /// `docker compose down --timeout 5` (with `-v` when `volumes`): how long it took.
    pub fn down(&self, volumes: bool) -> Duration {
        let t0 = Instant::now();
        let mut args = vec!["down", "--remove-orphans", "--timeout", "5"];
        if volumes {
            args.push("-v");
        }
        let _ = self.run(&args);
        t0.elapsed()
    }

    /// The id of `service`'s (first) container, when there is one.
    pub fn container(&self, service: &str) -> Option<String> {
        let out = self.run(&["ps", "-q", service]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_owned)
    }

    /// The ids of the project's running containers, one a line (empty: none runs).
    pub fn running(&self) -> String {
        String::from_utf8_lossy(&self.run(&["ps", "-q"]).stdout)
            .trim()
            .to_owned()
    }

    /// The last `tail` log lines of `services` (all services when empty; all lines when
    /// `tail` is `None`), without colours.
    pub fn logs(&self, services: &[&str], tail: Option<usize>) -> String {
        let tail = tail.map_or("all".to_owned(), |n| n.to_string());
        let mut args = vec!["logs", "--no-color", "--tail", &tail];
        args.extend_from_slice(services);
        strip_ansi(&output_text(&self.run(&args)))
    }

    /// Whether `docker compose exec -T service args…` succeeds.
    pub fn exec_ok(&self, service: &str, args: &[&str]) -> bool {
        let mut all = vec!["exec", "-T", service];
        all.extend_from_slice(args);
        self.run(&all).status.success()
    }

    /// A container `name` of the suite's own (e.g. from `docker compose run -d --name`),
    /// removed by the clean-up; a leftover of that name from an aborted run is removed now.
    pub fn one_off<'a>(&mut self, name: &'a str) -> &'a str {
        let _ = docker(&["rm", "-f", "-v", name]);
        if !self.one_offs.iter().any(|c| c == name) {
            self.one_offs.push(name.to_owned());
        }
        name
    }

    /// The full name of the project's volume `volume`: `{project}_{volume}`.
    pub fn volume(&self, volume: &str) -> String {
        format!("{}_{volume}", self.name)
    }

    /// The file `path` in the project's volume `volume`, read through a helper container
    /// (the volume mounted read-only).
    pub fn volume_read(&self, volume: &str, path: &str) -> Result<String, String> {
        let mount = format!("{}:/v:ro", self.volume(volume));
        let file = format!("/v/{path}");
        docker_try(&[
            "run",
            "--rm",
            "-v",
            &mount,
            "--entrypoint",
            "cat",
            HELPER_IMAGE,
            &file,
        ])
    }

    /// Removes what the project made: its one-off containers, its containers and
    /// networks, and its volumes but the kept ones. Also what an aborted run left.
    pub fn clean(&self) {
        for c in &self.one_offs {
            let _ = docker(&["rm", "-f", "-v", c]);
        }
        if self.keep_volumes.is_empty() {
            self.down(true);
            return;
        }
        self.down(false);
        let label = format!("label=com.docker.compose.project={}", self.name);
        let listed = docker_try(&["volume", "ls", "-q", "--filter", &label]).unwrap_or_default();
        let kept: Vec<String> = self.keep_volumes.iter().map(|v| self.volume(v)).collect();
        for v in listed.lines().filter(|v| !kept.iter().any(|k| k == v)) {
            let _ = docker(&["volume", "rm", v]);
        }
    }

    /// The stack's state, for a failure: `ps -a` and each service's last 30 log lines.
    pub fn state(&self) -> String {
        let ps = output_text(&self.run(&["ps", "-a"]));
        format!("{ps}{}", self.logs(&[], Some(30)))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        if std::thread::panicking() {
            println!("  (the stack's state)");
            for line in self.state().lines() {
                println!("    {line}");
            }
        }
        let kept = if self.keep_volumes.is_empty() {
            String::new()
        } else {
            format!(" but {} (build caches)", self.keep_volumes.join(", "))
        };
        println!(
            "== cleanup (containers, networks, volumes{kept} of {}; images and build cache kept)",
            self.name
        );
        self.clean();
    }
}

/// The newest step header (`#12 [backend 3/7] RUN …`) of a plain-progress build log.
fn newest_step(log: &str) -> &str {
    log.lines()
        .rev()
        .find(|l| {
            l.strip_prefix('#').is_some_and(|rest| {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                digits > 0 && rest[digits..].starts_with(" [")
            })
        })
        .unwrap_or("(no step yet)")
}

/// `text` without terminal colour sequences (`ESC [ … letter`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_build_step_is_the_last_step_header() {
        let log = "#1 [internal] load build definition\n#1 DONE 0.0s\n\
                   #7 [backend 3/7] RUN cargo chef cook\n#7 12.3 Compiling serde\n";
        assert_eq!(newest_step(log), "#7 [backend 3/7] RUN cargo chef cook");
        assert_eq!(newest_step("#x [no]\n"), "(no step yet)");
    }

    #[test]
    fn colour_sequences_are_stripped() {
        assert_eq!(
            strip_ansi("\u{1b}[2Kbackend-1  | \u{1b}[32mCompiling\u{1b}[0m x"),
            "backend-1  | Compiling x"
        );
    }

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(
            clip("case 3: container → container", 20),
            "case 3: container → "
        );
        assert_eq!(clip("short", 110), "short");
    }

    #[test]
    fn commands_carry_the_project_files_profiles_and_environment() {
        let root = crate::workspace_root();
        let mut p = Project::new("goals-e2e-unit", &root, &[root.join("docker-compose.yml")])
            .profile("offline");
        p.set_env("BACKEND_PORT", "18080");
        p.unset_env("E2E_BACKEND_PASSWORD");
        let cmd = p.command(&["ps", "-q"]);
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let compose = root.join("docker-compose.yml").display().to_string();
        let dir = root.display().to_string();
        assert_eq!(
            args,
            [
                "compose",
                "-p",
                "goals-e2e-unit",
                "--project-directory",
                &dir,
                "-f",
                &compose,
                "--profile",
                "offline",
                "ps",
                "-q"
            ]
        );
        let envs: Vec<_> = cmd.get_envs().collect();
        assert!(envs.contains(&("BACKEND_PORT".as_ref(), Some("18080".as_ref()))));
        assert!(envs.contains(&("E2E_BACKEND_PASSWORD".as_ref(), None)));
        assert_eq!(p.volume("logs"), "goals-e2e-unit_logs");
        // dropping it runs `docker compose down` on a project that has nothing (and
        // nothing at all where no Docker client is installed)
    }
}
