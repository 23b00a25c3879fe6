//! Drift checks of the student pages:
//! - every page with a Korean twin (`X.md` / `X.ko.md`) shows the same commands: the
//!   fenced code blocks, without their comments (which the Korean page writes in Korean), are
//!   byte-identical, in the same order (the root README's Korean
//!   page covers some sections only: its blocks are a subset); each links the other;
//! - every exercise page has its twin;
//! - every `docker` command an exercise page shows (its family: `docker network create`,
//!   `docker run`, `docker compose up`, …) is run by the page's check script, up to the
//!   small table of [`SHOWN_ONLY`] below, each with its reason.

use std::path::PathBuf;

use e2e::pages::{code_blocks, exercise_pages, markdown_files, without_comments};
use e2e::{glossary_rejected_variants, workspace_root};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Docker command families a page shows that its check does not run, and why.
const SHOWN_ONLY: &[(&str, &str, &str)] = &[
    (
        "01-container-to-www",
        "docker stop",
        "the check stops what it started through its cleanup tracker",
    ),
    (
        "02-container-to-host",
        "docker stop",
        "the check stops what it started through its cleanup tracker",
    ),
    (
        "03-container-to-container",
        "docker network rm",
        "the check removes its networks through its cleanup tracker",
    ),
    (
        "03-container-to-container",
        "docker pull",
        "no registry where the checks run: the image is local",
    ),
    (
        "04-networks",
        "docker ps",
        "the check asks docker inspect for the same state",
    ),
    (
        "05-network-drivers",
        "docker rm",
        "the check removes its containers through its cleanup tracker",
    ),
    (
        "06-running-containers",
        "docker network rm",
        "the check removes its networks through its cleanup tracker",
    ),
    (
        "07-images-and-layers",
        "docker rmi",
        "the check removes its images through its cleanup tracker",
    ),
    (
        "08-env-and-args",
        "docker rmi",
        "the check removes its images through its cleanup tracker",
    ),
    (
        "09-sharing-images",
        "docker logs",
        "the check reads the registry's answers instead",
    ),
];

/// `docker` subcommands that take a second word (`docker network create`).
const MANAGEMENT: &[&str] = &[
    "network",
    "volume",
    "image",
    "container",
    "compose",
    "swarm",
    "service",
    "stack",
    "secret",
    "system",
    "builder",
    "node",
];

