//! Nasty inputs, end to end through the real binary: pathological nesting,
//! huge files, broken encodings and line endings, odd file-system entries,
//! broken configurations and manifests, panics, and symbolic links out of
//! the checked tree. Each must give the documented exit code, a message
//! with a location, and never a panic (`common::run` rejects any
//! "panicked" on stderr).
//!
//! Files with bytes git or editors would mangle (invalid UTF-8, NUL, lone
//! CR) are written here at run time, never committed.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{memolint_env, memolint_in, temp_tree, Run};

const UNBOUNDED: &str =
    "use cached::proc_macro::cached;\n\n#[cached]\npub fn slow(n: u64) -> u64 {\n    n * 2\n}\n";

const MANIFEST: &str = "[package]\nname = \"nasty\"\nversion = \"0.1.0\"\n";

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// `check --format short` in `dir`, with the temp dir's path made stable.
fn short(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "short"];
    args.extend_from_slice(extra);
    memolint_in(dir, &args)
}

fn clean(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[DIR]")
}

// ---- nesting -------------------------------------------------------------

/// One nesting construct: `open` repeated, a core, `close` repeated.
struct Nest {
    name: &'static str,
    open: &'static str,
    core: &'static str,
    close: &'static str,
    /// Wraps the nest into a file.
    file: fn(&str) -> String,
    /// Levels of memolint's estimate per repetition (its tokens, roughly),
    /// or 0 for items in items, which have a limit of their own.
    levels: usize,
}

fn in_fn(body: &str) -> String {
    format!("fn f(a: u32) -> u32 {{ {body} }}\n")
}

fn at_top(text: &str) -> String {
    format!("{text}\n")
}

const NESTS: &[Nest] = &[
    Nest {
        name: "parentheses",
        open: "(",
        core: "a",
        close: ")",
        file: in_fn,
        levels: 1,
    },
    Nest {
        name: "blocks",
        open: "{ ",
        core: "a",
        close: " }",
        file: in_fn,
        levels: 1,
    },
    Nest {
        name: "closures",
        open: "|x| ",
        core: "a",
        close: "",
        file: in_fn,
        levels: 3,
    },
    Nest {
        name: "calls",
        open: "f(",
        core: "a",
        close: ")",
        file: in_fn,
        levels: 2,
    },
    Nest {
        name: "negations",
        open: "-",
        core: "a",
        close: "",
        file: in_fn,
        levels: 1,
    },
    Nest {
        name: "sums",
        open: "a + ",
        core: "a",
        close: "",
        file: in_fn,
        levels: 2,
    },
    Nest {
        name: "method chains",
        open: "",
        core: "a",
        close: ".m()",
        file: in_fn,
        levels: 3,
    },
    Nest {
        name: "else-if chains",
        open: "if a { 1 } else ",
        core: "{ 2 }",
        close: "",
        file: in_fn,
        levels: 4,
    },
    Nest {
        name: "macros in macros",
        open: "println!(\"{}\", ",
        core: "a",
        close: ")",
        file: in_fn,
        levels: 3,
    },
    Nest {
        name: "generic arguments",
        open: "Vec<",
        core: "u8",
        close: ">",
        file: |t| format!("type T = {t};\nstatic S: {t} = Vec::new();\n"),
        levels: 3,
    },
    Nest {
        name: "reference types",
        open: "&",
        core: "u8",
        close: "",
        file: |t| format!("fn f(x: {t}) {{}}\n"),
        levels: 1,
    },
    Nest {
        name: "modules",
        open: "mod m { ",
        core: "fn f() {}",
        close: " }",
        file: at_top,
        levels: 0,
    },
    Nest {
        name: "functions in functions",
        open: "#[cached] fn g() { ",
        core: "",
        close: " }",
        file: at_top,
        levels: 0,
    },
];

fn nest(n: &Nest, depth: usize) -> String {
    (n.file)(&format!(
        "{}{}{}",
        n.open.repeat(depth),
        n.core,
        n.close.repeat(depth)
    ))
}

