//! One run at a time per name on a machine: a second run of the same compose project
//! would tear down the first's stack, so it waits for it.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// An exclusive lock on `/tmp/{name}.lock`, held until dropped (or the process ends).
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock `name`; when another run holds it, says so and waits for it.
    pub fn acquire(name: &str) -> Self {
        let path = PathBuf::from(format!("/tmp/{name}.lock"));
        let file = File::create(&path)
            .unwrap_or_else(|e| panic!("cannot open the lock file {}: {e}", path.display()));
        // SAFETY: flock on a descriptor we own; the lock goes with the file.
        let free = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if !free {
            println!("[{name}] another run of project {name} is in progress: waiting for it");
            // SAFETY: as above.
            let got = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0;
            assert!(got, "cannot lock {}", path.display());
        }
        Self { _file: file }
    }
}