#[test]
fn korean_twins_show_the_same_commands_and_link_each_other() {
    let root = workspace_root();
    let mut twins = vec![];
    markdown_files(&root, ".ko.md", &mut twins);
    assert!(twins.len() >= 17, "only {} Korean pages", twins.len());
    let mut problems = vec![];
    for ko in &twins {
        let en = PathBuf::from(ko.to_string_lossy().replace(".ko.md", ".md"));
        let rel = ko.strip_prefix(&root).unwrap().display().to_string();
        let Ok(en_text) = std::fs::read_to_string(&en) else {
            problems.push(format!("{rel}: no English page beside it"));
            continue;
        };
        let ko_text = std::fs::read_to_string(ko).unwrap();
        let commands = |text: &str| -> Vec<String> {
            code_blocks(text)
                .iter()
                .map(|b| without_comments(&b.text))
                .collect()
        };
        let (en_blocks, ko_blocks) = (commands(&en_text), commands(&ko_text));
        if rel == "README.ko.md" {
            for (i, b) in ko_blocks.iter().enumerate() {
                if !en_blocks.contains(b) {
                    problems.push(format!(
                        "{rel}: code block {} is not in README.md:\n{b}",
                        i + 1
                    ));
                }
            }
        } else if en_blocks != ko_blocks {
            let at = en_blocks
                .iter()
                .zip(&ko_blocks)
                .position(|(a, b)| a != b)
                .unwrap_or(en_blocks.len().min(ko_blocks.len()));
            problems.push(format!(
                "{rel}: {} code blocks vs {} in English; first difference at block {}:\nEN: {:?}\nKO: {:?}",
                ko_blocks.len(),
                en_blocks.len(),
                at + 1,
                en_blocks.get(at),
                ko_blocks.get(at)
            ));
        }
        let ko_name = ko.file_name().unwrap().to_string_lossy().to_string();
        let en_name = en.file_name().unwrap().to_string_lossy().to_string();
        if !en_text.contains(&format!("[한국어]({ko_name})")) {
            problems.push(format!("{rel}: the English page does not link it"));
        }
        if !ko_text.contains(&format!("[English]({en_name})")) {
            problems.push(format!("{rel}: it does not link the English page"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_exercise_page_has_its_korean_twin() {
    let pages = exercise_pages();
    assert!(pages.len() >= 12, "{pages:?}");
    for page in pages {
        let ko = PathBuf::from(page.to_string_lossy().replace(".md", ".ko.md"));
        assert!(ko.is_file(), "{} has no Korean twin", page.display());
    }
}

/// `docker network create` from `docker network create --driver bridge goals-net`.
fn family(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    if words.next()? != "docker" {
        return None;
    }
    let rest: Vec<&str> = words.skip_while(|w| w.starts_with('-')).collect();
    let sub = *rest.first()?;
    match rest.get(1) {
        Some(second) if MANAGEMENT.contains(&sub) && !second.starts_with('-') => {
            Some(format!("docker {sub} {second}"))
        }
        _ => Some(format!("docker {sub}")),
    }
}

fn runs(script: &str, family: &str) -> bool {
    script.contains(family)
        || family
            .strip_prefix("docker compose ")
            .is_some_and(|rest| script.contains(&format!("compose {rest}")))
}

#[test]
fn every_docker_command_an_exercise_shows_is_run_by_its_check() {
    let mut problems = vec![];
    let mut used_exceptions = vec![];
    for page in exercise_pages() {
        let stem = page.file_stem().unwrap().to_string_lossy().to_string();
        let script = std::fs::read_to_string(page.with_extension("sh"))
            .unwrap_or_else(|_| panic!("{} has no check script", page.display()));
        let text = std::fs::read_to_string(&page).unwrap();
        let mut families: Vec<String> = code_blocks(&text)
            .iter()
            .flat_map(|b| b.text.lines().filter_map(family).collect::<Vec<_>>())
            .collect();
        families.sort();
        families.dedup();
        for f in families {
            if runs(&script, &f) {
                continue;
            }
            if SHOWN_ONLY.iter().any(|(p, c, _)| *p == stem && *c == f) {
                used_exceptions.push((stem.clone(), f));
                continue;
            }
            problems.push(format!(
                "{stem}: the page shows `{f}`, its check never runs it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // the table holds no stale entry
    for (page, cmd, _) in SHOWN_ONLY {
        assert!(
            used_exceptions.iter().any(|(p, c)| p == page && c == cmd),
            "SHOWN_ONLY has a stale entry: {page} {cmd}"
        );
    }
}

/// SecantusDB's version is pinned in one place, `test-support/secantusdb-version`
/// (`test_support::mongo_server::SECANTUS_VERSION`; the test server and the CI image are
/// built with it); a page that shows a student the
/// `pip install 'SecantusDB==…'` line shows that version.
#[test]
fn every_page_pins_the_test_servers_secantusdb_version() {
    let version = test_support::mongo_server::SECANTUS_VERSION;
    let mut files = vec![];
    markdown_files(&workspace_root(), ".md", &mut files);
    let mut seen = 0;
    let mut wrong = vec![];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, pin) in text.match_indices("SecantusDB==") {
            seen += 1;
            let shown: String = text[i + pin.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            if shown != version {
                wrong.push(format!("{}: SecantusDB=={shown}", file.display()));
            }
        }
    }
    assert!(
        seen > 0,
        "no page pins SecantusDB: is this check still needed?"
    );
    assert!(
        wrong.is_empty(),
        "pages pin another SecantusDB than test-support/secantusdb-version ({version}):\n{}",
        wrong.join("\n")
    );
}

/// The relative links of a Markdown text, in order: `(text, target, anchor)` of each
/// `[text](target#anchor)` whose target is a file of the project (not `http…`, not `#…`).
fn links(text: &str) -> Vec<(String, String, Option<String>)> {
    let mut out = vec![];
    // the link being read: its target, and its label so far
    let mut open: Option<(String, String)> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((dest_url.to_string(), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, label)) = open.as_mut() {
                    label.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                let Some((target, label)) = open.take() else {
                    continue;
                };
                if target.starts_with("http") || target.starts_with('#') || target.contains(' ') {
                    continue;
                }
                let (file, anchor) = match target.split_once('#') {
                    Some((f, a)) => (f.to_string(), Some(a.to_string())),
                    None => (target, None),
                };
                out.push((label, file, anchor));
            }
            _ => {}
        }
    }
    out
}

/// A Korean page sends a Korean reader to Korean pages: it links an English page that has a
/// Korean twin only as its language switch (`[English](…)`) or to a section of the English
/// page (a link with an anchor: parts only the English page has, such as the root README's
/// API reference).
#[test]
fn korean_pages_link_the_korean_twins() {
    let root = workspace_root();
    let mut pages = vec![];
    markdown_files(&root, ".ko.md", &mut pages);
    let mut problems = vec![];
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let dir = page.parent().unwrap();
        for (label, file, anchor) in links(&text) {
            if !file.ends_with(".md") || file.ends_with(".ko.md") {
                continue;
            }
            let twin = dir.join(format!("{}.ko.md", file.trim_end_matches(".md")));
            if twin.is_file() && label != "English" && anchor.is_none() {
                problems.push(format!(
                    "{}: [{label}]({file}) goes to the English page; its twin is {}.ko.md",
                    page.strip_prefix(&root).unwrap().display(),
                    file.trim_end_matches(".md")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The exercise numbers of a text's links to exercise pages (`…/NN-name.md`), in order,
/// each once, with the pages they link.
fn exercise_links(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    for (_, file, _) in links(text) {
        let name = file.rsplit('/').next().unwrap_or("");
        let number: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
        if number.len() == 2 && name[2..].starts_with('-') && !out.iter().any(|(n, _)| *n == number)
        {
            out.push((number, file));
        }
    }
    out
}

/// A Korean student's path: README.ko.md sends them to the exercises' 시작하기 block, whose
/// recommended order names every exercise, each a link to its Korean page, in the order of
/// the course map's line.
#[test]
fn a_korean_student_walks_from_the_readme_through_every_exercise_on_korean_pages() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.ko.md")).unwrap();
    assert!(
        links(&readme)
            .iter()
            .any(|(_, f, a)| f == "exercises/README.ko.md" && a.as_deref() == Some("시작하기")),
        "README.ko.md does not link exercises/README.ko.md#시작하기"
    );
    let index = std::fs::read_to_string(root.join("exercises/README.ko.md")).unwrap();
    let start = index
        .split("\n## ")
        .find(|s| s.starts_with("시작하기"))
        .expect("exercises/README.ko.md has no 시작하기 section");
    let order = exercise_links(start);
    for (n, file) in &order {
        assert!(
            file.ends_with(".ko.md"),
            "시작하기: exercise {n} links {file}, not a Korean page"
        );
        assert!(
            root.join("exercises").join(file).is_file(),
            "시작하기: {file} does not exist"
        );
    }
    let mut every: Vec<String> = exercise_pages()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy()[..2].to_string())
        .collect();
    every.sort();
    let mut named: Vec<String> = order.iter().map(|(n, _)| n.clone()).collect();
    named.sort();
    assert_eq!(
        named, every,
        "시작하기's order does not name every exercise once"
    );
    // the course map's order line says the same
    for map in ["exercises/COURSE-MAP.ko.md", "exercises/COURSE-MAP.md"] {
        let text = std::fs::read_to_string(root.join(map)).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("06 → "))
            .unwrap_or_else(|| panic!("{map} has no order line"));
        let mut numbers: Vec<String> = vec![];
        for w in line.split(" → ") {
            let n: String = w.chars().take(2).collect();
            if !numbers.contains(&n) {
                numbers.push(n);
            }
        }
        let ours: Vec<String> = order.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(numbers, ours, "{map}'s order line and 시작하기 disagree");
    }
}

/// The prose of a Markdown page, line by line (numbered from 1): its text as pulldown-cmark reads
/// it, without code blocks, inline code, link targets and HTML, and without text quoted in double
/// quotes on a line (the course notes, quoted as they write it).
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut lines: std::collections::BTreeMap<usize, String> = Default::default();
    let mut in_block = false;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_block = true,
            Event::End(TagEnd::CodeBlock) => in_block = false,
            Event::Text(t) if !in_block => {
                lines.entry(line_of(range.start)).or_default().push_str(&t);
            }
            _ => {}
        }
    }
    lines
        .into_iter()
        .map(|(n, line)| {
            let mut quote = false;
            let kept = line
                .chars()
                .filter(|&c| {
                    if matches!(c, '"' | '“' | '”') {
                        quote = !quote;
                        return false;
                    }
                    !quote
                })
                .collect();
            (n, kept)
        })
        .collect()
}

/// One term per concept: no Korean page uses a variant the glossary rejects.
#[test]
fn korean_pages_use_the_glossary_terms() {
    let root = workspace_root();
    let glossary = std::fs::read_to_string(root.join("exercises/GLOSSARY.ko.md")).unwrap();
    let variants = glossary_rejected_variants(&glossary);
    assert!(
        variants.len() >= 20,
        "the glossary rejects only {variants:?}"
    );
    let mut pages = vec![];
    markdown_files(&root, ".ko.md", &mut pages);
    let mut problems = vec![];
    for page in pages
        .iter()
        .filter(|p| !p.ends_with("exercises/GLOSSARY.ko.md"))
    {
        let text = std::fs::read_to_string(page).unwrap();
        for (n, line) in prose_lines(&text) {
            for v in &variants {
                if line.contains(v.as_str()) {
                    problems.push(format!(
                        "{}:{n}: \"{v}\" (see exercises/GLOSSARY.ko.md)",
                        page.strip_prefix(&root).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} uses of rejected variants:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Where a page's commands run: every page starts in the project's folder; `cd ~/…` or
/// `cd /…` leaves it, `cd -` and `cd /path/to/the/project` come back, a relative `cd` goes
/// below it. Outside the project's top folder a command may not use a path of the project
/// (`env/…`, `exercises/…`, `docker-compose.yml`, …): it would fail with "no such file" where
/// the page put the student (a static reading of the pages' shell blocks, in order).
#[test]
fn every_page_command_uses_project_paths_only_from_the_project_folder() {
    let project_path = |w: &str| {
        let w = w.trim_start_matches(['"', '\'', '=']);
        [
            "env/",
            "exercises/",
            "docker/",
            "deploy/",
            "scripts/",
            "infra/",
        ]
        .iter()
        .any(|p| w.starts_with(p))
            || (w.starts_with("docker-compose") && w.ends_with(".yml"))
    };
    let mut problems = vec![];
    for page in exercise_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let stem = page.file_stem().unwrap().to_string_lossy().to_string();
        // None: the project's top folder; Some(where): elsewhere
        let mut here: Option<String> = None;
        let mut before: Option<String> = None;
        for block in code_blocks(&text) {
            for line in without_comments(&block.text).lines() {
                for part in line.split("&&").flat_map(|p| p.split(';')) {
                    let words: Vec<&str> = part.split_whitespace().collect();
                    if words.first() == Some(&"cd") {
                        let to = words.get(1).copied().unwrap_or("~");
                        let next = match to {
                            "-" => before.clone(),
                            "/path/to/the/project" => None,
                            t if t.starts_with('~') || t.starts_with('/') => Some(t.to_string()),
                            t => {
                                let mut path: Vec<String> = match &here {
                                    None => vec!["<project>".into()],
                                    Some(h) => h.split('/').map(String::from).collect(),
                                };
                                for part in t.split('/') {
                                    match part {
                                        "" | "." => {}
                                        ".." if path.len() > 1 => {
                                            path.pop();
                                        }
                                        p => path.push(p.to_string()),
                                    }
                                }
                                Some(path.join("/")).filter(|p| p != "<project>")
                            }
                        };
                        before = std::mem::replace(&mut here, next);
                        continue;
                    }
                    if let Some(h) = &here {
                        if let Some(w) = words.iter().find(|w| project_path(w)) {
                            problems.push(format!("{stem}: `{}` uses {w} in {h}", part.trim()));
                        }
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