/// Thousands of levels of every construct are checked, quickly and without
/// overflowing; far more are refused (ML001, with the place) before syn
/// sees them; the rest of the crate is checked either way. With
/// `--parse-all` every file is parsed; without it, the pre-pass scans the
/// deep file (without recursion) and leaves it out when nothing in it is
/// memoized or recursive.
#[test]
fn deep_nesting_neither_overflows_nor_hangs() {
    for n in NESTS {
        // Just below the limit of 3000 estimated levels, or of 100 items.
        let below = 2_900_usize.checked_div(n.levels).unwrap_or(98);
        let started = Instant::now();
        for (depth, refused) in [(below, false), (60_000, true)] {
            let dir = temp_tree(&[
                ("Cargo.toml", MANIFEST),
                ("src/lib.rs", "mod deep;\nmod fine;\n"),
                ("src/fine.rs", UNBOUNDED),
            ]);
            write(dir.path(), "src/deep.rs", nest(n, depth).as_bytes());
            let prepassed = short(dir.path(), &[]);
            assert_eq!(
                prepassed.code, 0,
                "{}: {}{}",
                n.name, prepassed.stdout, prepassed.stderr
            );
            assert!(
                prepassed.stdout.contains("src/fine.rs:3:1: ML103"),
                "{} x{depth}: the rest is checked after the pre-pass:\n{}",
                n.name,
                prepassed.stdout
            );
            let run = short(dir.path(), &["--parse-all"]);
            assert_eq!(run.code, 0, "{}: {}{}", n.name, run.stdout, run.stderr);
            assert!(
                run.stdout.contains("src/fine.rs:3:1: ML103"),
                "{} x{depth}: the rest is checked:\n{}",
                n.name,
                run.stdout
            );
            let deep_line = run.stdout.lines().find(|l| l.starts_with("src/deep.rs:"));
            if refused {
                let line = deep_line.unwrap_or_else(|| panic!("{}: not refused", n.name));
                let expected = if n.levels == 0 {
                    ": ML001 file not checked: items (modules, functions, impls, traits) nested more than 100 deep here"
                } else {
                    ": ML001 file not checked: nested too deeply: more than 3000 levels"
                };
                assert!(line.contains(expected), "{}: {line}", n.name);
            } else {
                assert!(
                    deep_line.map_or(true, |l| !l.contains("ML001")),
                    "{} x{depth} should be checked: {}",
                    n.name,
                    run.stdout
                );
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} took {:?}",
            n.name,
            started.elapsed()
        );
    }
}

#[test]
fn refused_nesting_points_at_the_level_that_crossed_the_limit() {
    let dir = temp_tree(&[]);
    let text = format!(
        "\n\nfn f() {{\n    {}1{}\n}}\n",
        "(".repeat(6000),
        ")".repeat(6000)
    );
    write(dir.path(), "deep.rs", text.as_bytes());
    let run = short(dir.path(), &["--parse-all"]);
    assert_eq!(run.code, 0);
    // `fn f() {` is 4 levels; the 2997th `(` (column 5 + 2996) is level 3001.
    insta::assert_snapshot!(run.stdout, @"deep.rs:4:3001: ML001 file not checked: nested too deeply: more than 3000 levels of expressions, types or blocks here");
}

// ---- size ----------------------------------------------------------------

#[test]
fn files_over_max_file_size_are_skipped_with_a_note() {
    let dir = temp_tree(&[
        ("memolint.toml", "max-file-size = \"1KiB\"\n"),
        ("src/small.rs", UNBOUNDED),
    ]);
    let big = format!("{UNBOUNDED}{}", "// padding\n".repeat(200));
    write(dir.path(), "src/big.rs", big.as_bytes());
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    src/big.rs:1:1: ML001 file not checked: file is 2.2 KiB (2284 bytes), larger than the limit of 1 KiB (`max-file-size`)
    src/small.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    ");

    let run = memolint_in(dir.path(), &["check", "--color", "never"]);
    assert!(
        run.stdout
            .contains("help: raise `max-file-size` in memolint.toml"),
        "{}",
        run.stdout
    );

    // A size that is not one is a configuration error with its place.
    write(dir.path(), "memolint.toml", b"max-file-size = \"big\"\n");
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("memolint.toml:1:17: `max-file-size` must be"),
        "{}",
        run.stderr
    );
}

