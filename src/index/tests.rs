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

/// The summary of the body of the function at `path`.
fn body<'i>(index: &'i Index<'_>, path: &str) -> &'i summary::BodySummary {
    index.function(fn_id(index, path)).body.expect("a body")
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

#[test]
fn bodies_keep_their_statements_only_on_a_cycle_of_names() {
    let files = parse(&[
        (
            "src/lib.rs",
            "mod other;
            pub fn fib(n: u64) -> u64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
            pub fn even(n: u64) -> bool { n == 0 || odd(n - 1) }
            pub fn odd(n: u64) -> bool { n != 0 && even(n - 1) }
            pub fn leaf(n: u64) -> u64 { let m = n + 1; m * 2 }
            pub fn outer(n: u64) -> u64 { fn inner(k: u64) -> u64 { inner(k) } inner(n) }
            use self::renamed_target as alias;
            pub fn renamed_target(n: u64) -> u64 { alias(n) }
            pub fn across(n: u64) -> u64 { other::back(n) }",
        ),
        (
            "src/other.rs",
            "pub fn back(n: u64) -> u64 { crate::across(n) }",
        ),
    ]);
    let index = Index::build(&files, &lib_target());
    let held = |path: &str| {
        let function = index
            .fns
            .iter()
            .find(|f| f.qualified_name == path)
            .unwrap_or_else(|| panic!("no function `{path}`"));
        function.body.expect("a body").held
    };
    // A cycle of names within the file: the recursion walk will want them.
    for path in ["demo::fib", "demo::even", "demo::odd", "demo::outer::inner"] {
        assert!(held(path), "{path} lost its statements");
    }
    // No cycle of names in the file (the last two recurse through an
    // alias and through another file): dropped, found again on demand.
    for path in [
        "demo::leaf",
        "demo::outer",
        "demo::renamed_target",
        "demo::across",
        "demo::other::back",
    ] {
        assert!(!held(path), "{path} kept its statements");
    }
    assert_eq!(
        call_targets(&index, "demo::renamed_target"),
        ["demo::renamed_target"]
    );
    assert_eq!(call_targets(&index, "demo::across"), ["demo::other::back"]);
    assert_eq!(call_targets(&index, "demo::other::back"), ["demo::across"]);
    // Held or not, the walk gets the statements as written.
    let statements = |path: &str| {
        let function = index.function(fn_id(&index, path));
        index.with_block(function, |block| {
            block.stmts.iter().map(tokens_text).collect::<Vec<_>>()
        })
    };
    assert_eq!(
        statements("demo::leaf"),
        Some(vec!["letm=n+1;".to_string(), "m*2".to_string()])
    );
    assert_eq!(
        statements("demo::other::back"),
        Some(vec!["crate::across(n)".to_string()])
    );
    assert_eq!(
        statements("demo::fib"),
        Some(vec!["if n<2{n}else{fib(n-1)+fib(n-2)}".replace(' ', "")])
    );
    // The outline itself holds no statements of dropped bodies, and the
    // tree is gone.
    let outline::Item::Fn(leaf) = &files[0].outline[4] else {
        panic!("item 4 is `leaf`");
    };
    assert!(leaf.item.block.stmts.is_empty());
    assert!(files[0].ast.items.is_empty());
}

#[test]
fn calls_resolution_cannot_take_to_the_file_make_no_cycle_of_names() {
    let files = parse(&[(
        "src/lib.rs",
        "pub struct Wrapper(u8);
        pub struct Node { next: Option<Box<Node>> }
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { self.0.fmt(f) }
        }
        impl Node {
            pub fn new() -> Node { Vec::new(); Node { next: None } }
            pub fn depth(&self) -> usize { Node::depth(self) }
            pub fn size(&self) -> usize { let n: Node = Node::new(); n.size() }
        }",
    )]);
    let index = Index::build(&files, &lib_target());
    let held = |path: &str| body(&index, path).held;
    // `self.0`'s method and `Vec::new` are not the file's.
    for path in ["demo::Wrapper::fmt", "demo::Node::new"] {
        assert!(!held(path), "{path} kept its statements");
    }
    // A path from a type the file declares, a local of such a type.
    for path in ["demo::Node::depth", "demo::Node::size"] {
        assert!(held(path), "{path} lost its statements");
    }
}

