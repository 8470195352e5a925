//! The index on its own: module tree, imports, call resolution.

use std::path::PathBuf;

use super::*;
use crate::source::FileId;

/// Parses `files` (path relative to a fake package root, source text) as
/// one library crate named `demo` rooted at `src/lib.rs`.
fn parse(files: &[(&str, &str)]) -> Vec<ParsedFile> {
    files
        .iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let path = PathBuf::from("/pkg").join(path);
            let mut file = ParsedFile::new(
                SourceFile::new(FileId(i as u32), path, path_display(i), text.to_string()),
                syn::parse_file(text).expect("test source parses"),
                0,
            );
            file.prepare_for_index();
            file
        })
        .collect()
}

fn path_display(i: usize) -> String {
    format!("file{i}.rs")
}

fn lib_target() -> Vec<CrateTarget> {
    vec![CrateTarget {
        name: "demo".to_string(),
        root: PathBuf::from("/pkg/src/lib.rs"),
        is_lib: true,
        package_dir: Some(PathBuf::from("/pkg")),
        dependencies: Vec::new(),
    }]
}

fn fn_id(index: &Index<'_>, path: &str) -> FnId {
    index
        .fn_by_path(path)
        .unwrap_or_else(|| panic!("no function `{path}`; have {:?}", names(index)))
}

fn names(index: &Index<'_>) -> Vec<String> {
    index.fns.iter().map(|f| f.qualified_name.clone()).collect()
}

/// The targets of the calls in `function`, in source order, as text.
fn call_targets(index: &Index<'_>, function: &str) -> Vec<String> {
    let id = fn_id(index, function);
    index
        .function(id)
        .calls
        .iter()
        .map(|call| match &call.target {
            Target::Fn(f) => index.function(*f).qualified_name.clone(),
            Target::Static(s) => format!("static {}", index.static_def(*s).qualified_name),
            Target::External(path) => format!("extern {path}"),
            Target::Unknown => "?".to_string(),
        })
        .collect()
}

#[test]
fn module_tree_follows_mod_declarations_and_path_attributes() {
    let files = parse(&[
        (
            "src/lib.rs",
            "mod a; mod b; #[path = \"generated/c_impl.rs\"] mod c; mod inline { pub fn i() {} }",
        ),
        ("src/a.rs", "pub mod inner; pub fn fa() {}"),
        ("src/a/inner.rs", "pub fn deep() {}"),
        ("src/b/mod.rs", "pub fn fb() {}"),
        ("src/generated/c_impl.rs", "pub fn fc() {}"),
    ]);
    let index = Index::build(&files, &lib_target());
    for path in [
        "demo::a::fa",
        "demo::a::inner::deep",
        "demo::b::fb",
        "demo::c::fc",
        "demo::inline::i",
    ] {
        fn_id(&index, path);
    }
    assert_eq!(index.crates.len(), 1);
    assert_eq!(index.crates[0].name, "demo");
}

#[test]
fn imports_resolve_renames_groups_self_super_and_globs() {
    let files = parse(&[
        (
            "src/lib.rs",
            r#"
            mod a;
            mod b;
            use crate::a::{self, inner::deep as renamed};
            use std::time::{Instant, SystemTime as Clock};
            pub fn root() {
                renamed();
                a::fa();
                Instant::now();
                Clock::now();
                std::env::var("X");
                b::fb();
            }
            "#,
        ),
        (
            "src/a.rs",
            "pub mod inner; pub fn fa() { inner::deep(); self::inner::deep(); }",
        ),
        (
            "src/a/inner.rs",
            "pub fn deep() { super::fa(); crate::a::fa(); }",
        ),
        ("src/b.rs", "use crate::a::*; pub fn fb() { fa(); }"),
    ]);
    let index = Index::build(&files, &lib_target());
    assert_eq!(
        call_targets(&index, "demo::root"),
        [
            "demo::a::inner::deep",
            "demo::a::fa",
            "extern std::time::Instant::now",
            "extern std::time::SystemTime::now",
            "extern std::env::var",
            "demo::b::fb",
        ]
    );
    assert_eq!(
        call_targets(&index, "demo::a::fa"),
        ["demo::a::inner::deep", "demo::a::inner::deep"]
    );
    assert_eq!(
        call_targets(&index, "demo::a::inner::deep"),
        ["demo::a::fa", "demo::a::fa"]
    );
    assert_eq!(call_targets(&index, "demo::b::fb"), ["demo::a::fa"]);
}

