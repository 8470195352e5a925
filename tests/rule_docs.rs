//! Every rule document's *Example* blocks trigger the rule, and its
//! *Use instead* blocks do not: the documentation cannot drift from the
//! checks.

mod common;

use memolint::pipeline::{self, Options};
use memolint::rules;

/// The ```rust blocks of the section headed `heading`.
fn rust_blocks(doc: &str, heading: &str) -> Vec<String> {
    let Some(start) = doc.find(&format!("\n{heading}\n")) else {
        return Vec::new();
    };
    let section = &doc[start + heading.len() + 2..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```rust\n") {
        let body = &rest[open + "```rust\n".len()..];
        let close = body.find("```").expect("closed code block");
        blocks.push(body[..close].to_string());
        rest = &body[close..][3..];
    }
    blocks
}

/// Codes of the findings memolint reports for `code` as a crate's lib.rs.
fn codes_for(code: &str) -> Vec<&'static str> {
    let dir = common::temp_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"doc_example\"\nversion = \"0.1.0\"\n",
        ),
        ("src/lib.rs", code),
    ]);
    let outcome = pipeline::run(&Options {
        paths: vec![dir.path().to_path_buf()],
        jobs: 1,
        ..Options::default()
    });
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.findings.iter().map(|f| f.code).collect()
}

#[test]
fn examples_trigger_their_rule_and_alternatives_do_not() {
    let mut checked = 0;
    for rule in rules::all() {
        let meta = rule.meta();
        let examples = rust_blocks(meta.doc, "## Example");
        let alternatives = rust_blocks(meta.doc, "## Use instead");
        if meta.code == "ML001" {
            // A parse error cannot be shown as compiling Rust.
            continue;
        }
        assert!(!examples.is_empty(), "{} has no ```rust example", meta.code);
        assert!(
            !alternatives.is_empty(),
            "{} has no ```rust alternative",
            meta.code
        );
        for example in &examples {
            let codes = codes_for(example);
            assert!(
                codes.contains(&meta.code),
                "{} example not flagged:\n{example}\ngot {codes:?}",
                meta.code
            );
            checked += 1;
        }
        for alternative in &alternatives {
            let codes = codes_for(alternative);
            assert!(
                !codes.contains(&meta.code),
                "{} alternative flagged:\n{alternative}",
                meta.code
            );
            checked += 1;
        }
    }
    assert!(checked >= 2);
}
