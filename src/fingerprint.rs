//! Fingerprints: an identity for a finding that survives edits elsewhere in
//! its file, used by baselines (`--baseline`) and SARIF's
//! `partialFingerprints`.
//!
//! A fingerprint hashes the rule, the file, the enclosing function and the
//! finding's message with whitespace collapsed and every run of digits
//! replaced: line numbers, column numbers and byte offsets never take part,
//! so inserting lines above a finding keeps its fingerprint, while a second
//! finding of the same rule in the same function with a different message
//! gets a different one.
//!
//! The hash is 64-bit FNV-1a, written out here because baseline files are
//! committed and must hash the same with every Rust version
//! (`std`'s `DefaultHasher` makes no such promise).

/// The message as fingerprints see it: digit runs become `#` and
/// whitespace runs one space.
pub fn normalised_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                chars.next();
            }
            out.push('#');
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// 16 hex digits identifying a finding of rule `code` in `path` (with `/`
/// separators), inside `function`, saying `message`.
pub fn fingerprint(code: &str, path: &str, function: Option<&str>, message: &str) -> String {
    let mut hash = Fnv1a::new();
    for part in [
        code,
        path,
        function.unwrap_or(""),
        &normalised_message(message),
    ] {
        hash.write(part.as_bytes());
        // A separator that cannot occur in the parts, so that ("ab", "c")
        // and ("a", "bc") differ.
        hash.write(&[0]);
    }
    format!("{:016x}", hash.finish())
}

/// The hash of just the normalised message, for baseline entries.
pub fn message_hash(message: &str) -> String {
    let mut hash = Fnv1a::new();
    hash.write(normalised_message(message).as_bytes());
    format!("{:016x}", hash.finish())
}

/// 64-bit FNV-1a (Fowler–Noll–Vo), as specified by its authors.
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Fnv1a(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a::new();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn numbers_and_spacing_do_not_matter() {
        assert_eq!(
            normalised_message("  called at line 12,\n  col 3 "),
            "called at line #, col #"
        );
        assert_eq!(
            message_hash("`f` reads the clock (line 4)"),
            message_hash("`f` reads the clock  (line 40)")
        );
        assert_ne!(
            message_hash("`f` reads the clock"),
            message_hash("`g` reads the clock")
        );
    }

    #[test]
    fn every_part_counts_and_parts_do_not_run_together() {
        let base = fingerprint("ML103", "src/a.rs", Some("c::f"), "m");
        assert_eq!(base.len(), 16);
        assert_ne!(base, fingerprint("ML101", "src/a.rs", Some("c::f"), "m"));
        assert_ne!(base, fingerprint("ML103", "src/b.rs", Some("c::f"), "m"));
        assert_ne!(base, fingerprint("ML103", "src/a.rs", None, "m"));
        assert_ne!(
            fingerprint("ML103", "ab", None, "c"),
            fingerprint("ML103", "a", None, "bc")
        );
    }
}
