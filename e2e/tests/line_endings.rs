//! A checkout made the way Git makes it on Windows (`core.autocrlf=true`, Git's default
//! there) has LF line ends in every script, env file, Dockerfile and YAML file (so they
//! run when bind-mounted into Linux containers), and its scripts start: the frontend's
//! build step and the exercises' runner get past their `set -euo pipefail` line.

use std::path::Path;
use std::process::Command;

use e2e::workspace_root;
use test_support::process::output_text;
use test_support::TempDir;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_windows_style_clone_keeps_lf_and_its_scripts_run() {
    let root = workspace_root();
    let tmp = TempDir::new("crlf-clone");
    let clone = tmp.path().join("clone");
    // a clone of what is committed (HEAD), checked out with Windows' default
    let out = Command::new("git")
        .args(["-c", "core.autocrlf=true", "clone", "-q", "--no-hardlinks"])
        .arg(&root)
        .arg(&clone)
        .output()
        .expect("git clone");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    git(&clone, &["config", "core.autocrlf", "true"]);

    let files = git(&clone, &["ls-files"]);
    let must_be_lf = |f: &str| {
        f.ends_with(".sh")
            || f.ends_with(".env")
            || f.ends_with(".yml")
            || f.ends_with(".yaml")
            || f.ends_with("Dockerfile")
            || f == ".ci/run"
            || f.ends_with("/mongosh")
            || f.ends_with("docker-entrypoint.sh")
    };
    let mut checked = 0;
    let mut crlf = vec![];
    for f in files.lines().filter(|f| must_be_lf(f)) {
        let bytes = std::fs::read(clone.join(f)).unwrap();
        if bytes.contains(&b'\r') {
            crlf.push(f.to_owned());
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files checked");
    assert!(
        crlf.is_empty(),
        "CR line ends in a Windows-style clone: {crlf:?}"
    );

    for (script, args) in [
        ("scripts/build-frontend.sh", vec!["--help"]),
        ("exercises/run.sh", vec!["--list"]),
    ] {
        let out = Command::new("bash")
            .arg(clone.join(script))
            .args(&args)
            .current_dir(&clone)
            .output()
            .expect("bash");
        let text = output_text(&out);
        assert!(
            out.status.success(),
            "{script} {args:?} in the clone:\n{text}"
        );
        assert!(!text.contains("invalid option"), "{script}: {text}");
    }
}
