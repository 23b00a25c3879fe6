//! The exercises' shared shell helpers (`exercises/lib.sh`), run by `sh` as the checks run
//! them: which image exercise 11 takes its throwaway `mongosh` from. Neither `mongo:8` nor
//! `mongo:4.4` can be pulled on the machines that run the tests, so the choice itself is
//! checked here; the exercises phase runs exercise 11 with the CI stand-in.

use std::process::Command;

use e2e::workspace_root;

/// `mongosh_image` of `exercises/lib.sh` under `sh`, with `MONGO_IMAGE` (and `MONGOSH_IMAGE`
/// when given) set.
fn mongosh_image(mongo: &str, mongosh: Option<&str>) -> String {
    let mut cmd = Command::new("sh");
    cmd.current_dir(workspace_root())
        .args(["-c", ". exercises/lib.sh && mongosh_image"])
        .env("MONGO_IMAGE", mongo)
        .env_remove("MONGOSH_IMAGE");
    if let Some(m) = mongosh {
        cmd.env("MONGOSH_IMAGE", m);
    }
    let out = cmd.output().expect("sh runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// mongo:5 and later ship mongosh; mongo:4.4 (the image for CPUs without AVX) and older ship
/// only the legacy `mongo` shell, and the CI stand-in's mongosh only answers pings: those two
/// get the course's own mongosh image. A setting of MONGOSH_IMAGE always wins.
#[test]
fn exercise_11_takes_mongosh_from_an_image_that_has_it() {
    for (mongo, want) in [
        ("mongo:8", "mongo:8"),
        ("mongo:5.0", "mongo:5.0"),
        ("mongo", "mongo"),
        ("mongo:44", "mongo:44"),
        ("mongo:4.4", "course-mongosh"),
        ("mongo:4.4.18", "course-mongosh"),
        ("mongo:4.4.29-focal", "course-mongosh"),
        ("docker.io/library/mongo:4.4", "course-mongosh"),
        ("mongo:3.6", "course-mongosh"),
        ("goals-ci-secantusdb", "course-mongosh"),
    ] {
        assert_eq!(mongosh_image(mongo, None), want, "MONGO_IMAGE={mongo}");
    }
    assert_eq!(mongosh_image("mongo:4.4", Some("my-mongosh")), "my-mongosh");
}
