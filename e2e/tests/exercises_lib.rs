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

/// A check that fails every kind of assertion, its own words in both languages ("ENGLISH |ko|
/// KOREAN", as the checks write them), its output in the language `lang` (`EX_LANG`); no
/// Docker engine (a socket that does not exist).
fn forced_failure(lang: &str) -> String {
    let script = r#". exercises/lib.sh
ex_begin 99 "a check made to fail |ko| 강제로 실패시키는 점검"
step "first step |ko| 첫 단계"
say "why it runs |ko| 왜 실행하는지"
expect "what should come |ko| 무엇이 나와야 하는지"
run false
check_rc 0 "the command succeeds |ko| 명령이 성공함"
OUT=something
check_out_contains other "the output has other |ko| 출력에 다른 것이 있음"
check_out_lacks some "the output lacks some |ko| 출력에 없음"
check_out_match '^x' "a pattern |ko| 패턴"
check_eq a b "equal |ko| 같음"
check_ne a a "different |ko| 다름"
OUT="HTTP 500"
check_http 200 "the answer |ko| 응답"
check_true "a command |ko| 명령" -- false
need_image no-such-image-here"#;
    let out = Command::new("sh")
        .current_dir(workspace_root())
        .args(["-c", script, "exercises/networking/99-forced.sh"])
        .env("EX_LANG", lang)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .expect("sh runs");
    assert!(!out.status.success(), "a failing check exits non-zero");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// With `EX_LANG=ko` every line a failing check prints is Korean, apart from the commands it
/// shows (`$ …`) and their output (indented four spaces); in English the same lines say FAIL.
#[test]
fn a_failing_check_speaks_korean_with_ex_lang_ko() {
    let ko = forced_failure("ko");
    let hangul = |l: &str| l.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
    let mut checked = 0;
    for line in ko.lines() {
        let words = line.chars().any(|c| c.is_ascii_alphabetic());
        if line.starts_with("$ ") || line.starts_with("    ") || !words {
            continue;
        }
        checked += 1;
        assert!(hangul(line), "not Korean: {line:?}\n{ko}");
        for english in [
            "expected", "FAIL", "PASS", "got", "output", "step", "cleanup", "passed",
        ] {
            assert!(!line.contains(english), "{english:?} in {line:?}\n{ko}");
        }
    }
    assert!(checked >= 12, "only {checked} lines checked:\n{ko}");
    assert!(ko.matches("실패 ").count() >= 9, "{ko}");
    assert!(
        ko.contains("exercises/README.ko.md#점검이-실패하면"),
        "{ko}"
    );
    for english in [
        "the command succeeds",
        "first step",
        "why it runs",
        "a check made",
    ] {
        assert!(!ko.contains(english), "{english:?} in Korean:\n{ko}");
    }
    let en = forced_failure("en");
    assert!(en.matches("FAIL ").count() >= 9, "{en}");
    assert!(!en.lines().any(hangul), "Korean in English:\n{en}");
    for english in [
        "the command succeeds",
        "first step",
        "why it runs",
        "a check made",
    ] {
        assert!(en.contains(english), "{english:?} missing:\n{en}");
    }
    assert!(
        en.contains("exercises/README.md#when-a-check-fails"),
        "{en}"
    );
}
