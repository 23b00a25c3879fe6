//! The exercise checks speak the student's language: every text a check prints in its own
//! words (`step`, `say`, `expect`, `desktop_note`, `pass`, `fail`, `fatal`, `ex_begin`'s title
//! and the WHAT of every assertion of `exercises/lib.sh`) is written `"ENGLISH |ko| KOREAN"`,
//! and `_tr` prints the half for `EX_LANG`. A static reading of every check script, so that the
//! branches a run here never takes (Docker Desktop, failures) are covered too; the exercises
//! phase runs the checks with `EX_LANG=ko EX_LANG_AUDIT=1` for what they print in a run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use e2e::{glossary_rejected_variants, workspace_root};

/// The functions of `exercises/lib.sh` that print a text, and how many leading arguments are
/// not part of it (`check_eq ACTUAL EXPECTED WHAT`: two).
const PRINTING: &[(&str, usize)] = &[
    ("step", 0),
    ("say", 0),
    ("expect", 0),
    ("desktop_note", 0),
    ("pass", 0),
    ("fail", 0),
    ("fatal", 0),
    ("ex_begin", 1),
    ("check_rc", 1),
    ("check_out_contains", 1),
    ("check_out_lacks", 1),
    ("check_out_match", 1),
    ("check_http", 1),
    ("check_eq", 2),
    ("check_ne", 2),
    ("check_true", 0),
];

const SEPARATOR: &str = " |ko| ";

/// Every check script: `exercises/PART/NN-name.sh`.
fn check_scripts(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for part in std::fs::read_dir(root.join("exercises")).unwrap() {
        let part = part.unwrap().path();
        if !part.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&part).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".sh") && name.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

/// The script's logical lines (continuations joined), with the number of their first line;
/// comment lines left out.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    let mut acc = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        if acc.is_empty() {
            start = i + 1;
            if line.trim_start().starts_with('#') {
                continue;
            }
        }
        match line.strip_suffix('\\') {
            Some(head) => acc.push_str(head),
            None => {
                acc.push_str(line);
                out.push((start, std::mem::take(&mut acc)));
            }
        }
    }
    out
}

/// A shell word as written (`raw`, quotes kept) or an operator that ends a simple command.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    End,
}

/// Splits a logical line into words and command ends (`;`, `&&`, `||`, `|`, `&`, `(`, `)`), as
/// the shell does for quotes: `'…'`, `"…"` (with `\` escapes and `$(…)` inside), `$(…)`
/// nested. A `#` starting a word starts a comment.
fn tokens(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = vec![];
    let mut word = String::new();
    let mut i = 0;
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => flush(&mut word, &mut out),
            '#' if word.is_empty() => break,
            ';' | '&' | '|' | '(' | ')' => {
                flush(&mut word, &mut out);
                out.push(Token::End);
            }
            '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == '\'')
                    .map_or(chars.len(), |p| i + 1 + p);
                word.extend(&chars[i..=end.min(chars.len() - 1)]);
                i = end;
            }
            '"' => {
                let mut j = i + 1;
                let mut depth = 0;
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        '(' if j > 0 && chars[j - 1] == '$' => depth += 1,
                        ')' if depth > 0 => depth -= 1,
                        '"' if depth == 0 => break,
                        _ => {}
                    }
                    j += 1;
                }
                word.extend(&chars[i..=j.min(chars.len() - 1)]);
                i = j;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                let mut j = i + 2;
                let mut depth = 1;
                while j < chars.len() && depth > 0 {
                    match chars[j] {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                word.extend(&chars[i..j]);
                i = j - 1;
            }
            '\\' => {
                word.extend(&chars[i..(i + 2).min(chars.len())]);
                i += 1;
            }
            _ => word.push(c),
        }
        i += 1;
    }
    flush(&mut word, &mut out);
    out
}

/// The words of every simple command on the line that calls a printing function, with the
/// function's name: shell keywords in front (`if`, `then`, `!`, …) are skipped.
fn printing_calls(line: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut calls = vec![];
    let mut words: Vec<String> = vec![];
    let mut tokens = tokens(line);
    tokens.push(Token::End);
    for t in tokens {
        match t {
            Token::Word(w) => words.push(w),
            Token::End => {
                let start = words
                    .iter()
                    .position(|w| {
                        !matches!(
                            w.as_str(),
                            "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{"
                        )
                    })
                    .unwrap_or(words.len());
                if let Some((name, skip)) = words
                    .get(start)
                    .and_then(|w| PRINTING.iter().find(|(n, _)| n == w))
                {
                    let mut args: Vec<String> = words[start + 1..].to_vec();
                    if *name == "check_true" {
                        args.truncate(args.iter().position(|a| a == "--").unwrap_or(args.len()));
                    }
                    calls.push((*name, args.into_iter().skip(*skip).collect()));
                }
                words.clear();
            }
        }
    }
    calls
}

