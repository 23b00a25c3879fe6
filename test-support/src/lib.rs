//! What the services' tests share: the MongoDB-compatible test server (SecantusDB,
//! authentication on), a fresh database per test, dedicated server instances that a
//! test may stop and restart, and the real service binaries run as processes.
//!
//! No mock of the database anywhere: every test talks to a real wire-protocol server.

pub mod app;
pub mod load;
pub mod mongo;
pub mod mongo_server;
pub mod openapi;
pub mod process;
pub mod pytool;
pub mod router;
pub mod schemathesis;

pub use app::{spawn_app, spawn_app_with_env, Built, TestApp, TestService};
pub use mongo::{shared_mongo, MongoInstance, SharedMongo};
pub use process::{free_port, http_get_text, http_status, ServiceProcess};
pub use router::{json_or_null, RouterClient};

use std::path::PathBuf;

/// The workspace root (where `scripts/` is).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("test-support lives in the workspace")
        .to_path_buf()
}

/// An exclusive lock (`flock`) on `path`, held until the file is dropped. When another
/// process holds it, says so and waits. The file and its directory are created if missing
/// (on a new machine the cache directory does not exist yet). Panics naming the path when
/// it cannot.
pub fn lock_file(path: &std::path::Path) -> std::fs::File {
    use std::os::fd::AsRawFd;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    }
    let file = std::fs::File::create(path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    // SAFETY: flock on a descriptor we own; released when `file` is dropped.
    let free = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    if !free {
        eprintln!(
            "[lock] another process holds {}: waiting for it",
            path.display()
        );
        // SAFETY: as above.
        let got = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0;
        assert!(got, "cannot lock {}", path.display());
    }
    file
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", unique_suffix()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Unique within this machine: pid, a counter and the clock.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_makes_its_directory_and_is_exclusive() {
        let tmp = TempDir::new("lock-file");
        let path = tmp.path().join("new/cache/dir/x.lock");
        let held = lock_file(&path);
        assert!(path.is_file());
        use std::os::fd::AsRawFd;
        let other = std::fs::File::open(&path).unwrap();
        // SAFETY: flock on descriptors we own.
        let busy = unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        assert_eq!(
            busy, -1,
            "a second holder is refused while the lock is held"
        );
        drop(held);
        let free = unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        assert_eq!(free, 0, "free once the holder is gone");
    }
}