// ---- encodings and line endings ---------------------------------------------

/// One crate with every encoding problem; the rendered output is the point.
#[test]
fn encodings_and_line_endings_are_located_exactly() {
    let dir = temp_tree(&[("Cargo.toml", MANIFEST)]);
    let files: &[(&str, &[u8])] = &[
        ("src/lib.rs", b"mod bom;\nmod crlf;\nmod crlf_broken;\nmod lone_cr;\nmod lone_cr_broken;\nmod nul;\nmod latin1;\nmod empty;\nmod escape;\n"),
        // A finding on the first line after a byte-order mark: column 1.
        ("src/bom.rs", b"\xef\xbb\xbf#[cached::proc_macro::cached] fn slow(n: u64) -> u64 { n }\n"),
        ("src/crlf.rs", b"use cached::proc_macro::cached;\r\n\r\n#[cached]\r\nfn slow(n: u64) -> u64 { n }\r\n"),
        ("src/crlf_broken.rs", b"fn a() {}\r\n\r\nfn broken( {\r\n"),
        // Lone CRs end lines as editors show them (rustc counts only `\n`,
        // so its line numbers would all be 1 here).
        ("src/lone_cr.rs", b"use cached::proc_macro::cached;\r\r#[cached]\rfn slow(n: u64) -> u64 { n }\r"),
        ("src/lone_cr_broken.rs", b"fn a() {}\r\rfn broken( {\r"),
        ("src/nul.rs", b"fn a() {}\nfn b() { let x = 1;\x00 }\n"),
        ("src/latin1.rs", b"fn a() {}\n// caf\xe9\n"),
        ("src/empty.rs", b""),
        // Terminal escapes in the source are not replayed on the terminal.
        ("src/escape.rs", b"fn a() {}\nfn b( { \x1b[31m }\n"),
    ];
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("encodings_short", run.stdout);

    let run = memolint_in(dir.path(), &["check", "--color", "never"]);
    assert!(!run.stdout.contains('\u{1b}'), "escape written out");
    assert!(!run.stdout.contains('\0'), "NUL written out");
    insta::assert_snapshot!("encodings_human", run.stdout);
    assert!(run.stderr.contains("checked 10 files"), "{}", run.stderr);
}

// ---- the file system -----------------------------------------------------------

