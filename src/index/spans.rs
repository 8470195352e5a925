//! Spans of syntax nodes from their first and last tokens.
//!
//! syn's `Spanned::span` turns the whole node back into tokens to find its
//! first and last one. That costs the node's size on every call, and on
//! nested code (calls in calls, method chains, functions in functions) the
//! costs add up to the square of the nesting: a few thousand nested calls
//! took minutes. These helpers reach the same two tokens directly.

use proc_macro2::Span;
use syn::spanned::Spanned;

/// The span from `first` to `last` (both in the same file).
fn join(first: Span, last: Span) -> Span {
    first.join(last).unwrap_or(first)
}

/// `f(x)`, `a::b(x)`.
pub(super) fn call(call: &syn::ExprCall) -> Span {
    let start = attrs_or(&call.attrs, expr_start(&call.func));
    join(start, call.paren_token.span.close())
}

/// `receiver.name(x)`.
pub(super) fn method_call(call: &syn::ExprMethodCall) -> Span {
    let start = attrs_or(&call.attrs, expr_start(&call.receiver));
    join(start, call.paren_token.span.close())
}

/// `path!(...)`.
pub(super) fn mac(mac: &syn::Macro) -> Span {
    join(path_start(&mac.path), mac.delimiter.span().close())
}

/// A whole item, attributes included, for the kinds the index records;
/// other kinds fall back to syn.
pub(super) fn item(item: &syn::Item) -> Span {
    match item {
        syn::Item::Fn(f) => function(&f.attrs, Some(&f.vis), &f.sig, Some(&f.block)),
        syn::Item::Static(s) => static_item(s),
        syn::Item::Macro(m) => item_macro(m),
        syn::Item::Impl(i) => impl_block(i),
        other => other.span(),
    }
}

/// `static NAME: T = ...;`.
pub(super) fn static_item(s: &syn::ItemStatic) -> Span {
    join(
        attrs_or(&s.attrs, vis_or(&s.vis, s.static_token.span)),
        s.semi_token.span,
    )
}

/// `path! { ... }` or `path!(...);` as an item.
pub(super) fn item_macro(m: &syn::ItemMacro) -> Span {
    let end = match &m.semi_token {
        Some(semi) => semi.span,
        None => m.mac.delimiter.span().close(),
    };
    join(attrs_or(&m.attrs, path_start(&m.mac.path)), end)
}

/// `impl ... { ... }`.
pub(super) fn impl_block(i: &syn::ItemImpl) -> Span {
    let keyword = i
        .defaultness
        .map(|t| t.span)
        .or(i.unsafety.map(|t| t.span))
        .unwrap_or(i.impl_token.span);
    join(attrs_or(&i.attrs, keyword), i.brace_token.span.close())
}

/// A function or method: from its first attribute (or visibility, or
/// signature) to the end of its body (or of its signature, without one).
pub(super) fn function(
    attrs: &[syn::Attribute],
    vis: Option<&syn::Visibility>,
    sig: &syn::Signature,
    block: Option<&syn::Block>,
) -> Span {
    let start = match vis {
        Some(vis) => attrs_or(attrs, vis_or(vis, sig_start(sig))),
        None => attrs_or(attrs, sig_start(sig)),
    };
    let end = match block {
        Some(block) => block.brace_token.span.close(),
        None => sig.span(),
    };
    join(start, end)
}

/// A method in an `impl` block.
pub(super) fn impl_fn(method: &syn::ImplItemFn) -> Span {
    let after_vis = method
        .defaultness
        .map_or(sig_start(&method.sig), |t| t.span);
    join(
        attrs_or(&method.attrs, vis_or(&method.vis, after_vis)),
        method.block.brace_token.span.close(),
    )
}

/// A method in a trait definition.
pub(super) fn trait_fn(method: &syn::TraitItemFn) -> Span {
    let end = match (&method.default, &method.semi_token) {
        (Some(block), _) => block.brace_token.span.close(),
        (None, Some(semi)) => semi.span,
        (None, None) => method.sig.span(),
    };
    join(attrs_or(&method.attrs, sig_start(&method.sig)), end)
}