/// The text of a word as the shell sees it inside its quotes: quotes taken off (a `'` inside
/// `"…"` is kept), `\"` as `"`.
fn unquoted(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\\' if !single => match chars.next() {
                Some(n) if !double || matches!(n, '$' | '`' | '"' | '\\') => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => {}
            },
            _ => out.push(c),
        }
    }
    out
}

/// The names of the `$variables` a text uses (`$NAME`, `${NAME…}`).
fn variables(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// What is left of a text when its expansions (`$NAME`, `${…}`, `$(…)`) are taken out.
fn literal_part(text: &str) -> String {
    let re =
        regex::Regex::new(r"\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?]").unwrap();
    re.replace_all(text, " ").to_string()
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// What is wrong with one printed text: English words without a Korean half, more than one
/// separator, a Korean half without Korean, halves with other `$variables`.
fn problem(text: &str) -> Option<String> {
    let english_words = regex::Regex::new(r"[A-Za-z]{2,}").unwrap();
    match text.split(SEPARATOR).collect::<Vec<_>>().as_slice() {
        [only] => english_words
            .is_match(&literal_part(only))
            .then(|| "no Korean half (\"ENGLISH |ko| KOREAN\")".to_string()),
        [en, ko] => {
            if !has_hangul(&literal_part(ko)) {
                Some("the Korean half has no Korean".into())
            } else if variables(en) != variables(ko) {
                Some(format!(
                    "the halves use other variables: {:?} / {:?}",
                    variables(en),
                    variables(ko)
                ))
            } else {
                None
            }
        }
        _ => Some(format!("more than one \"{}\"", SEPARATOR.trim())),
    }
}

#[test]
fn every_text_a_check_prints_has_its_korean_half() {
    let root = workspace_root();
    let scripts = check_scripts(&root);
    assert!(scripts.len() >= 18, "only {} check scripts", scripts.len());
    let variants = glossary_rejected_variants(
        &std::fs::read_to_string(root.join("exercises/GLOSSARY.ko.md")).unwrap(),
    );
    let (mut texts, mut problems) = (0, vec![]);
    for script in &scripts {
        let name = script.strip_prefix(&root).unwrap().display().to_string();
        let source = std::fs::read_to_string(script).unwrap();
        for (n, line) in logical_lines(&source) {
            for (function, args) in printing_calls(&line) {
                let text = args
                    .iter()
                    .map(|a| unquoted(a))
                    .collect::<Vec<_>>()
                    .join(" ");
                texts += 1;
                if let Some(p) = problem(&text) {
                    problems.push(format!("{name}:{n}: {function}: {p}: {text}"));
                }
                if let Some((_, ko)) = text.split_once(SEPARATOR) {
                    for v in variants.iter().filter(|v| ko.contains(v.as_str())) {
                        problems.push(format!(
                            "{name}:{n}: \"{v}\" (see exercises/GLOSSARY.ko.md): {ko}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        texts > 800,
        "only {texts} printed texts found: the reading is broken"
    );
    assert!(
        problems.is_empty(),
        "{} of {texts} texts:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reading_finds_the_calls_and_their_texts() {
    let calls = printing_calls(
        r#"[ "$MODE" = online ] && check_eq "$OUT" 200 "swapi.dev answers |ko| swapi.dev가 응답합니다"; say "a $(echo x) b" # note"#,
    );
    assert_eq!(
        calls,
        vec![
            (
                "check_eq",
                vec!["\"swapi.dev answers |ko| swapi.dev가 응답합니다\"".to_string()]
            ),
            ("say", vec!["\"a $(echo x) b\"".to_string()]),
        ]
    );
    let calls = printing_calls("if x; then check_true the box is up -- docker ps; fi");
    assert_eq!(
        calls,
        vec![(
            "check_true",
            ["the", "box", "is", "up"].map(String::from).to_vec()
        )]
    );
    assert!(problem("the container starts").is_some());
    assert!(problem("$OUT").is_none());
    assert!(problem("the box $N |ko| 상자 $N").is_none());
    assert!(problem("the box $N |ko| 상자").is_some());
    assert!(problem("the box |ko| the box").is_some());
    assert!(problem("a |ko| 가 |ko| 나").is_some());
    assert_eq!(
        unquoted(r#""$IMG's layers \"x\"" 'a"b'"#),
        r#"$IMG's layers "x" a"b"#
    );
    assert_eq!(
        variables(&unquoted(r#""$IMG's |ko| $IMG의""#)),
        BTreeSet::from(["IMG".to_string()])
    );
}