#[test]
fn odd_entries_in_the_walk_are_skipped_or_reported() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    // A directory named like a source file is walked, not read.
    write(dir.path(), "src/dir.rs/inner.rs", UNBOUNDED.as_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("loop_b.rs", dir.path().join("src/loop_a.rs")).unwrap();
        symlink("loop_a.rs", dir.path().join("src/loop_b.rs")).unwrap();
        symlink("src", dir.path().join("src/self_loop")).unwrap();
        symlink("missing.rs", dir.path().join("src/dangling.rs")).unwrap();
    }
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    src/dir.rs/inner.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    src/lib.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    ");

    // Named on the command line: errors (exit 2) that say what is wrong,
    // after the rest was checked.
    #[cfg(unix)]
    {
        let run = short(dir.path(), &["src/lib.rs", "src/loop_a.rs", "src/lib.rs/"]);
        assert_eq!(run.code, 2);
        assert!(
            run.stdout.contains("src/lib.rs:3:1: ML103"),
            "{}",
            run.stdout
        );
        insta::assert_snapshot!(run.stderr, @r"
        error: src/loop_a.rs: is a symbolic link; memolint does not follow links (pass the file it points to)
        error: src/lib.rs/: Not a directory
        ");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_on_the_command_line_is_refused_without_blocking() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let fifo = dir.path().join("pipe.rs");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let run = short(dir.path(), &["pipe.rs", "src"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: pipe.rs: not a regular file or directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("src/lib.rs:3:1: ML103"),
        "{}",
        run.stdout
    );
    // In the walk, it is not a `.rs` file to read.
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Whether this process ignores permission bits (root does): then unreadable
/// files cannot be made, and the tests that need them say so and skip.
#[cfg(unix)]
fn permissions_are_bypassed(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    readable
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        ("src/secret.rs", UNBOUNDED),
        ("src/locked/inner.rs", UNBOUNDED),
    ]);
    if permissions_are_bypassed(dir.path()) {
        eprintln!(
            "skipped: this process ignores file permissions (running as root), \
             so no file can be made unreadable to it"
        );
        return;
    }
    let mode = |path: &str, bits| {
        std::fs::set_permissions(dir.path().join(path), std::fs::Permissions::from_mode(bits))
            .unwrap()
    };
    mode("src/secret.rs", 0o000);
    mode("src/locked", 0o000);
    let run = short(dir.path(), &[]);
    // Met in the walk: ML001 warnings, and the rest is checked.
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("src/lib.rs:3:1: ML103"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "src/secret.rs:1:1: ML001 file not checked: cannot read file: Permission denied"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("src/locked:1:1: ML001 file not checked: cannot read: Permission denied"),
        "{}",
        run.stdout
    );
    // Named on the command line: exit 2.
    let run = short(dir.path(), &["src/secret.rs", "src/locked", "src/lib.rs"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: src/secret.rs: cannot read: Permission denied"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: src/locked: cannot read: Permission denied"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("src/lib.rs:3:1: ML103"),
        "{}",
        run.stdout
    );
    mode("src/locked", 0o755);
}