fn sig_start(sig: &syn::Signature) -> Span {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|abi| abi.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// The first outer attribute's `#`, which `ToTokens` prints first (a
/// function's inner attributes, `#![...]` in its body, are in the same list
/// but printed inside the body).
fn attrs_or(attrs: &[syn::Attribute], otherwise: Span) -> Span {
    attrs
        .iter()
        .find(|attr| matches!(attr.style, syn::AttrStyle::Outer))
        .map_or(otherwise, |attr| attr.pound_token.span)
}

fn vis_or(vis: &syn::Visibility, otherwise: Span) -> Span {
    match vis {
        syn::Visibility::Inherited => otherwise,
        syn::Visibility::Public(token) => token.span,
        syn::Visibility::Restricted(r) => r.pub_token.span,
    }
}

/// The first token of a path (`::` or its first segment).
pub(super) fn path_start(path: &syn::Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => Span::call_site(),
    }
}

/// The first token of an expression, found by walking down its left edge
/// (`a` in `a.b().c() + d`) without recursion.
pub(crate) fn expr_start(mut expr: &syn::Expr) -> Span {
    use syn::Expr;
    loop {
        if let Some(attr) = expr_attrs(expr)
            .iter()
            .find(|attr| matches!(attr.style, syn::AttrStyle::Outer))
        {
            return attr.pound_token.span;
        }
        expr = match expr {
            Expr::Binary(e) => &e.left,
            Expr::MethodCall(e) => &e.receiver,
            Expr::Field(e) => &e.base,
            Expr::Index(e) => &e.expr,
            Expr::Try(e) => &e.expr,
            Expr::Cast(e) => &e.expr,
            Expr::Await(e) => &e.base,
            Expr::Call(e) => &e.func,
            Expr::Assign(e) => &e.left,
            Expr::Range(syn::ExprRange {
                start: Some(start), ..
            }) => start,
            Expr::Path(e) => {
                return match &e.qself {
                    Some(qself) => qself.lt_token.span,
                    None => path_start(&e.path),
                }
            }
            Expr::Struct(e) => {
                return match &e.qself {
                    Some(qself) => qself.lt_token.span,
                    None => path_start(&e.path),
                }
            }
            Expr::Macro(e) => return path_start(&e.mac.path),
            Expr::Paren(e) => return e.paren_token.span.open(),
            Expr::Tuple(e) => return e.paren_token.span.open(),
            Expr::Array(e) => return e.bracket_token.span.open(),
            Expr::Repeat(e) => return e.bracket_token.span.open(),
            Expr::Reference(e) => return e.and_token.span,
            Expr::Lit(e) => return e.lit.span(),
            Expr::If(e) => return e.if_token.span,
            Expr::Match(e) => return e.match_token.span,
            Expr::Unsafe(e) => return e.unsafe_token.span,
            Expr::Return(e) => return e.return_token.span,
            Expr::Block(syn::ExprBlock {
                label: None, block, ..
            }) => return block.brace_token.span.open(),
            other => return other.span(),
        };
    }
}

fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr;
    match expr {
        Expr::Binary(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Field(e) => &e.attrs,
        Expr::Index(e) => &e.attrs,
        Expr::Try(e) => &e.attrs,
        Expr::Cast(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Range(e) => &e.attrs,
        Expr::Path(e) => &e.attrs,
        Expr::Struct(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Paren(e) => &e.attrs,
        Expr::Tuple(e) => &e.attrs,
        Expr::Array(e) => &e.attrs,
        Expr::Repeat(e) => &e.attrs,
        Expr::Reference(e) => &e.attrs,
        Expr::Lit(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The helpers agree with syn's own (slow) spans.
    #[test]
    fn spans_match_syn() {
        let text = r#"
            #[inline] pub(crate) async unsafe fn f<T: Clone>(x: T) -> T where T: Copy { x }
            static S: u8 = 1;
            thread_local! { static C: u8 = 0; }
            m! { a b }
            fn g() {
                #[allow(x)] a.b(c).d::<u8>(e)?.f(g);
                ::std::mem::drop(x);
                <T as Tr>::call(1);
                (a + b)[0].x.await.m(1);
                S { a: 1 }.m();
                match x { _ => 1 }.m();
                vec![1, 2].len();
                { 1 }.m();
                1..2.m();
                (1).m();
                &a.m();
            }
            impl X { #[a] pub fn m(&self) {} default fn n() {} }
            trait Y { #[b] fn t(&self); fn u() { } }
        "#;
        let file: syn::File = syn::parse_str(text).unwrap();
        let range = |s: Span| s.byte_range();
        for item in &file.items {
            assert_eq!(range(super::item(item)), range(item.span()));
            match item {
                syn::Item::Fn(f) => {
                    struct Calls(Vec<(Span, Span)>);
                    impl<'a> syn::visit::Visit<'a> for Calls {
                        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
                            self.0.push((call(c), c.span()));
                            syn::visit::visit_expr_call(self, c);
                        }
                        fn visit_expr_method_call(&mut self, c: &'a syn::ExprMethodCall) {
                            self.0.push((method_call(c), c.span()));
                            syn::visit::visit_expr_method_call(self, c);
                        }
                        fn visit_macro(&mut self, m: &'a syn::Macro) {
                            self.0.push((mac(m), m.span()));
                        }
                    }
                    let mut calls = Calls(Vec::new());
                    syn::visit::Visit::visit_item_fn(&mut calls, f);
                    for (ours, syns) in calls.0 {
                        assert_eq!(range(ours), range(syns));
                    }
                }
                syn::Item::Impl(i) => {
                    for it in &i.items {
                        if let syn::ImplItem::Fn(m) = it {
                            assert_eq!(range(impl_fn(m)), range(m.span()));
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    for it in &t.items {
                        if let syn::TraitItem::Fn(m) = it {
                            assert_eq!(range(trait_fn(m)), range(m.span()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod equivalence {
    //! The helpers against syn's own spans on real code: every item,
    //! method, call and macro of the fixtures and of memolint's source
    //! (here), and of any tree (the benchmark corpus) on demand.
    use super::*;
    use syn::visit::Visit;

    fn mismatches(file: &syn::File) -> Vec<String> {
        struct Check(Vec<String>);
        impl Check {
            fn compare(&mut self, what: &str, ours: Span, syns: Span) {
                if ours.byte_range() != syns.byte_range() {
                    self.0.push(format!(
                        "{what} at {:?}: ours {:?}, syn {:?}",
                        syns.start(),
                        ours.byte_range(),
                        syns.byte_range()
                    ));
                }
            }
        }
        impl<'ast> Visit<'ast> for Check {
            fn visit_item(&mut self, i: &'ast syn::Item) {
                self.compare("item", item(i), i.span());
                syn::visit::visit_item(self, i);
            }
            fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
                self.compare("impl fn", impl_fn(f), f.span());
                syn::visit::visit_impl_item_fn(self, f);
            }
            fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
                self.compare("trait fn", trait_fn(f), f.span());
                syn::visit::visit_trait_item_fn(self, f);
            }
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                self.compare("call", call(c), c.span());
                syn::visit::visit_expr_call(self, c);
            }
            fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
                self.compare("method call", method_call(c), c.span());
                syn::visit::visit_expr_method_call(self, c);
            }
            fn visit_macro(&mut self, m: &'ast syn::Macro) {
                self.compare("macro", mac(m), m.span());
            }
        }
        let mut check = Check(Vec::new());
        check.visit_file(file);
        check.0
    }

    fn check_tree(root: &std::path::Path) -> (usize, Vec<String>) {
        let mut problems = Vec::new();
        let mut checked = 0;
        let walk = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build();
        for entry in walk.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            if let Ok(file) = syn::parse_file(&text) {
                checked += 1;
                for problem in mismatches(&file) {
                    problems.push(format!("{}: {problem}", path.display()));
                }
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        }
        (checked, problems)
    }

    #[test]
    fn inner_attributes_do_not_start_a_function() {
        let file: syn::File =
            syn::parse_str("fn f() { #![allow(unused)] }\nimpl X { fn g() { #![allow(x)] } }")
                .unwrap();
        assert_eq!(mismatches(&file), Vec::<String>::new());
    }

    #[test]
    fn fixtures_and_source_match_syn() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["fixtures", "src", "tests"] {
            let (files, problems) = check_tree(&root.join(dir));
            assert!(problems.is_empty(), "{}", problems.join("\n"));
            checked += files;
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    /// `MEMOLINT_SPANS_TREE=bench/corpus/vendor cargo test --release
    /// --lib equivalence -- --ignored`: the same over any tree.
    #[test]
    #[ignore = "reads the tree named by MEMOLINT_SPANS_TREE"]
    fn tree_matches_syn() {
        let Some(root) = std::env::var_os("MEMOLINT_SPANS_TREE") else {
            return;
        };
        let (checked, problems) = check_tree(std::path::Path::new(&root));
        eprintln!("{checked} files checked");
        assert!(
            problems.is_empty(),
            "{} mismatches:\n{}",
            problems.len(),
            problems[..problems.len().min(50)].join("\n")
        );
    }
}
