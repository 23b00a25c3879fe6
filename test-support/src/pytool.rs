//! Python tools from PyPI the tests run (schemathesis, kubernetes-validate), each in a
//! virtualenv of its own under `$GOALS_CACHE` (default `~/.cache/goals-stack`), pinned,
//! installed on first use.

use std::path::PathBuf;
use std::process::Command;

/// The cache directory: `$GOALS_CACHE`, else `~/.cache/goals-stack`.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("GOALS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                .join(".cache/goals-stack")
        })
}

/// The command `bin` of `package==version`, installed into `{cache}/{package}-venv` if
/// it is not there at that version yet. One installer at a time across test processes
/// (a lock file). Panics with what to do when it cannot be installed.
pub fn install(package: &str, version: &str, bin: &str) -> PathBuf {
    let dir = cache_dir();
    let venv = dir.join(format!("{package}-venv"));
    let exe = venv.join("bin").join(bin);
    let _lock = crate::lock_file(&dir.join(format!("{package}.lock")));
    let installed = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            &format!(
                "import importlib.metadata as m; assert m.version({package:?}) == {version:?}"
            ),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed || !exe.exists() {
        eprintln!(
            "[pytool] installing {package} {version} into {} (once)",
            venv.display()
        );
        let _ = std::fs::remove_dir_all(&venv);
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "--disable-pip-version-check"])
                .arg(format!("{package}=={version}"))
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot install {package} {version} from PyPI into {} (needs python3 with venv: apt-get install python3-venv)",
            venv.display()
        );
    }
    exe
}