#[test]
fn paths_with_spaces_and_non_ascii_names_are_shown_as_they_are() {
    let dir = temp_tree(&[
        ("my crate/src/lib.rs", "mod café;\nmod 数据;\n"),
        ("my crate/src/café.rs", UNBOUNDED),
        ("my crate/src/数据.rs", UNBOUNDED),
        ("my crate/Cargo.toml", MANIFEST),
    ]);
    let run = short(dir.path(), &["my crate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    my crate/src/café.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    my crate/src/数据.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    ");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_or_hold_control_characters_are_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp_tree(&[]);
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    if std::fs::write(dir.path().join(latin1), UNBOUNDED).is_err() {
        eprintln!("skipped: this file system refuses names that are not UTF-8");
        return;
    }
    write(dir.path(), "new\nline.rs", UNBOUNDED.as_bytes());
    write(dir.path(), "esc\x1b[31m.rs", UNBOUNDED.as_bytes());
    let run = short(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    caf�.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    esc\u{1b}[31m.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    new\u{a}line.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever
    ");
}

// ---- configuration and manifests ------------------------------------------------

#[test]
fn broken_configurations_exit_two_with_their_location() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"exclude = \"src\"\n",
            "memolint.toml:1:11: invalid type: string \"src\", expected a sequence",
        ),
        (
            b"[rules]\nML103 = 3\n",
            "memolint.toml:2:9: wanted string or table",
        ),
        (
            b"[fix]\ncapacity = \"many\"\n",
            "memolint.toml:2:12: invalid type: string \"many\", expected i64",
        ),
        (b"rules = [\n", "memolint.toml:2:1: invalid array"),
        (b"[rules\n", "memolint.toml:1:7: invalid table header"),
        (
            b"exclude = [\"\xff\"]\n",
            "memolint.toml:1:13: configuration is not valid UTF-8",
        ),
        (
            b"[sources]\ntime = [\"a\"]\ntime = [\"b\"]\n",
            "memolint.toml:3:1: duplicate key",
        ),
        (
            b"\xef\xbb\xbfcolour = 1\n",
            "memolint.toml:1:1: unknown field `colour`",
        ),
    ];
    for (config, expected) in cases {
        let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
        write(dir.path(), "memolint.toml", config);
        let run = short(dir.path(), &[]);
        assert_eq!(run.code, 2, "{expected}: {}", run.stderr);
        let stderr = clean(&run.stderr, dir.path());
        assert!(
            stderr.contains(&format!("error: invalid configuration: [DIR]/{expected}")),
            "expected `{expected}` in:\n{stderr}"
        );
    }
    // `--config` naming something that is not a file.
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = short(dir.path(), &["--config", "src"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("src: cannot read configuration: Is a directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_cargo_toml_is_a_located_warning_and_its_files_are_still_checked() {
    let dir = temp_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"nasty\"\nversion = 0.1.0\n",
        ),
        ("src/lib.rs", UNBOUNDED),
    ]);
    let run = memolint_in(dir.path(), &["check", "--format", "short"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("src/lib.rs:3:1: ML103"),
        "{}",
        run.stdout
    );
    // Warnings go to stderr in every format except with --quiet.
    let run = memolint_in(dir.path(), &["check"]);
    assert!(
        clean(&run.stderr, dir.path()).contains(
            "warning: [DIR]/Cargo.toml:3:14: invalid Cargo.toml, its crates are checked as loose files"
        ),
        "{}",
        run.stderr
    );

    // One that may hold memolint's configuration is a configuration error.
    let dir = temp_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"nasty\"\n[package.metadata.memolint]\nexclude = [\n",
        ),
        ("src/lib.rs", UNBOUNDED),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        clean(&run.stderr, dir.path())
            .contains("error: invalid configuration: [DIR]/Cargo.toml:5:1:"),
        "{}",
        run.stderr
    );

    // Wrong types in the metadata table are located too.
    let dir = temp_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"nasty\"\n[package.metadata.memolint]\nexclude = 1\n",
        ),
        ("src/lib.rs", UNBOUNDED),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        clean(&run.stderr, dir.path()).contains(
            "error: invalid configuration: [DIR]/Cargo.toml:4:11: invalid type: integer `1`"
        ),
        "{}",
        run.stderr
    );
}

// ---- panics ----------------------------------------------------------------

/// A panic while analysing one file (triggered on purpose through the
/// test-only `MEMOLINT_TEST_PANIC_ON`, honoured by debug builds) is an
/// internal error naming that file; other units are still checked and the
/// run exits 2.
#[cfg(debug_assertions)]
#[test]
fn a_panic_is_an_internal_error_naming_its_file() {
    let dir = temp_tree(&[
        ("crate/Cargo.toml", MANIFEST),
        ("crate/src/lib.rs", "mod a;\nmod b;\n"),
        ("crate/src/a.rs", UNBOUNDED),
        ("crate/src/b.rs", UNBOUNDED),
        ("other/loose.rs", UNBOUNDED),
    ]);
    let run = memolint_env(
        dir.path(),
        &["check", "--format", "short", "crate", "other"],
        &[("MEMOLINT_TEST_PANIC_ON", "b.rs")],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "other/loose.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever\n"
    );
    let stderr = run
        .stderr
        .replace(|c: char| c.is_ascii_digit(), "")
        .replace("guard.rs::", "guard.rs:LINE:COLUMN");
    insta::assert_snapshot!(stderr, @"error: internal error while indexing crate/src/b.rs: MEMOLINT_TEST_PANIC_ON: a deliberate panic for tests (at src/guard.rs:LINE:COLUMN) (please report this bug)");

    // The JSON document carries it as an error too.
    let run = memolint_env(
        dir.path(),
        &["check", "--format", "json", "crate"],
        &[("MEMOLINT_TEST_PANIC_ON", "b.rs")],
    );
    assert_eq!(run.code, 2);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = document["errors"].as_array().unwrap();
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("while indexing crate/src/b.rs"),
        "{errors:?}"
    );
}