#[test]
fn methods_nested_functions_and_self_paths_resolve() {
    let files = parse(&[(
        "src/lib.rs",
        r#"
        pub struct Grid { w: usize }
        impl Grid {
            pub fn new(w: usize) -> Self { Self { w } }
            pub fn paths(&self, r: usize) -> usize { Self::helper(r) + self.w }
            fn helper(r: usize) -> usize { r }
        }
        pub fn outer(n: u64) -> u64 {
            fn inner(n: u64) -> u64 { n }
            inner(n) + Grid::new(1).paths(2) as u64
        }
        "#,
    )]);
    let index = Index::build(&files, &lib_target());
    assert_eq!(
        call_targets(&index, "demo::Grid::paths"),
        ["demo::Grid::helper"]
    );
    let outer = call_targets(&index, "demo::outer");
    assert_eq!(outer[0], "demo::outer::inner");
    assert!(outer.contains(&"demo::Grid::new".to_string()), "{outer:?}");
    let inner = index
        .fns
        .iter()
        .find(|f| f.name == "inner")
        .expect("nested fn is indexed");
    assert!(matches!(inner.owner, FnOwner::Nested { .. }));
    let helper = index.function(fn_id(&index, "demo::Grid::helper"));
    assert!(matches!(helper.owner, FnOwner::Impl { .. }));
    assert!(!helper.has_receiver());
}

#[test]
fn statics_thread_locals_and_lazy_statics_are_indexed_with_their_kind() {
    let files = parse(&[(
        "src/lib.rs",
        r#"
        use std::cell::RefCell;
        use std::collections::HashMap;
        static mut COUNTER: u64 = 0;
        static LIMIT: u64 = 10;
        thread_local! {
            static MEMO: RefCell<HashMap<u64, u64>> = RefCell::new(HashMap::new());
        }
        lazy_static::lazy_static! {
            static ref TABLE: HashMap<u64, u64> = HashMap::new();
        }
        pub fn reads() -> u64 {
            MEMO.with(|m| m.borrow().len() as u64) + unsafe { COUNTER } + LIMIT + TABLE.len() as u64
        }
        "#,
    )]);
    let index = Index::build(&files, &lib_target());
    let kind = |name: &str| {
        index
            .statics
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("static {name} not indexed"))
            .kind
    };
    assert_eq!(kind("COUNTER"), StaticKind::StaticMut);
    assert_eq!(kind("LIMIT"), StaticKind::Static);
    assert_eq!(kind("MEMO"), StaticKind::ThreadLocal);
    assert_eq!(kind("TABLE"), StaticKind::LazyStatic);
    let reads = index.function(fn_id(&index, "demo::reads"));
    let mut used: Vec<&str> = reads
        .static_uses
        .iter()
        .map(|u| index.static_def(u.target).name.as_str())
        .collect();
    used.sort();
    used.dedup();
    assert_eq!(used, ["COUNTER", "LIMIT", "MEMO", "TABLE"]);
    let memo_use = reads
        .static_uses
        .iter()
        .find(|u| index.static_def(u.target).name == "MEMO")
        .unwrap();
    assert_eq!(memo_use.method.as_deref(), Some("with"));
}

#[test]
fn unknown_and_local_callees_stay_unknown() {
    let files = parse(&[(
        "src/lib.rs",
        r#"
        pub fn f(g: impl Fn() -> u8) -> u8 {
            let h = || 1;
            g() + h() + missing::thing()
        }
        "#,
    )]);
    let index = Index::build(&files, &lib_target());
    let targets = call_targets(&index, "demo::f");
    assert_eq!(targets[0], "?");
    assert_eq!(targets[1], "?");
    // A path that names no item of the crate is taken as external: the
    // catalog decides whether it matters.
    assert_eq!(targets[2], "extern missing::thing");
}