#[test]
fn emptied_signatures_come_back_whole() {
    let files = parse(&[
        (
            "src/lib.rs",
            "mod other;
            pub fn across<T: Copy>(n: u64, label: &str) -> Vec<u64> { other::back(n) }
            pub fn fill(memo: &mut Vec<u64>, n: u64) -> u64 { memo[0] }
            #[some::memoizer]
            pub fn marked(n: u64) -> u64 { n }
            pub struct S;
            impl S { pub fn method(&self, k: u8) -> S { S } }",
        ),
        (
            "src/other.rs",
            "pub fn back(n: u64) -> Vec<u64> { crate::across::<u8>(n, \"\") }",
        ),
    ]);
    let index = Index::build(&files, &lib_target());
    let function = |path: &str| index.function(fn_id(&index, path));
    let emptied = |path: &str| body(&index, path).emptied_sig.is_some();
    // Off every cycle of names and plain: the tree keeps only the name.
    for path in ["demo::across", "demo::other::back", "demo::S::method"] {
        assert!(emptied(path), "{path} kept its signature");
        assert!(function(path).sig.inputs.is_empty());
    }
    // A `&mut` parameter (a hand-rolled cache's table) or an attribute
    // that may be a memoizer keeps it whole.
    for path in ["demo::fill", "demo::marked"] {
        assert!(!emptied(path), "{path} lost its signature");
    }
    let across = function("demo::across");
    assert_eq!(
        (
            across.arity(),
            across.has_receiver(),
            across.returns_value()
        ),
        (2, false, true)
    );
    assert_eq!(
        across.return_type().map(|p| p.segments),
        Some(vec!["Vec".to_string()])
    );
    let method = function("demo::S::method");
    assert_eq!((method.arity(), method.has_receiver()), (2, true));
    // The whole signature, from a parse of the file again.
    let whole = index.signature(across).expect("the file parses");
    assert_eq!(
        tokens_text(whole),
        "fnacross<T:Copy>(n:u64,label:&str)->Vec<u64>"
    );
    let whole = index.signature(method).expect("the file parses");
    assert_eq!(tokens_text(whole), "fnmethod(&self,k:u8)->S");
}