/// Rules that read nothing of the code (ML001, ML002) need no index: with
/// only them active, the file that panics when indexed is never indexed,
/// and ML001 still reports the file that does not parse.
#[cfg(debug_assertions)]
#[test]
fn rules_that_read_no_code_skip_the_index() {
    let dir = temp_tree(&[
        ("crate/Cargo.toml", MANIFEST),
        ("crate/src/lib.rs", "mod a;\nmod b;\n"),
        ("crate/src/a.rs", "fn broken( {}\n"),
        ("crate/src/b.rs", UNBOUNDED),
    ]);
    let panic_on_b = [("MEMOLINT_TEST_PANIC_ON", "b.rs")];
    for only_failures in [
        &["--select", "ML001,ML002"][..],
        &["--ignore", "ML101,ML102,ML103,ML201"],
    ] {
        let mut args = vec!["check", "--format", "short", "crate"];
        args.extend(only_failures);
        let run = memolint_env(dir.path(), &args, &panic_on_b);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.starts_with("crate/src/a.rs:1:10: ML001 "),
            "{args:?}: {}",
            run.stdout
        );
        assert_eq!(run.stderr, "", "{args:?}");
    }
    // Any rule that reads the code needs the index, and gets there.
    let run = memolint_env(
        dir.path(),
        &[
            "check",
            "--format",
            "short",
            "crate",
            "--select",
            "ML001,ML103",
        ],
        &panic_on_b,
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("while indexing crate/src/b.rs"),
        "{}",
        run.stderr
    );
}

// ---- symbolic links out of the tree -------------------------------------------

/// memolint never reads through a symbolic link: a linked directory or file
/// pointing outside the checked tree (with code that would be flagged) is
/// not read, and its target never shows up in the output.
#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_tree_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = temp_tree(&[("secret/leak.rs", UNBOUNDED), ("leak_file.rs", UNBOUNDED)]);
    let dir = temp_tree(&[
        ("Cargo.toml", MANIFEST),
        ("src/lib.rs", "mod linked_dir;\nmod linked_file;\n"),
    ]);
    symlink(
        outside.path().join("secret"),
        dir.path().join("src/linked_dir"),
    )
    .unwrap();
    symlink(
        outside.path().join("leak_file.rs"),
        dir.path().join("src/linked_file.rs"),
    )
    .unwrap();
    symlink(outside.path(), dir.path().join("src/everything")).unwrap();

    for format in ["short", "json", "human"] {
        let run = memolint_in(
            dir.path(),
            &["check", "--format", format, "--deny-warnings"],
        );
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("ML103"), "{format}: {all}");
        assert!(!all.contains("leak"), "{format}: {all}");
        assert!(
            !all.contains(&outside.path().display().to_string()),
            "{format}: {all}"
        );
    }
    // Named on the command line, a link is refused rather than followed.
    let run = short(dir.path(), &["src/linked_file.rs", "src/linked_dir"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("src/linked_file.rs: is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("src/linked_dir: is a symbolic link"),
        "{}",
        run.stderr
    );
}

/// `fix` parses the fixed text again; code nested as deep as `check`
/// accepts must not overflow the main thread's stack there either.
#[test]
fn fixing_a_deeply_nested_file_does_not_overflow() {
    let deep = format!(
        "use cached::proc_macro::cached;\n#[cached]\npub fn slow(n: u64) -> u64 {{ n }}\npub fn deep() -> u64 {{ {}1{} }}\n",
        "(".repeat(2_900),
        ")".repeat(2_900)
    );
    let dir = temp_tree(&[("Cargo.toml", MANIFEST), ("src/lib.rs", &deep)]);
    let run = memolint_in(dir.path(), &["fix", "--diff", "--unsafe-fixes"]);
    assert!(
        run.stdout.contains("+#[cached(size = 1024)]"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}
