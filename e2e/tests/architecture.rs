//! The shape of the code, checked so that it stays as ARCHITECTURE.md describes it:
//! - no import cycle between the modules of any library crate of the workspace;
//! - the frontend (server side included) does not depend on the MongoDB driver;
//! - no handler of a service reads its body as untyped JSON, and no schema-only struct is
//!   kept alive with `#[allow(dead_code)]`;
//! - ARCHITECTURE.md and its Korean twin name every crate and every top-level folder, and
//!   every folder they name exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::workspace_root;

/// The workspace's members, as paths relative to the root (`backend`, `frontend/wasm`).
fn members(root: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("members"))
        .expect("a members line in the workspace's Cargo.toml");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The lines of `src` that are code: comments (whole lines starting with `//`) and the
/// `#[cfg(test)]` module at the end of a file (tests may use anything) left out.
fn code_lines(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if !t.starts_with("//") {
            out.push(line);
        }
    }
    out
}

/// The top-level modules of the library crate at `dir` and, for each, the other top-level
/// modules its code names (`crate::name`). `None` when the crate has no `src/lib.rs`.
fn module_graph(dir: &Path) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let src = dir.join("src");
    if !src.join("lib.rs").exists() {
        return None;
    }
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "bin" {
                continue;
            }
            let nested = walk_rs(&path);
            files.entry(name).or_default().extend(nested);
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            files.entry(name).or_default().push(path);
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, paths) in &files {
        let mut uses = BTreeSet::new();
        for path in paths {
            let text = std::fs::read_to_string(path).expect("source");
            for line in code_lines(&text) {
                for (i, _) in line.match_indices("crate::") {
                    if i > 0 && line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                        continue; // `other_crate::`, not `crate::`
                    }
                    let rest = &line[i + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if name != *module && modules.contains(&name) {
                        uses.insert(name);
                    }
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    Some(graph)
}

fn walk_rs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk_rs(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// A cycle in `graph` (its modules in order, the first repeated at the end), if any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_owned(), Mark::Open);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let start = path.iter().position(|n| n == next).unwrap();
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(next, graph, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(node, graph, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_library_crate_has_an_import_cycle_between_its_modules() {
    let root = workspace_root();
    let mut checked = Vec::new();
    let mut cycles = Vec::new();
    for member in members(&root) {
        let Some(graph) = module_graph(&root.join(&member)) else {
            continue;
        };
        checked.push(format!("{member} ({} modules)", graph.len()));
        if let Some(cycle) = find_cycle(&graph) {
            cycles.push(format!("{member}: {}", cycle.join(" -> ")));
        }
    }
    println!("checked: {}", checked.join(", "));
    assert!(checked.len() >= 8, "too few crates checked: {checked:?}");
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let mut acyclic = graph.clone();
    acyclic.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&acyclic), None);
    // a test module and a comment are no edges; `other_crate::` is not `crate::`
    let lines = code_lines(
        "use crate::a;\n// crate::b\nuse x_crate::c;\n#[cfg(test)]\nmod tests {\n use crate::d;\n}",
    );
    assert_eq!(lines, ["use crate::a;", "use x_crate::c;"]);
}

#[test]
fn the_frontend_server_does_not_link_the_mongodb_driver() {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tree = |package: &str, features: &str| {
        let out = Command::new(&cargo)
            .args([
                "tree",
                "--offline",
                "-e",
                "normal",
                "--prefix",
                "none",
                "-p",
                package,
            ])
            .args(["--features", features])
            .current_dir(&root)
            .output()
            .expect("cargo tree");
        assert!(
            out.status.success(),
            "cargo tree -p {package}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let has_driver = |tree: &str| tree.lines().any(|l| l.starts_with("mongodb "));
    assert!(
        !has_driver(&tree("frontend", "ssr")),
        "the frontend depends on the mongodb driver"
    );
    // the check can fail: the backend does depend on it
    assert!(has_driver(&tree("backend", "")));
}

/// The source files of the services' own code (not the shared kits' tests).
fn service_sources(root: &Path) -> Vec<PathBuf> {
    [
        "backend",
        "favorites",
        "frontend",
        "contract",
        "service-kit",
        "mongo-kit",
    ]
    .iter()
    .flat_map(|c| walk_rs(&root.join(c).join("src")))
    .collect()
}

#[test]
fn handlers_take_typed_bodies_and_no_schema_is_kept_alive_by_hand() {
    let root = workspace_root();
    let mut found = Vec::new();
    for path in service_sources(&root) {
        let text = std::fs::read_to_string(&path).expect("source");
        for (n, line) in text.lines().enumerate() {
            let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            if squeezed.contains("JsonBody<Value>")
                || squeezed.contains("JsonBody<serde_json::Value>")
            {
                found.push(format!(
                    "{}:{}: untyped body: {line}",
                    path.display(),
                    n + 1
                ));
            }
            if squeezed.contains("allow(dead_code)") {
                found.push(format!("{}:{}: {line}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The folder names written as `` `name/` `` in `text`.
fn named_folders(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.ends_with('/') && t.len() > 1 && !t.contains(' ') && !t.starts_with('/'))
        .map(|t| t.trim_end_matches('/').to_owned())
        .collect()
}

#[test]
fn the_architecture_map_names_every_crate_and_folder_and_only_real_ones() {
    let root = workspace_root();
    // the folders of what is committed (not build output or test artifacts)
    let files = Command::new("git")
        .args(["ls-files"])
        .current_dir(&root)
        .output()
        .expect("git ls-files");
    let top: BTreeSet<String> = String::from_utf8_lossy(&files.stdout)
        .lines()
        .filter_map(|f| f.split_once('/').map(|(dir, _)| dir.to_owned()))
        .filter(|d| !d.starts_with('.'))
        .collect();
    assert!(top.len() > 10, "{top:?}");
    for page in ["ARCHITECTURE.md", "ARCHITECTURE.ko.md"] {
        let text =
            std::fs::read_to_string(root.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        let named = named_folders(&text);
        let missing: Vec<&String> = named.iter().filter(|n| !root.join(n).is_dir()).collect();
        assert!(
            missing.is_empty(),
            "{page} names folders that do not exist: {missing:?}"
        );
        let unnamed: Vec<String> = members(&root)
            .into_iter()
            .chain(top.iter().cloned())
            .filter(|m| !named.contains(m))
            .collect();
        assert!(unnamed.is_empty(), "{page} does not name: {unnamed:?}");
    }
}