#[test]
fn items_the_index_does_not_read_are_removed() {
    let files = parse(&[(
        "src/lib.rs",
        "pub const TABLE: [u8; 3] = [1, 2, 3];
        extern \"C\" { fn abs(x: i32) -> i32; }
        macro_rules! m { () => {} }
        thread_local! { static T: u8 = 0; }
        pub static S: u32 = 1 + 2;
        impl Foo { const C: u8 = 1; type T = u8; fn f(&self) {} }
        impl Copy for Foo {}
        pub type Alias = Vec<u8>;
        pub struct Named { /** doc */ a: u8, b: Vec<u8> }
        pub struct Tuple(u8, pub String);
        pub enum E { A, B(u8), C { c: u16 } }
        pub union U { x: u32, y: f32 }",
    )]);
    let kinds: Vec<String> = files[0]
        .outline
        .iter()
        .map(|item| match item {
            outline::Item::Static(s) => format!("static {}: {}", s.name, s.ty),
            outline::Item::Impl(i) => {
                format!("impl {} of {} methods", i.self_text(), i.methods.len())
            }
            outline::Item::Macro(m) => format!("macro of {} statics", m.statics.len()),
            outline::Item::Type(t) => format!("{:?} {}", t.kind, t.name),
            _ => "other".to_string(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "macro of 1 statics",
            "static S: u32",
            "impl Foo of 1 methods",
            "Alias Alias",
            "Struct Named",
            "Struct Tuple",
            "Enum E",
            "Union U",
        ]
    );
    let outline::Item::Impl(imp) = &files[0].outline[2] else {
        panic!("item 2 is the impl");
    };
    assert!(matches!(&imp.methods[..], [f] if f.item.sig.ident == "f"));
    // What the index reads is still there.
    let index = Index::build(&files, &lib_target());
    assert_eq!(
        index
            .statics
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["T", "S"]
    );
    // Fields come back from the text, as written.
    let root = index.module(index.crates[0].module);
    let types: Vec<&outline::TypeItem> = root
        .items
        .iter()
        .filter_map(|item| match item {
            outline::Item::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    let fields: Vec<String> = types[1..]
        .iter()
        .map(|item| {
            let fields = index.type_fields(root, item).expect("a type");
            fields
                .iter()
                .map(tokens_text)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(
        fields,
        [
            "{#[doc=\"doc\"]a:u8,b:Vec<u8>}",
            "(u8,pubString)",
            " | (u8) | {c:u16}",
            "{x:u32,y:f32}",
        ]
    );
    assert_eq!(index.type_fields(root, types[0]), None);
}

/// Which test functions wait to be summarised (`summary::deferrable`), and
/// that those something refers to get their calls all the same.
#[test]
fn test_functions_wait_until_something_refers_to_them() {
    let files = parse(&[(
        "src/lib.rs",
        r#"
        pub fn helper() {}
        pub fn uses(f: fn()) { f() }
        pub fn caller() { called(); uses(named); }
        #[test] fn plain() { helper(); }
        #[tokio::test] async fn in_tokio() { helper(); }
        #[test] #[ignore] #[cfg_attr(miri, ignore)] #[rustfmt::skip] fn ignored() { helper(); }
        #[test] fn imports() { use std::mem::drop; drop(1); helper(); }
        #[test] fn called() { again(); }
        #[test] fn again() { helper(); }
        #[test] fn named() { helper(); }
        #[test] fn nests_a_fn() { fn inner() {} inner(); }
        #[test] fn nests_a_static() { static S: u8 = 0; helper(); }
        #[test] fn mentions_fn_in_a_string() { let _ = "fn"; helper(); }
        #[test] fn returns() -> Result<(), ()> { helper(); Ok(()) }
        #[test] #[should_panic] #[cfg_attr(x, cached)] fn odd_cfg_attr() { helper(); }
        #[test] #[serial] fn unknown_attribute() { helper(); }
        pub fn not_a_test() { helper(); }
        mod tests { #[test] fn in_a_module() { super::helper(); } }
        "#,
    )]);
    let index = Index::build(&files, &lib_target());
    let deferred = |name: &str| body(&index, name).deferred;
    for name in [
        "demo::plain",
        "demo::in_tokio",
        "demo::ignored",
        "demo::imports",
        "demo::called",
        "demo::again",
        "demo::named",
        "demo::tests::in_a_module",
    ] {
        assert!(deferred(name), "{name} was summarised at once");
    }
    for name in [
        "demo::caller",
        "demo::nests_a_fn",
        "demo::nests_a_static",
        "demo::mentions_fn_in_a_string",
        "demo::returns",
        "demo::odd_cfg_attr",
        "demo::unknown_attribute",
        "demo::not_a_test",
    ] {
        assert!(!deferred(name), "{name} was deferred");
    }
    // Nothing refers to these: no calls yet.
    assert!(call_targets(&index, "demo::plain").is_empty());
    assert!(call_targets(&index, "demo::tests::in_a_module").is_empty());
    // Called, named as a value, and called by one that was called.
    assert_eq!(call_targets(&index, "demo::called"), ["demo::again"]);
    assert_eq!(call_targets(&index, "demo::again"), ["demo::helper"]);
    assert_eq!(call_targets(&index, "demo::named"), ["demo::helper"]);
}

#[test]
fn a_word_is_found_only_between_boundaries() {
    use super::summary::contains_word;
    assert!(contains_word("{ fn f() {} }", "fn"));
    assert!(contains_word("fn", "fn"));
    assert!(contains_word("(fn)", "fn"));
    assert!(contains_word("\u{2028}fn\u{2028}", "fn"));
    assert!(!contains_word("{ fnord(); }", "fn"));
    assert!(!contains_word("{ my_fn(); }", "fn"));
    assert!(!contains_word("{ fn_1(); }", "fn"));
    assert!(!contains_word("{ statics(); }", "static"));
}

#[test]
fn methods_are_named_by_their_impls_self_type_as_written_when_it_does_not_resolve() {
    let files = parse(&[(
        "src/lib.rs",
        "use other::Imported as Renamed;
        pub struct Local;
        pub trait Tr { fn m(&self); }
        impl Tr for Local { fn m(&self) {} }
        impl Tr for Vec < u8 > { fn m(&self) {} }
        impl<T> Tr for & 'static [T] { fn m(&self) {} }
        impl Tr for Renamed { fn m(&self) {} }
        impl Tr for ::ext::Thing { fn m(&self) {} }
        impl<T: Tr> Tr for (T, T) { fn m(&self) {} }
        impl Tr for <Local as Tr>::Out { fn m(&self) {} }",
    )]);
    let index = Index::build(&files, &lib_target());
    let mut methods = names(&index);
    methods.retain(|name| name.ends_with("::m"));
    assert_eq!(
        methods,
        [
            "demo::Tr::m",
            "demo::Local::m",
            "demo::Vec::m",
            "demo::&'static[T]::m",
            "demo::Imported::m",
            "demo::Thing::m",
            "demo::(T,T)::m",
            "demo::<LocalasTr>::Out::m",
        ]
    );
}
