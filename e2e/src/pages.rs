//! Reading the student pages (the Markdown under `exercises/`): which pages there are, their
//! fenced code blocks in order, and a block's commands without its comments. Shared by the
//! drift checks (`tests/pages.rs`) and the page walk (`tests/page_walk.rs`).

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::workspace_root;

/// One fenced code block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence's info string (`bash`, `dockerfile`, `yaml`; empty for a bare fence).
    pub lang: String,
    /// The block's text, every line ending with `\n` (a fence inside a list loses the list's
    /// indentation, on both twins alike).
    pub text: String,
    /// The 1-based line of the page where the opening fence is.
    pub line: usize,
    /// The file the page asks the student to save this block as: a file's name in code
    /// (`Dockerfile.good`, `app.env`, `src/main.rs`) that opens the paragraph right before the
    /// block, or is its last such name when the paragraph ends with ":"
    /// ("… `Dockerfile.bad-env`:"). Set for Dockerfile, TOML, Rust and plain blocks only.
    pub saved_as: Option<String>,
}

/// Whether a code span names a file a student saves: `Dockerfile…`, or a name with an
/// extension a page's files have, without spaces or `=`.
fn names_a_file(span: &str) -> bool {
    let exts = [
        ".toml", ".rs", ".env", ".yml", ".yaml", ".json", ".txt", ".conf", ".sh",
    ];
    !span.contains([' ', '=', '$'])
        && (span
            .rsplit('/')
            .next()
            .is_some_and(|f| f.starts_with("Dockerfile"))
            || exts.iter().any(|e| span.ends_with(e)))
}

/// The fenced code blocks of a Markdown page, in order (read by pulldown-cmark).
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = vec![];
    let mut current: Option<CodeBlock> = None;
    // the paragraph being read: its code spans, whether it opened with one, its last text
    let mut paragraph: Option<(Vec<String>, bool, String)> = None;
    // the file the paragraph that just ended names (cleared by any other block)
    let mut named: Option<String> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                let lang = lang.trim().to_string();
                let writable = ["dockerfile", "toml", "rust", ""].contains(&lang.as_str());
                current = Some(CodeBlock {
                    saved_as: named.take().filter(|_| writable),
                    lang,
                    text: String::new(),
                    line: text[..range.start].lines().count() + 1,
                })
            }
            Event::Start(Tag::Paragraph) => paragraph = Some((vec![], true, String::new())),
            Event::Start(_) if paragraph.is_none() => named = None,
            Event::Code(span) => {
                if let Some((spans, _, _)) = paragraph.as_mut() {
                    spans.push(span.to_string());
                }
            }
            Event::Text(t) => match (current.as_mut(), paragraph.as_mut()) {
                (Some(block), _) => block.text.push_str(&t),
                (None, Some((spans, opened, last))) => {
                    if spans.is_empty() && !t.trim().is_empty() {
                        *opened = false;
                    }
                    *last = t.to_string();
                }
                _ => {}
            },
            Event::End(TagEnd::Paragraph) => {
                if let Some((spans, opened, last)) = paragraph.take() {
                    let first = spans.first().filter(|s| opened && names_a_file(s));
                    let last_named = spans
                        .iter()
                        .rev()
                        .find(|s| names_a_file(s))
                        .filter(|_| last.trim_end().ends_with(':'));
                    named = first.or(last_named).cloned();
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// A code block's commands and output without its comments: a line that is all comment is
/// left out, a trailing ` # …` outside quotes is cut (the Korean pages explain in Korean,
/// the commands stay byte for byte the English page's).
pub fn without_comments(block: &str) -> String {
    let mut out = String::new();
    for line in block.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let (mut single, mut double, mut escaped) = (false, false, false);
        let mut cut = line.len();
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if !single => escaped = true,
                '\'' if !double => single = !single,
                '"' if !single => double = !double,
                '#' if !single && !double && prev.is_whitespace() => {
                    cut = i;
                    break;
                }
                _ => {}
            }
            prev = c;
        }
        out.push_str(line[..cut].trim_end());
        out.push('\n');
    }
    out
}

/// Every file under `dir` whose name ends with `suffix` (not under target/, .git/,
/// node_modules/), in directory order.
pub fn markdown_files(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !["target", ".git", "node_modules"].contains(&name.as_str()) {
                markdown_files(&path, suffix, out);
            }
        } else if name.ends_with(suffix) {
            out.push(path);
        }
    }
}

/// The English exercise pages (`exercises/PART/NN-name.md`), sorted by path; each has its
/// Korean twin `NN-name.ko.md` beside it.
pub fn exercise_pages() -> Vec<PathBuf> {
    let mut pages = vec![];
    for dir in std::fs::read_dir(workspace_root().join("exercises"))
        .unwrap()
        .flatten()
    {
        if dir.path().is_dir() {
            for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                if name.ends_with(".md")
                    && !name.ends_with(".ko.md")
                    && name.chars().next().is_some_and(|c| c.is_ascii_digit())
                {
                    pages.push(f.path());
                }
            }
        }
    }
    pages.sort();
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_give_language_text_and_line() {
        let page = "# t\n\n```bash\necho a\n```\ntext\n\n```\nout\n```\n";
        let blocks = code_blocks(page);
        assert_eq!(blocks.len(), 2);
        assert_eq!((blocks[0].lang.as_str(), blocks[0].line), ("bash", 3));
        assert_eq!(blocks[0].text, "echo a\n");
        assert_eq!((blocks[1].lang.as_str(), blocks[1].line), ("", 8));
        assert_eq!(blocks[0].saved_as, None);
    }

    #[test]
    fn a_block_is_saved_as_the_file_its_paragraph_names() {
        let page = "`Dockerfile.good` has the default.\n```dockerfile\nFROM x\n```\n\n\
                    The first try (`ENV A=b`). `Dockerfile.bad`:\n```dockerfile\nFROM y\n```\n\n\
                    `app.env` (one `NAME=VALUE` a line):\n```\nA=1\n```\n\n\
                    Two parts of `stack.yml` decide:\n```yaml\nx: 1\n```\n\n\
                    See `Dockerfile` and then run:\n```bash\nls\n```\n\n\
                    `Dockerfile`:\n\n## Heading\n```dockerfile\nFROM z\n```\n";
        let blocks = code_blocks(page);
        let saved: Vec<Option<&str>> = blocks.iter().map(|b| b.saved_as.as_deref()).collect();
        assert_eq!(
            saved,
            [
                Some("Dockerfile.good"),
                Some("Dockerfile.bad"),
                Some("app.env"),
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn comments_are_cut_outside_quotes_only() {
        assert_eq!(
            without_comments("# all\necho 'a # b' # c\necho x#y\n"),
            "echo 'a # b'\necho x#y\n"
        );
    }
}
