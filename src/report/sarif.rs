//! `--format sarif`: one SARIF 2.1.0 log, the format GitHub code scanning
//! and other result viewers import.
//!
//! The run describes the tool with one `reportingDescriptor` per rule, its
//! documentation from `rules/` as help; each finding becomes a `result`
//! with its physical location (paths relative to `%SRCROOT%`, the working
//! directory), the enclosing function as a logical location, secondary
//! labels as related locations, and its fix as a SARIF `fix`. Columns count
//! Unicode code points, as everywhere in memolint, and the run says so
//! (`columnKind`). The output is checked with the SARIF multitool's
//! validator in CI (`.ci/validate-sarif`).

use std::io;
use std::path::{Component, Path};

use codespan_reporting::term::termcolor::WriteColor;
use serde_json::{json, Map, Value};

use super::{clamped_range, position};
use crate::diagnostic::{Finding, Level};
use crate::fingerprint;
use crate::pipeline::Outcome;
use crate::rules::{self, RuleMeta};
use crate::source::Span;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` of every relative path.
const SRCROOT: &str = "%SRCROOT%";
/// Key of memolint's fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "memolint/v1";

pub(super) fn render(outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(outcome))?;
    out.write_all(b"\n")
}

/// The whole SARIF log.
pub(crate) fn log(outcome: &Outcome) -> Value {
    let rules: Vec<&'static RuleMeta> = rules::all().iter().map(|r| r.meta()).collect();
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|finding| result(outcome, &rules, finding))
        .collect();
    let notifications: Vec<Value> = outcome
        .errors
        .iter()
        .map(|error| json!({ "level": "error", "message": { "text": error } }))
        .collect();
    let mut driver = json!({
        "name": "memolint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|meta| descriptor(meta)).collect::<Vec<_>>(),
    });
    // Where to learn about the tool, once the package says where it lives.
    let homepage = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty());
    if let Some(uri) = homepage {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{
                "executionSuccessful": outcome.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {
                SRCROOT: { "uri": directory_uri(&outcome.root) }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A rule's `reportingDescriptor`, from its metadata and document.
fn descriptor(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": {
            "text": what_it_does(meta.doc),
            "markdown": what_it_does(meta.doc),
        },
        "help": { "text": meta.doc, "markdown": meta.doc },
        "defaultConfiguration": { "level": sarif_level(meta.default_level) },
    })
}

/// A rule document's *What it does* section.
fn what_it_does(doc: &str) -> &str {
    let section = doc
        .split_once("## What it does\n")
        .map_or(doc, |(_, rest)| rest);
    section[..section.find("\n## ").unwrap_or(section.len())].trim()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn result(outcome: &Outcome, rules: &[&'static RuleMeta], finding: &Finding) -> Value {
    let sources = &outcome.sources;
    let mut location = physical_location(outcome, finding.primary.span);
    if let Some(function) = &finding.function {
        let name = function.rsplit("::").next().unwrap_or(function);
        location.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": function, "name": name, "kind": "function" }]),
        );
    }
    if !finding.primary.message.is_empty() {
        location.insert("message".into(), json!({ "text": finding.primary.message }));
    }
    let mut text = finding.message.clone();
    for note in &finding.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(finding.code));
    if let Some(index) = rules.iter().position(|meta| meta.code == finding.code) {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("level".into(), json!(sarif_level(finding.level)));
    result.insert("message".into(), json!({ "text": text }));
    result.insert("locations".into(), json!([Value::Object(location)]));
    if !finding.labels.is_empty() {
        let related: Vec<Value> = finding
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let mut location = physical_location(outcome, label.span);
                location.insert("id".into(), json!(i + 1));
                location.insert("message".into(), json!({ "text": label.message }));
                Value::Object(location)
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    if let Some(fix) = &finding.fix {
        // One artifactChange per file, its replacements in text order.
        let mut changes: Vec<(Span, Vec<Value>)> = Vec::new();
        for edit in &fix.edits {
            let range = clamped_range(sources, edit.span);
            let replacement = json!({
                "deletedRegion": { "byteOffset": range.start, "byteLength": range.len() },
                "insertedContent": { "text": edit.replacement },
            });
            match changes.iter_mut().find(|(s, _)| s.file == edit.span.file) {
                Some((_, replacements)) => replacements.push(replacement),
                None => changes.push((edit.span, vec![replacement])),
            }
        }
        let changes: Vec<Value> = changes
            .into_iter()
            .map(|(span, replacements)| {
                json!({
                    "artifactLocation": artifact_location(outcome, span),
                    "replacements": replacements,
                })
            })
            .collect();
        // A Cargo.toml edit is made when the fix is applied, from the
        // manifest as it is then, so it is not a replacement here.
        let description = match &fix.dependency {
            Some(dependency) => format!(
                "{} (and adds `{} = \"{}\"` to the package's Cargo.toml dependencies)",
                fix.message, dependency.name, dependency.version
            ),
            None => fix.message.clone(),
        };
        result.insert(
            "fixes".into(),
            json!([{ "description": { "text": description }, "artifactChanges": changes }]),
        );
    }
    let path = uri_path(outcome, finding.primary.span);
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint::fingerprint(
            finding.code,
            &path,
            finding.function.as_deref(),
            &finding.message,
        ) }),
    );
    Value::Object(result)
}

