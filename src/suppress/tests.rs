//! Suppressions on synthetic findings: which are dropped, and what ML002
//! says about the comments.

use super::*;
use crate::diagnostic::Label;

const ACTIVE: &[&str] = &["ML001", "ML002", "ML103"];

/// A finding of `code` whose primary span starts at the first occurrence
/// of `marker` in `text`.
fn finding_at(text: &str, code: &'static str, marker: &str) -> Finding {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not in the text"));
    Finding {
        code,
        name: "test",
        level: Level::Warn,
        message: format!("{code} at {marker}"),
        primary: Label::new(Span::new(FileId(0), start..start + marker.len()), ""),
        labels: Vec::new(),
        notes: Vec::new(),
        help: None,
        function: None,
        fix: None,
    }
}

fn parsed(text: &str) -> ParsedFile {
    ParsedFile::new(
        SourceFile::new(FileId(0), "a.rs".into(), "a.rs".into(), text.into()),
        syn::parse_file(text).expect("test input parses"),
        0,
    )
}

struct Run {
    /// Messages of the findings that were not suppressed (not ML002).
    kept: Vec<String>,
    /// ML002 findings.
    unused: Vec<Finding>,
}

fn run_with(text: &str, findings: &[(&'static str, &str)], active: &[&'static str]) -> Run {
    let file = parsed(text);
    let findings = findings
        .iter()
        .map(|(code, marker)| finding_at(text, code, marker))
        .collect();
    let out = apply(
        scan_parsed(&file).into_iter().collect(),
        [&file.source],
        findings,
        &Settings {
            active,
            unused_level: Level::Warn,
        },
    );
    let (unused, kept): (Vec<Finding>, Vec<Finding>) =
        out.into_iter().partition(|f| f.code == "ML002");
    Run {
        kept: kept.into_iter().map(|f| f.message).collect(),
        unused,
    }
}

fn run(text: &str, findings: &[(&'static str, &str)]) -> Run {
    run_with(text, findings, ACTIVE)
}

/// The text after applying the fix of an ML002 finding.
fn fixed(text: &str, finding: &Finding) -> String {
    let mut out = text.to_string();
    let fix = finding.fix.as_ref().expect("a fix");
    for edit in fix.edits.iter().rev() {
        out.replace_range(edit.span.range(), &edit.replacement);
    }
    out
}

const ITEM: &str = "\
// memolint: allow(ML103) -- the keys are few
/// Documented.
#[cached]
fn f() {
    body();
}
fn g() { other(); }
";

#[test]
fn above_an_item_covers_it_with_its_attributes() {
    let run = run(
        ITEM,
        &[
            ("ML103", "#[cached]"),
            ("ML103", "body"),
            ("ML103", "other"),
        ],
    );
    assert_eq!(run.kept, vec!["ML103 at other"]);
    assert!(run.unused.is_empty());
}

#[test]
fn only_the_named_rules_are_suppressed() {
    let run = run(ITEM, &[("ML001", "#[cached]"), ("ML103", "body")]);
    assert_eq!(run.kept, vec!["ML001 at #[cached]"]);
}

#[test]
fn between_attributes_it_still_covers_the_item() {
    let text = "/// Doc.\n// memolint: allow(ML103)\n#[cached]\nfn f() {\n    body();\n}\n";
    let run = run(text, &[("ML103", "#[cached]"), ("ML103", "body")]);
    assert!(run.kept.is_empty(), "{:?}", run.kept);
}

#[test]
fn at_the_end_of_a_line_it_covers_that_line() {
    let text =
        "fn f() {\n    let a = one(); // memolint: allow(unbounded-memo-cache)\n    two();\n}\n";
    let run = run(text, &[("ML103", "one"), ("ML103", "two")]);
    assert_eq!(run.kept, vec!["ML103 at two"]);
    assert!(run.unused.is_empty());
}

#[test]
fn above_a_statement_it_covers_the_next_line_of_code() {
    let text = "fn f() {\n    // memolint: allow(ML103)\n    // (an ordinary comment may follow)\n    one(\n        two());\n}\n";
    let run = run(text, &[("ML103", "one"), ("ML103", "two")]);
    assert_eq!(run.kept, vec!["ML103 at two"]);
}

#[test]
fn inner_comment_at_the_top_covers_the_file() {
    let text = "//! memolint: allow(ML103, ML001) -- generated code\n\nfn f() { one(); }\nmod m { fn g() { two(); } }\n";
    let run = run(text, &[("ML103", "one"), ("ML001", "two")]);
    assert!(run.kept.is_empty(), "{:?}", run.kept);
    assert!(run.unused.is_empty());
}

#[test]
fn inner_comment_in_a_module_covers_only_that_module() {
    let text =
        "mod m {\n    //! memolint: allow(ML103)\n    fn g() { one(); }\n}\nfn f() { two(); }\n";
    let run = run(text, &[("ML103", "one"), ("ML103", "two")]);
    assert_eq!(run.kept, vec!["ML103 at two"]);
}

#[test]
fn above_a_method_covers_only_the_method() {
    let text = "impl S {\n    // memolint: allow(ML103)\n    fn a(&self) { one(); }\n    fn b(&self) { two(); }\n}\n";
    let run = run(text, &[("ML103", "one"), ("ML103", "two")]);
    assert_eq!(run.kept, vec!["ML103 at two"]);
}

#[test]
fn an_unused_suppression_is_reported_with_a_fix_removing_its_line() {
    let text = "fn f() {}\n    // memolint: allow(ML103) -- stale\nfn g() {}\n";
    let run = run(text, &[]);
    assert_eq!(run.unused.len(), 1);
    let report = &run.unused[0];
    assert_eq!(
        report.message,
        "unused suppression: no `ML103` finding here"
    );
    assert_eq!(report.level, Level::Warn);
    assert_eq!(
        &text[report.primary.span.range()],
        "// memolint: allow(ML103) -- stale"
    );
    assert_eq!(fixed(text, report), "fn f() {}\nfn g() {}\n");
}

#[test]
fn removing_a_comment_between_blank_lines_keeps_one_blank_line() {
    let text = "fn f() {}\n\n// memolint: allow(ML103)\n\nfn g() {}\n";
    let run = run(text, &[]);
    assert_eq!(fixed(text, &run.unused[0]), "fn f() {}\n\nfn g() {}\n");
    let text = "// memolint: allow(ML103)\n\nfn g() {}\n";
    let run = self::run(text, &[]);
    assert_eq!(fixed(text, &run.unused[0]), "\nfn g() {}\n");
}

#[test]
fn an_unused_trailing_suppression_fix_keeps_the_code() {
    let text = "fn f() { one(); } // memolint: allow(ML103)\n";
    let run = run(text, &[]);
    assert_eq!(fixed(text, &run.unused[0]), "fn f() { one(); }\n");
}

#[test]
fn one_unused_rule_among_used_ones_is_reported_alone() {
    let text = "fn f() { one(); } // memolint: allow(ML001, ML103)\n";
    let run = run(text, &[("ML103", "one")]);
    assert!(run.kept.is_empty());
    assert_eq!(run.unused.len(), 1);
    assert_eq!(
        run.unused[0].message,
        "unused suppression: no `ML001` finding here"
    );
    assert_eq!(&text[run.unused[0].primary.span.range()], "ML001");
    assert_eq!(
        fixed(text, &run.unused[0]),
        "fn f() { one(); } // memolint: allow(ML103)\n"
    );

    let text = "fn f() { one(); } // memolint: allow(ML103, ML001)\n";
    let reversed = self::run(text, &[("ML103", "one")]);
    assert_eq!(
        fixed(text, &reversed.unused[0]),
        "fn f() { one(); } // memolint: allow(ML103)\n"
    );
}

#[test]
fn a_blank_line_detaches_the_comment() {
    let text = "// memolint: allow(ML103)\n\n#[cached]\nfn f() {}\n";
    let run = run(text, &[("ML103", "#[cached]")]);
    assert_eq!(run.kept, vec!["ML103 at #[cached]"]);
    assert_eq!(run.unused.len(), 1);
    assert_eq!(
        run.unused[0].notes,
        vec!["a blank line separates the comment from the code below, so it covers nothing"]
    );
}

#[test]
fn unknown_rules_and_malformed_comments_are_reported_without_fix() {
    let text =
        "fn f() { one(); } // memolint: allow(ML103, ML130)\n// memolint: allow ML103\nfn g() {}\n";
    let run = run(text, &[("ML103", "one")]);
    let messages: Vec<&str> = run.unused.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "`ML130` in a suppression is not a memolint rule",
            "malformed suppression comment: it suppresses nothing",
        ]
    );
    assert!(run.unused.iter().all(|f| f.fix.is_none()));
    assert_eq!(run.unused[1].primary.message, "expected `(` after `allow`");
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_judged() {
    let text = "// memolint: allow(ML001)\nfn f() {}\n";
    assert!(run_with(text, &[], &["ML002", "ML103"]).unused.is_empty());
    assert_eq!(run_with(text, &[], ACTIVE).unused.len(), 1);
}

#[test]
fn ml002_can_be_suppressed_too() {
    let text = "//! memolint: allow(ML002)\n// memolint: allow(ML103)\nfn f() {}\n";
    let run = run(text, &[]);
    assert!(run.unused.is_empty());
}

#[test]
fn comments_inside_strings_are_not_suppressions() {
    let text = "fn f() { let s = \"// memolint: allow(ML103)\"; one(); }\n";
    let run = run(text, &[("ML103", "one")]);
    assert_eq!(run.kept, vec!["ML103 at one"]);
    assert!(run.unused.is_empty());
}

#[test]
fn a_file_that_did_not_parse_honours_line_and_file_comments() {
    let text = "//! memolint: allow(ML001)\nfn broken( {\n";
    let source = SourceFile::new(FileId(0), "a.rs".into(), "a.rs".into(), text.into());
    let out = apply(
        scan_unparsed(&source).into_iter().collect(),
        [&source],
        vec![finding_at(text, "ML001", "broken")],
        &Settings {
            active: ACTIVE,
            unused_level: Level::Warn,
        },
    );
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn nothing_is_reported_when_ml002_is_off() {
    let text = "// memolint: allow(ML103)\nfn f() {}\n";
    let file = parsed(text);
    let out = apply(
        scan_parsed(&file).into_iter().collect(),
        [&file.source],
        Vec::new(),
        &Settings {
            active: ACTIVE,
            unused_level: Level::Allow,
        },
    );
    assert!(out.is_empty());
}
