//! The code's shape, checked on its source: no import cycle between the shared
//! library's top-level modules, nor between the modules of its folders
//! (`use_cases`, `domain`, `platform`), and no file over 450 lines or function over 60 in
//! `functions/` and `organizer/` (the house style's rooms that hold one idea).
//! Test code (`*_tests.rs`, `tests/` folders, whatever follows `#[cfg(test)]`) is
//! not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 450;
const MAX_FN_LINES: usize = 60;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "tests" && name != "target" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && !name.ends_with("_tests.rs") {
            out.push(path);
        }
    }
}

/// A file's lines up to its `#[cfg(test)]` module, if any.
fn production_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("a source file");
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .map(str::to_owned)
        .collect()
}

/// The names a line refers to as `crate::NAME`, grouped uses included
/// (`use crate::{a, b::c}` names `a` and `b`).
fn crate_references(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        names.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
        rest = after;
    }
    names
}

/// The folders whose modules are nodes of their own in the finer graph.
const FOLDERS: [&str; 3] = ["use_cases", "domain", "platform"];

/// A module path cut to a graph's node: its first name, and in the finer graph
/// the second too when the first is one of `FOLDERS` (`use_cases::send_links`).
fn node(path: &[String], fine: bool) -> String {
    match path {
        [folder, module, ..]
            if fine
                && FOLDERS.contains(&folder.as_str())
                && module.starts_with(|c: char| c.is_ascii_lowercase()) =>
        {
            format!("{folder}::{module}")
        }
        [first, ..] => first.clone(),
        [] => String::new(),
    }
}

/// The module paths (first two names) a line refers to as `crate::…`.
fn crate_paths(line: &str) -> Vec<Vec<String>> {
    let code = line.split("//").next().unwrap_or("");
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let first = ident(after);
        if !first.is_empty() {
            let mut path = vec![first.clone()];
            if let Some(next) = after[first.len()..].strip_prefix("::") {
                let second = ident(next);
                if !second.is_empty() {
                    path.push(second);
                }
            }
            paths.push(path);
        }
        rest = after;
    }
    let grouped = crate_references(code);
    for name in grouped {
        if !paths.iter().any(|p| p[0] == name) {
            paths.push(vec![name]);
        }
    }
    paths
}

/// The shared library's modules (top-level, or with `fine` those of its folders
/// too) and the ones each refers to.
fn module_graph(fine: bool) -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("functions/registration/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let names: Vec<String> = relative
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .filter(|name| name != "mod")
            .collect();
        let module = node(&names, fine);
        if module == "lib" {
            continue;
        }
        let edges = graph.entry(module.clone()).or_default();
        for line in production_lines(&file) {
            for path in crate_paths(&line) {
                let name = node(&path, fine);
                if name != module {
                    edges.insert(name);
                }
            }
        }
    }
    graph
}

/// Every cycle's modules, as found by a depth-first search.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            found.push(path[at..].to_vec());
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn the_shared_library_has_no_import_cycle_between_its_modules() {
    let graph = module_graph(false);
    assert!(
        graph["use_cases"].contains("store") && graph["store"].contains("platform"),
        "the graph was read: {graph:?}"
    );
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles: {found:?}");
}

#[test]
fn the_folders_modules_have_no_import_cycle_between_them() {
    let graph = module_graph(true);
    assert!(
        graph["use_cases::send_links"].contains("use_cases::owed_email")
            && graph["use_cases::registering"].contains("domain::action_token"),
        "the graph was read: {graph:?}"
    );
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles: {found:?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ("d".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
}

#[test]
fn grouped_and_plain_crate_paths_are_read() {
    assert_eq!(
        crate_references("use crate::{a::B, c, d::{e, f}};"),
        vec!["a", "c", "d"]
    );
    assert_eq!(
        crate_references("let x = crate::store::Seats::default(); // crate::no"),
        vec!["store"]
    );
}

/// Functions longer than `MAX_FN_LINES`, counted from their `fn` line to the
/// closing brace (strings' braces and comments left out).
fn long_functions(path: &Path, lines: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = fn_name(&lines[i]) else {
            i += 1;
            continue;
        };
        let (mut depth, mut started, mut j) = (0i32, false, i);
        while j < lines.len() {
            let code = without_strings(&lines[j]);
            let code = code.split("//").next().unwrap_or("");
            if !started && code.trim_end().ends_with(';') && !code.contains('{') {
                break; // a declaration without a body
            }
            depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
            started |= code.contains('{');
            if started && depth <= 0 {
                break;
            }
            j += 1;
        }
        if started && j - i + 1 > MAX_FN_LINES {
            found.push(format!("{}: fn {name} {} lines", path.display(), j - i + 1));
        }
        i = if started { j + 1 } else { i + 1 };
    }
    found
}

fn fn_name(line: &str) -> Option<String> {
    let code = line.trim_start();
    let code = code.split("//").next()?;
    let words: Vec<&str> = code.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "fn")?;
    let before_ok = words[..at].iter().all(|w| {
        matches!(*w, "pub" | "async" | "const" | "unsafe" | "extern") || w.starts_with("pub(")
    });
    let name: String = words
        .get(at + 1)?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (before_ok && !name.is_empty()).then_some(name)
}

fn without_strings(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in line.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, false, _) => {}
            (false, _, '"') => in_string = true,
            (false, _, '\'') => out.push(' '),
            (false, _, c) => out.push(c),
        }
    }
    out
}

#[test]
fn no_file_over_450_lines_and_no_function_over_60_in_the_functions_and_the_organizer() {
    let mut files = Vec::new();
    rust_files(&root().join("functions"), &mut files);
    rust_files(&root().join("organizer/src"), &mut files);
    assert!(files.len() > 20, "the sources were found: {files:?}");
    let mut over = Vec::new();
    for file in files {
        let all = std::fs::read_to_string(&file).expect("a source file");
        let count = all.lines().count();
        if count > MAX_FILE_LINES {
            over.push(format!("{}: {count} lines", file.display()));
        }
        over.extend(long_functions(&file, &production_lines(&file)));
    }
    assert!(over.is_empty(), "too long:\n{}", over.join("\n"));
}

#[test]
fn the_length_check_measures_a_function_from_fn_to_its_closing_brace() {
    let mut lines = vec!["pub async fn long(x: u32) -> u32 {".to_owned()];
    lines.extend((0..60).map(|i| format!("    let _ = \"{{ {i}\";")));
    lines.push("}".to_owned());
    lines.push("fn short() {}".to_owned());
    let found = long_functions(Path::new("x.rs"), &lines);
    assert_eq!(found, vec!["x.rs: fn long 62 lines"]);
}