fn physical_location(outcome: &Outcome, span: Span) -> Map<String, Value> {
    let at = position(&outcome.sources, span);
    let bytes = clamped_range(&outcome.sources, span);
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": artifact_location(outcome, span),
            "region": {
                "startLine": at.start.line,
                "startColumn": at.start.column,
                "endLine": at.end.line,
                "endColumn": at.end.column,
                "byteOffset": bytes.start,
                "byteLength": bytes.len(),
            },
        }),
    );
    location
}

/// A path below the working directory is relative to `%SRCROOT%`; any
/// other is an absolute `file:` URI.
fn artifact_location(outcome: &Outcome, span: Span) -> Value {
    let Some(file) = outcome.sources.get(span.file) else {
        return json!({ "uri": "unknown" });
    };
    match relative_uri(&file.path, &outcome.root) {
        Some(uri) => json!({ "uri": uri, "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&file.path) }),
    }
}

/// The path fingerprints use: the URI's path, relative when it can be.
fn uri_path(outcome: &Outcome, span: Span) -> String {
    match outcome.sources.get(span.file) {
        Some(file) => {
            relative_uri(&file.path, &outcome.root).unwrap_or_else(|| file_uri(&file.path))
        }
        None => String::new(),
    }
}

fn relative_uri(path: &Path, root: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let segments: Vec<String> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => Some(percent_encode(&part.to_string_lossy())),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!segments.is_empty()).then(|| segments.join("/"))
}

fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            Component::RootDir => {}
            Component::Prefix(prefix) => {
                // `C:` on Windows: file:///C:/...
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy());
            }
            other => {
                uri.push('/');
                uri.push_str(&percent_encode(&other.as_os_str().to_string_lossy()));
            }
        }
    }
    uri
}

/// The `file:` URI of a directory, with the trailing slash SARIF requires
/// of base URIs.
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(dir);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit, Fix, Label};
    use crate::pipeline::Sources;
    use crate::source::{FileId, SourceFile};
    use std::path::PathBuf;

    #[test]
    fn paths_below_the_root_are_relative_and_encoded() {
        let root = Path::new("/work/repo");
        assert_eq!(
            relative_uri(Path::new("/work/repo/src/a b#.rs"), root).as_deref(),
            Some("src/a%20b%23.rs")
        );
        assert_eq!(relative_uri(Path::new("/elsewhere/a.rs"), root), None);
        assert_eq!(
            file_uri(Path::new("/elsewhere/ü.rs")),
            "file:///elsewhere/%C3%BC.rs"
        );
        assert_eq!(directory_uri(root), "file:///work/repo/");
    }

    #[test]
    fn full_description_is_what_it_does() {
        let doc = "# ML0 x\n\n## What it does\nFlags a\nthing:\n\n- this.\n\n## Why\n";
        assert_eq!(what_it_does(doc), "Flags a\nthing:\n\n- this.");
    }

    #[test]
    fn fixes_become_artifact_changes_with_byte_regions() {
        let root = PathBuf::from("/r");
        let mut sources = Sources::default();
        sources.insert(SourceFile::new(
            FileId(0),
            root.join("src/a.rs"),
            "src/a.rs".into(),
            "// x\nfn f() {}\n".into(),
        ));
        let span = Span::new(FileId(0), 0..5);
        let finding = Finding {
            code: "ML002",
            name: "unused-suppression",
            level: Level::Warn,
            message: "m".into(),
            primary: Label::new(span, "l"),
            labels: vec![Label::new(Span::new(FileId(0), 5..7), "second")],
            notes: Vec::new(),
            help: None,
            function: Some("c::m::f".into()),
            fix: Some(Fix {
                message: "remove it".into(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span,
                    replacement: String::new(),
                }],
                dependency: None,
            }),
        };
        let outcome = Outcome {
            findings: vec![finding],
            sources,
            root,
            ..Outcome::default()
        };
        let log = log(&outcome);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(
            result["fixes"][0]["artifactChanges"][0],
            json!({
                "artifactLocation": { "uri": "src/a.rs", "uriBaseId": "%SRCROOT%" },
                "replacements": [{
                    "deletedRegion": { "byteOffset": 0, "byteLength": 5 },
                    "insertedContent": { "text": "" },
                }],
            })
        );
        assert_eq!(result["relatedLocations"][0]["id"], 1);
        assert_eq!(
            result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], "f");
        assert_eq!(
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///r/"
        );
    }
}
