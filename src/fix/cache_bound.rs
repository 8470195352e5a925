//! The ML103 fix: give an unbounded memoizing attribute a size bound,
//! `#[cached]` → `#[cached(size = N)]`, `#[memoize]` →
//! `#[memoize(Capacity: N)]`, keeping the options already there.
//!
//! `size` (not `max_size`) is the option every released `cached` accepts,
//! 0.x and 1.x alike (checked against `cached_proc_macro` 1.1.0).

use crate::catalog::Family;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::source::{SourceFile, Span};

/// The edit that bounds the attribute at `attribute` (its whole `#[...]`)
/// to `capacity` entries, or `None` if the attribute's shape is unusual.
pub fn bound_fix(
    source: &SourceFile,
    attribute: Span,
    family: Family,
    capacity: usize,
) -> Option<Fix> {
    let text = source.slice(attribute);
    let option = match family {
        Family::Memoize => format!("Capacity: {capacity}"),
        Family::Cached => format!("size = {capacity}"),
        Family::Framework | Family::User => return None,
    };
    let inner = text.strip_prefix("#[")?.strip_suffix(']')?;
    let edit = match inner.find('(') {
        // `#[cached]` → `#[cached(size = N)]`
        None => Edit {
            span: Span::new(attribute.file, attribute.end - 1..attribute.end - 1),
            replacement: format!("({option})"),
        },
        Some(_) => {
            let close = inner.rfind(')')?;
            let arguments = inner[inner.find('(')? + 1..close].trim_end();
            let at = attribute.start + 2 + inner[..close].trim_end().len();
            let separator = if arguments.is_empty() {
                ""
            } else if arguments.ends_with(',') {
                " "
            } else {
                ", "
            };
            Edit {
                span: Span::new(attribute.file, at..at),
                replacement: format!("{separator}{option}"),
            }
        }
    };
    Some(Fix {
        message: format!("bound the cache to {capacity} entries"),
        applicability: Applicability::Unsafe,
        edits: vec![edit],
        dependency: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn fixed(attribute: &str, family: Family) -> String {
        let text = format!("{attribute}\nfn f() {{}}\n");
        let source = SourceFile::new(FileId(0), "a.rs".into(), "a.rs".into(), text.clone());
        let span = Span::new(FileId(0), 0..attribute.len());
        let fix = bound_fix(&source, span, family, 1024).unwrap();
        let edit = &fix.edits[0];
        let mut out = text.clone();
        out.replace_range(edit.span.range(), &edit.replacement);
        out.lines().next().unwrap().to_string()
    }

    #[test]
    fn adds_the_bound_keeping_other_options() {
        assert_eq!(fixed("#[cached]", Family::Cached), "#[cached(size = 1024)]");
        assert_eq!(
            fixed("#[cached()]", Family::Cached),
            "#[cached(size = 1024)]"
        );
        assert_eq!(
            fixed("#[cached(time = 60)]", Family::Cached),
            "#[cached(time = 60, size = 1024)]"
        );
        assert_eq!(
            fixed("#[cached(time = 60,)]", Family::Cached),
            "#[cached(time = 60, size = 1024)]"
        );
        assert_eq!(
            fixed("#[memoize]", Family::Memoize),
            "#[memoize(Capacity: 1024)]"
        );
        assert_eq!(
            fixed(
                "#[memoize(TimeToLive: Duration::from_secs(2))]",
                Family::Memoize
            ),
            "#[memoize(TimeToLive: Duration::from_secs(2), Capacity: 1024)]"
        );
    }
}
