//! The compose file's MongoDB choices: the image comes from `MONGO_IMAGE` (default
//! `mongo:8`; `mongo:4.4` for CPUs without AVX), and the database healthcheck works with
//! either image's shell (`mongosh` in 5+, the legacy `mongo` in 4.4), run here with
//! stand-in shells that answer or fail.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use e2e::workspace_root;
use test_support::TempDir;

fn compose() -> serde_yaml::Value {
    let text = std::fs::read_to_string(workspace_root().join("docker-compose.yml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

#[test]
fn the_mongodb_image_is_a_variable_defaulting_to_mongo_8() {
    let doc = compose();
    assert_eq!(
        doc["services"]["mongodb"]["image"],
        "${MONGO_IMAGE:-mongo:8}"
    );
}

/// Runs the healthcheck's shell command with only the given fake commands on PATH
/// (`name` → exit code).
fn healthcheck_with(shells: &[(&str, i32)]) -> i32 {
    let doc = compose();
    let test = doc["services"]["mongodb"]["healthcheck"]["test"]
        .as_sequence()
        .expect("healthcheck test");
    assert_eq!(test[0], "CMD-SHELL", "a shell command, so it can fall back");
    let command = test[1].as_str().unwrap();
    let bin = TempDir::new("fake-shells");
    for (name, code) in shells {
        let path = bin.path().join(name);
        std::fs::write(
            &path,
            format!("#!/bin/sh\ncase \"$*\" in *ping*) exit {code};; *) exit 9;; esac\n"),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Command::new("/bin/sh")
        .args(["-c", command])
        .env_clear()
        .env("PATH", bin.path())
        .status()
        .expect("sh")
        .code()
        .unwrap_or(-1)
}

#[test]
fn the_healthcheck_works_with_mongosh_or_the_legacy_mongo_shell() {
    assert_eq!(
        healthcheck_with(&[("mongosh", 0)]),
        0,
        "mongo:8 (mongosh only)"
    );
    assert_eq!(
        healthcheck_with(&[("mongo", 0)]),
        0,
        "mongo:4.4 (mongo only)"
    );
    assert_ne!(
        healthcheck_with(&[("mongosh", 1)]),
        0,
        "mongosh says not ready"
    );
    assert_ne!(healthcheck_with(&[("mongo", 1)]), 0, "mongo says not ready");
    assert_ne!(healthcheck_with(&[]), 0, "no shell at all");
}

/// Our four services' images are `${IMAGE_PREFIX:-goals}-<service>:${IMAGE_TAG:-<version>}`
/// with the checkout's version (the backend crate's, which the release workflow tags), built
/// from source unless `IMAGE_PULL_POLICY` says otherwise; the Swarm stack file names the same
/// images.
#[test]
fn our_images_are_named_by_prefix_and_the_checkouts_version_and_built_by_default() {
    let manifest = std::fs::read_to_string(workspace_root().join("backend/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("backend's version");
    let doc = compose();
    let stack: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(workspace_root().join("deploy/swarm/stack.yml")).unwrap(),
    )
    .unwrap();
    for svc in ["backend", "favorites", "swapi", "frontend"] {
        let want = format!("${{IMAGE_PREFIX:-goals}}-{svc}:${{IMAGE_TAG:-{version}}}");
        assert_eq!(
            doc["services"][svc]["image"],
            want.as_str(),
            "compose {svc}"
        );
        assert_eq!(
            stack["services"][svc]["image"],
            want.as_str(),
            "stack {svc}"
        );
        assert_eq!(
            doc["services"][svc]["pull_policy"], "${IMAGE_PULL_POLICY:-build}",
            "{svc}: built from source unless told to pull"
        );
    }
}
